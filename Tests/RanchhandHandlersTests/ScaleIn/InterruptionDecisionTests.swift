import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

/// Spot interruption warnings and rebalance recommendations, from a snapshot: what each drains.
@Suite struct InterruptionDecisionTests {
    let policy = ScaleInPolicy()

    @Test func aSpotWarningDrainsAtOnceWithinTheTwoMinutesAndDeletesNothing() {
        let plan = InterruptionDecision.plan(.spotInterruption, instance: "i-0aaa", cluster: cluster(worker("m-1", instance: "i-0aaa"), worker("m-2", instance: "i-0b")),
                                             policy: policy)
        #expect(plan.steps.map(\.action) == ["cordon", "drain", "evict"])
        guard case .drain(_, let drain) = plan.steps[1], case .evict(_, let eviction) = plan.steps[2] else {
            Issue.record("unexpected steps \(plan.steps)")
            return
        }
        #expect(drain.timeout == 100 && drain.gracePeriod == 25)
        #expect(eviction == EvictionPlan(maximumWaitSeconds: 100, gracePeriodSeconds: 25))
        #expect(!plan.steps.contains { $0.isDestructive } && !plan.completes)
    }

    @Test func aRebalanceRecommendationCordonsDrainsOrIsIgnoredAsConfigured() {
        let snapshot = cluster(worker("m-1", instance: "i-0aaa"), worker("m-2", instance: "i-0b"))
        #expect(InterruptionDecision.plan(.rebalance, instance: "i-0aaa", cluster: snapshot, policy: policy).steps.map(\.action) == ["cordon"])
        var draining = policy
        draining.rebalance = .drain
        #expect(InterruptionDecision.plan(.rebalance, instance: "i-0aaa", cluster: snapshot, policy: draining).steps.map(\.action) == ["cordon", "drain", "evict"])
        var ignoring = policy
        ignoring.rebalance = .ignore
        #expect(InterruptionDecision.plan(.rebalance, instance: "i-0aaa", cluster: snapshot, policy: ignoring).steps.isEmpty)
    }

    @Test func anInstanceWithoutANodeOrAnEmptyListIsLeftAlone() {
        #expect(InterruptionDecision.plan(.spotInterruption, instance: "i-0zzz", cluster: cluster(worker("m-1", instance: "i-0aaa")), policy: policy).steps.isEmpty)
        #expect(InterruptionDecision.plan(.spotInterruption, instance: "i-0aaa", cluster: cluster([]), policy: policy).steps.isEmpty)
    }
}

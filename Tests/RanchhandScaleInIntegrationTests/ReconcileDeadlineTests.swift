import Foundation
import RanchhandClients
import RanchhandHandlers
import RanchhandLambda
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// A reconcile pass with more work than its window (moto for EC2 and Auto Scaling, the sandbox's
/// Rancher, whose node removals take 1.5 s): it must end near its deadline — in Lambda the
/// invocation's — and leave what it did not start to the next pass, which finishes it.
@Suite struct ReconcileDeadlineTests {
    @Test func aPassWithMoreItemsThanItsWindowDefersTheRestAndTheNextPassFinishesThem() async throws {
        let harness = try await ScaleInHarness.start(removalDuration: .milliseconds(1500))
        defer { Task { await harness.sandbox.stop() } }
        let group = try await harness.seed.group("recdl-\(UUID().uuidString.prefix(8))", desired: 2)
        _ = await harness.addNodes(group.instanceIds, roles: .worker, prefix: "live")
        _ = await harness.addNodes(["i-0cp0000000000rd1", "i-0cp0000000000rd2", "i-0cp0000000000rd3"], roles: [.etcd, .controlPlane], prefix: "cp")
        // Eight nodes whose instances EC2 has never heard of, their kubelets silent.
        let ghosts = (0..<8).map { String(format: "i-0ghost%010d", $0) }
        _ = await harness.addNodes(ghosts, roles: .worker, prefix: "ghost", notReady: Set(ghosts))
        var policy = ScaleInPolicy(drain: DrainOptions(timeout: 60))
        policy.budget.maximumShare = 1  // this test is about the deadline, not the breaker
        let handler = harness.handler(policy: policy, reconcile: ReconcileSettings(concurrency: 2))

        let started = Date()
        let deadline = started.addingTimeInterval(3)
        let first = try await handler.reconcile(dryRun: false, now: started, context: HandlingContext(deadline: deadline, logger: harness.logger)).get()
        let deferred = first.filter { $0.action == "defer" }
        let ghostsLeft = await harness.sandbox.world.nodes(in: harness.cluster).filter { $0.nodeName.hasPrefix("ghost-") }
        #expect(!deferred.isEmpty, "eight removals of 1.5 s, two at a time, do not fit in 3 s: \(first)")
        #expect(deferred.count + (8 - ghostsLeft.count) <= 8 && !ghostsLeft.isEmpty)
        // How long the items in flight at the deadline take to reach their next check depends on the
        // machine's load (an in-flight read of the whole fleet); in Lambda the invocation's hard stop
        // bounds it. What must hold everywhere: nothing is started past the deadline.
        #expect(first.filter { $0.action != "keep" }.count == 8, "one finding per ghost, applied or deferred: \(first)")

        let second = try await handler.reconcile(dryRun: false, now: Date(), context: HandlingContext(deadline: Date().addingTimeInterval(60),
                                                                                                    logger: harness.logger)).get()
        #expect(!second.contains { $0.action == "defer" })
        #expect(await harness.sandbox.world.nodes(in: harness.cluster).filter { $0.nodeName.hasPrefix("ghost-") }.isEmpty, "\(second)")
        let kept = await harness.sandbox.world.nodes(in: harness.cluster).map(\.nodeName)
        #expect(kept.contains("live-0") && kept.contains("live-1"), "nodes of running instances stay: \(kept)")
    }
}

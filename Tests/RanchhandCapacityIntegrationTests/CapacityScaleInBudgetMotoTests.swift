import Foundation
import RanchhandClients
import RanchhandHandlers
import RanchhandHTTP
import RanchhandTestSupport
import Testing

/// The scale-in budget as ranchhand-capacity applies it to a real group: moto with the launcher's
/// lifecycle hooks, so the instances a scale-in removes wait in Terminating:Wait (their drain) and
/// the next run sees them leaving.
@Suite struct CapacityScaleInBudgetMotoTests {
    @Test func aDeepScaleInTakesTheBudgetsShareNowAndNothingMoreWhileThoseInstancesLeave() async throws {
        let seed = try await AWSTestContext.seed()
        let group = try await seed.group(MotoServer.uniqueName("budget"), desired: 10, hook: Seed.Hook(name: "ranchhand-scale-in", heartbeatTimeout: 300)).group
        let namespace = "Ranchhand/" + MotoServer.uniqueName("load")
        let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60)
        let sender = try await AWSTestContext.motoSender()
        // 100 a minute against a target of 100 per instance: one instance would do.
        let data = (1...30).map { MetricDatum(metricName: "Requests", dimensions: [MetricDimension("Group", group)], value: 100,
                                              timestamp: now.addingTimeInterval(Double(-$0) * 60), unit: "Count") }
        try await LiveCloudWatchClient(sender: sender).putMetricData(namespace: namespace, data)
        // No cool-down, so the second run is held by the budget alone.
        let scaler = try CapacityHarness.load("""
            scalers:
              - name: web
                target: {kind: autoscaling-group, name: \(group)}
                min: 1
                max: 10
                period: 1m
                coolDown: 0s
                datastore: {kind: cloudwatch, namespace: \(namespace), metric: Requests, dimensions: {Group: \(group)}, stat: Sum}
                strategy: {kind: target-tracking, target: 100}
            """).scalers[0]
        let runner = CapacityRunner(
            reader: CapacityHarness.reader(cloudWatch: LiveCloudWatchClient(sender: sender)),
            targets: CapacityTargets(autoScaling: LiveAutoScalingClient(sender: sender), scaleInBudget: ScaleInBudget(maximumShare: 0.34, windowSeconds: 1800),
                                     kubernetes: { (_) throws(CapacityError) -> any KubernetesClient in throw .target("no Kubernetes in this test") }),
            logger: CapacityHarness.logger)

        let first = await runner.evaluate(scaler, now: now, dryRun: false)
        #expect(first.error == nil, "\(first.jsonLine)")
        // 0.34 of 10: three may go within the window.
        #expect(first.decision?.desired == 7, "\(first.jsonLine)")
        #expect(first.decision?.warnings.contains { if case .limitedByScaleInBudget(_, 3) = $0 { true } else { false } } == true, "\(first.jsonLine)")
        #expect(try await AutoScalingTargetTests.desired(group, sender) == 7)
        let states = try await seed.groupStates(group)
        #expect(states.values.filter { $0 == "Terminating:Wait" }.count == 3, "\(states)")

        // A minute later the three are still draining: the budget is spent for this window.
        let second = await runner.evaluate(scaler, now: now.addingTimeInterval(60), dryRun: false)
        #expect(second.error == nil)
        #expect(second.decision?.desired == 7 && second.action == .unchanged, "\(second.jsonLine)")
        #expect(second.decision?.warnings.contains { if case .limitedByScaleInBudget(_, 0) = $0 { true } else { false } } == true, "\(second.jsonLine)")
        #expect(try await AutoScalingTargetTests.desired(group, sender) == 7)
    }
}

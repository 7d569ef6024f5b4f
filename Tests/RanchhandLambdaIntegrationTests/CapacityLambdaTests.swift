import Foundation
import RanchhandClients
import RanchhandEvents
import RanchhandHTTP
import RanchhandTestSupport
import Testing

/// `ranchhand-capacity` as its function runs: a scheduled EventBridge event invokes it directly, its
/// scaler YAML comes from `<RANCHHAND_SSM_PREFIX>config` (moto), and it sets the group's capacity.
enum CapacityLambdaScenario {
    static func run(handler: String) async throws {
        let world = try await LambdaWorld.start()
        defer { Task { await world.sandbox.stop() } }
        let group = try await world.seed.group(MotoServer.uniqueName("cap-fn"), desired: 2).group
        let namespace = "Ranchhand/" + MotoServer.uniqueName("flows")
        let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60)
        let aws = try await AWSTestContext.motoSender()
        try await LiveCloudWatchClient(sender: aws).putMetricData(namespace: namespace, (1...20).map {
            MetricDatum(metricName: "NewFlowCount", dimensions: [MetricDimension("Group", group)], value: 900,
                        timestamp: now.addingTimeInterval(Double(-$0) * 60), unit: "Count")
        })
        try await world.seed.parameters([Seed.Parameter(name: "/ranchhand/\(world.clusterName)/capacity/config", value: """
            scalers:
              - name: compute
                target: {kind: autoscaling-group, name: \(group)}
                min: 1
                max: 10
                datastore: {kind: cloudwatch, namespace: \(namespace), metric: NewFlowCount, dimensions: {Group: \(group)}, stat: Sum}
                strategy: {kind: target-tracking, target: 300}
            """)])

        let emulator = try await RuntimeInterfaceEmulator.start(handler: handler, environment: try await world.functionEnvironment(tool: "capacity"))
        defer { emulator.stop() }
        let scheduled = try String(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent("events/aws.events/scheduled/eventbridge.json"),
                                   encoding: .utf8)
        let response = try await emulator.invoke(scheduled)
        #expect(response == #"{"batchItemFailures":[]}"#, "\(emulator.output().suffix(3000))")
        // 900 a minute over a target of 300 wants 3; from 2 that is one step.
        let desired = try await LiveAutoScalingClient(sender: aws).describeAutoScalingGroups([AutoScalingGroupName(group)]).first?.desiredCapacity
        #expect(desired == 3, "\(emulator.output().suffix(3000))")
        #expect(emulator.output().contains(#""scaler":"compute""#) && emulator.output().contains(#""action":"applied""#))
    }
}

@Suite("ranchhand-capacity under the RIE (debug build)", .serialized)
struct CapacityLambdaTests {
    @Test func aScheduledEventRunsTheScalersFromSSM() async throws {
        try await CapacityLambdaScenario.run(handler: LambdaBinaries.debug("ranchhand-capacity"))
    }
}

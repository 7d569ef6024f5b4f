import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda
import RanchhandTestSupport
import Testing

/// CloudWatch GetMetricData and SetDesiredCapacity through the shared AWS client, against moto.
@Suite("Auto Scaling target and CloudWatch datastore against moto")
struct AutoScalingTargetTests {
    /// A group of 2 (max 10) and 30 minutes of a total load of 600 a minute in a namespace of its own.
    static func fixture() async throws -> (group: String, namespace: String, now: Date, sender: AWSRequestSender) {
        let seed = try await AWSTestContext.seed()
        let group = try await seed.group(MotoServer.uniqueName("capacity"), desired: 2).group
        let namespace = "Ranchhand/" + MotoServer.uniqueName("load")
        let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60)
        let sender = try await AWSTestContext.motoSender()
        let data = (1...30).map { MetricDatum(metricName: "Requests", dimensions: [MetricDimension("Group", group)], value: 600,
                                              timestamp: now.addingTimeInterval(Double(-$0) * 60), unit: "Count") }
        try await LiveCloudWatchClient(sender: sender).putMetricData(namespace: namespace, data)
        return (group, namespace, now, sender)
    }

    /// One target-tracking scaler of the group on the fixture's metric (or an expression moto cannot answer).
    static func yaml(group: String, namespace: String, expression: Bool = false) -> String {
        let datastore = expression
            ? "{kind: cloudwatch, expression: \"SUM(SEARCH('{\(namespace),Group} Requests', 'Sum', 60))\"}"
            : "{kind: cloudwatch, namespace: \(namespace), metric: Requests, dimensions: {Group: \(group)}, stat: Sum}"
        return """
            scalers:
              - name: web
                target: {kind: autoscaling-group, name: \(group)}
                min: 1
                max: 10
                period: 1m
                datastore: \(datastore)
                strategy: {kind: target-tracking, target: 100}
            """
    }

    static func configuration(group: String, namespace: String, expression: Bool = false) throws -> CapacityConfiguration {
        try CapacityHarness.load(yaml(group: group, namespace: namespace, expression: expression))
    }

    /// The YAML in a temporary file, removed by the caller.
    static func configurationFile(group: String, namespace: String) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(MotoServer.uniqueName("capacity")).yaml")
        try yaml(group: group, namespace: namespace).write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    static func runner(_ sender: AWSRequestSender) -> CapacityRunner {
        CapacityRunner(reader: CapacityHarness.reader(cloudWatch: LiveCloudWatchClient(sender: sender)),
                       targets: CapacityTargets(autoScaling: LiveAutoScalingClient(sender: sender), kubernetes: { (_) throws(CapacityError) -> any KubernetesClient in
                           throw .target("no Kubernetes in this test")
                       }),
                       logger: CapacityHarness.logger)
    }

    static func desired(_ group: String, _ sender: AWSRequestSender) async throws -> Int? {
        try await LiveAutoScalingClient(sender: sender).describeAutoScalingGroups([AutoScalingGroupName(group)]).first?.desiredCapacity
    }

    @Test func runReadsTheMetricAndSetsDesiredCapacity() async throws {
        let (group, namespace, now, sender) = try await Self.fixture()
        let scaler = try Self.configuration(group: group, namespace: namespace).scalers[0]
        let evaluation = await Self.runner(sender).evaluate(scaler, now: now, dryRun: false)
        #expect(evaluation.error == nil, "\(evaluation.jsonLine)")
        // The window a target-tracking run reads: cool-down 15 min + metric max age 10 min + period 1 min.
        #expect(evaluation.samples == 26)
        // 600 a minute wants 6 instances of 100; one step is at most +100 % of 2.
        #expect(evaluation.decision?.evidence.recommendedCapacity == 6)
        #expect(evaluation.decision?.desired == 4)
        #expect(evaluation.action == .applied)
        #expect(try await Self.desired(group, sender) == 4)
    }

    @Test func dryRunDecidesTheSameAndChangesNothing() async throws {
        let (group, namespace, now, sender) = try await Self.fixture()
        let scaler = try Self.configuration(group: group, namespace: namespace).scalers[0]
        let evaluation = await Self.runner(sender).evaluate(scaler, now: now, dryRun: true)
        #expect(evaluation.decision?.desired == 4)
        #expect(evaluation.action == .dryRun)
        #expect(try await Self.desired(group, sender) == 2)
    }

    /// moto answers metric math with no datapoints (a known gap): the scaler must hold and warn,
    /// never read "no data" as zero load and scale in.
    @Test func noDatapointsHoldsAndWarns() async throws {
        let (group, namespace, now, sender) = try await Self.fixture()
        let scaler = try Self.configuration(group: group, namespace: namespace, expression: true).scalers[0]
        let evaluation = await Self.runner(sender).evaluate(scaler, now: now, dryRun: false)
        #expect(evaluation.error == nil)
        #expect(evaluation.decision?.reason == .noMetricData)
        #expect(evaluation.decision?.warnings == [.noMetricData])
        #expect(evaluation.action == .unchanged)
        #expect(try await Self.desired(group, sender) == 2)
    }

    @Test func aMissingGroupFailsThatScalerWithAClearError() async throws {
        let (_, namespace, now, sender) = try await Self.fixture()
        let scaler = try Self.configuration(group: "no-such-group-\(UUID().uuidString.prefix(6))", namespace: namespace).scalers[0]
        let evaluation = await Self.runner(sender).evaluate(scaler, now: now, dryRun: false)
        #expect(evaluation.error?.description.contains("does not exist") == true)
        #expect(!evaluation.succeeded)
    }

    /// Lambda's path: the recorded EventBridge scheduled event through the shared batch processor.
    @Test func scheduledEventRunsEveryScaler() async throws {
        let (group, namespace, now, sender) = try await Self.fixture()
        let handler = CapacityRecordHandler(configuration: try Self.configuration(group: group, namespace: namespace),
                                            runner: Self.runner(sender), now: { now })
        let event = try Data(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent("events/aws.events/scheduled/eventbridge.json"))
        let report = await BatchProcessor(handler: handler).process(Array(event), context: HandlingContext(deadline: now.addingTimeInterval(60),
                                                                                                             logger: CapacityHarness.logger))
        #expect(report.results.count == 1)
        guard case let .done(summary)? = report.results.first?.outcome else {
            Issue.record("expected done, got \(String(describing: report.results.first?.outcome))")
            return
        }
        #expect(summary == "web: 2→4")
        #expect(!report.needsInvocationFailure)
        #expect(try await Self.desired(group, sender) == 4)
    }
}

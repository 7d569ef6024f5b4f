import Foundation
import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

@Suite("Capacity run: planning, chunking, schedules")
struct CapacityRunTests {
    static let yaml = """
        scalers:
          - name: web
            target: {kind: autoscaling-group, name: web-asg}
            min: 1
            max: 20
            datastore:
              kind: cloudwatch
              expression: "(m1 + m2) / 60"
              metrics:
                m1: {namespace: AWS/EBS, metric: VolumeReadOps, stat: Sum, dimensions: {VolumeId: vol-1}}
                m2: {namespace: AWS/EBS, metric: VolumeWriteOps, stat: Sum}
            strategy: {kind: target-tracking, target: 100}
        """

    @Test func fourteenDaysAtOneMinuteIsTwoQueriesThatShareNoPoint() {
        let start = testOrigin
        let end = start.addingTimeInterval(14 * 86_400)
        let chunks = Array(PrometheusRangeChunks(start: start, end: end, step: 60))
        #expect(chunks.count == 2)
        let points = chunks.map { Int($0.end.timeIntervalSince($0.start) / 60) + 1 }
        #expect(points.allSatisfy { $0 <= PrometheusLimits.maximumPointsPerSeries })
        #expect(points.reduce(0, +) == 20_161)
        #expect(chunks[1].start == chunks[0].end.addingTimeInterval(60))
        #expect(chunks.first?.start == start && chunks.last?.end == end)
    }

    @Test func readerAlignsPrometheusRangesToTheStep() {
        let source = PrometheusMetricSource(endpoint: "http://127.0.0.1:9090", query: "sum(rate(x[1m]))", step: 60)
        let chunks = MetricHistoryReader.chunks(source, window: 3600, now: testOrigin.addingTimeInterval(90))
        #expect(chunks.start == testOrigin.addingTimeInterval(-3480))  // 90 − 3600 rounded up to the minute
        #expect(chunks.end == testOrigin.addingTimeInterval(60))
    }

    @Test func expressionInputsAreFetchedButNotReturned() throws {
        let scaler = try CapacityConfiguration.load(yaml: Self.yaml, file: "c.yaml").scalers[0]
        guard case let .cloudWatch(source) = scaler.datastore else { Issue.record("not cloudwatch"); return }
        let request = MetricHistoryReader.request(source, window: 3600, now: testOrigin)
        #expect(request.queries.map(\.id) == ["load", "m1", "m2"])
        #expect(request.queries.map(\.returnData) == [true, false, false])
        #expect(request.queries[0].expression == "(m1 + m2) / 60")
        #expect(request.queries[1].metric?.dimensions == [MetricDimension("VolumeId", "vol-1")])
    }

    @Test func badExpressionInputIdsAreRejectedWithTheirLine() {
        let yaml = Self.yaml.replacingOccurrences(of: "m2: {namespace", with: "M-2: {namespace")
        #expect(throws: CapacityError.self) { try CapacityConfiguration.load(yaml: yaml, file: "c.yaml") }
        do {
            _ = try CapacityConfiguration.load(yaml: yaml, file: "c.yaml")
        } catch {
            #expect(error.problems.map(\.line) == [11])
            #expect(error.problems.first?.message.contains("'M-2'") == true)
        }
    }

    @Test func aMisspeltKeyInAnExpressionInputIsReported() {
        let yaml = Self.yaml.replacingOccurrences(of: "m2: {namespace: AWS/EBS, metric: VolumeWriteOps, stat: Sum}",
                                                  with: "m2: {namespace: AWS/EBS, metric: VolumeWriteOps, stat: Sum, unit: Count}")
        do {
            _ = try CapacityConfiguration.load(yaml: yaml, file: "c.yaml")
            Issue.record("the unknown key was accepted")
        } catch {
            #expect(error.problems.map(\.line) == [11])
            #expect(error.problems.first?.message.contains("unit") == true)
        }
    }

    @Test func searchReturningSeveralSeriesIsAnErrorNotASum() {
        let source = CloudWatchMetricSource(query: .expression("SEARCH('{AWS/EC2,InstanceId} CPUUtilization', 'Average')"), period: 60)
        let results = [
            MetricDataResult(id: "load", label: "i-1", timestamps: [testOrigin], values: [1]),
            MetricDataResult(id: "load", label: "i-2", timestamps: [testOrigin], values: [2]),
        ]
        #expect(throws: CapacityError.self) { try MetricHistoryReader.history(from: results, source: source) }
    }

    @Test func forbiddenResultIsAnErrorAndEmptyResultIsAGap() throws {
        let source = CloudWatchMetricSource(query: .expression("m1"), period: 60)
        let forbidden = [MetricDataResult(id: "load", timestamps: [], values: [], statusCode: "Forbidden")]
        #expect(throws: CapacityError.self) { try MetricHistoryReader.history(from: forbidden, source: source) }
        let empty = try MetricHistoryReader.history(from: [MetricDataResult(id: "load", timestamps: [], values: [], statusCode: "Complete")], source: source)
        #expect(empty.isEmpty)
    }

    @Test func targetBoundsNarrowerThanTheScalerCutTheDecisionAndSaySo() throws {
        let scaler = try CapacityConfiguration.load(yaml: Self.yaml, file: "c.yaml").scalers[0]
        let snapshot = CapacityTargetSnapshot(state: CapacityState(desired: 4, ready: 4), ownBounds: 1...5)
        // 4 instances serving 1,000 against a target of 100 each want 10; the group allows 5.
        let decision = CapacityPlanning.decide(scaler, history: minuteHistory([1000]), target: snapshot, now: minute(1))
        #expect(decision.desired == 5)
        #expect(decision.warnings.contains(.limitedByTarget(wanted: 8, bounds: 1...5)))
    }

    @Test func lastScalingsComeFromSuccessfulActivitiesOnly() {
        func activity(_ description: String, _ time: String, status: String = "Successful") -> ScalingActivity {
            ScalingActivity(activityID: UUID().uuidString, description: description, cause: "", statusCode: status,
                            startTime: Timestamp(parsing: time), endTime: nil)
        }
        let times = CapacityTargets.lastScalings([
            activity("Launching a new EC2 instance: i-3", "2024-01-01T10:05:00Z", status: "Failed"),
            activity("Launching a new EC2 instance: i-2", "2024-01-01T10:00:00Z"),
            activity("Terminating EC2 instance: i-1", "2024-01-01T09:00:00Z"),
            activity("Launching a new EC2 instance from warm pool: i-9", "2024-01-01T11:00:00Z"),
        ])
        #expect(times.scaleOut == Timestamp(parsing: "2024-01-01T10:00:00Z")?.date)
        #expect(times.scaleIn == Timestamp(parsing: "2024-01-01T09:00:00Z")?.date)
    }

    @Test func loopRunsEveryScalerAtOnceThenOnItsOwnGrid() {
        var schedule = LoopSchedule(periods: [("fast", 60), ("slow", 300)], start: testOrigin.addingTimeInterval(10))
        let first = schedule.due(at: testOrigin.addingTimeInterval(10))
        #expect(first.due == ["fast", "slow"])
        #expect(first.next == testOrigin.addingTimeInterval(60))
        #expect(schedule.due(at: testOrigin.addingTimeInterval(30)).due.isEmpty)
        #expect(schedule.due(at: testOrigin.addingTimeInterval(60)).due == ["fast"])
        // An evaluation that overran past two slots runs once, not twice.
        let late = schedule.due(at: testOrigin.addingTimeInterval(250))
        #expect(late.due == ["fast"])
        #expect(schedule.due(at: testOrigin.addingTimeInterval(300)).due == ["fast", "slow"])
    }

    @Test func scheduleDetailSelectsScalersAndRejectsUnknownNames() throws {
        let configuration = try CapacityConfiguration.load(yaml: Self.yaml, file: "c.yaml")
        let all = CapacityRecordHandler.selection(.object([:]), in: configuration)
        #expect((try? all.get())?.map(\.name) == ["web"])
        let named = CapacityRecordHandler.selection(.object(["scalers": .array([.string("web")])]), in: configuration)
        #expect((try? named.get())?.map(\.name) == ["web"])
        let unknown = CapacityRecordHandler.selection(.object(["scalers": .array([.string("db")])]), in: configuration)
        #expect((try? unknown.get()) == nil)
    }

    @Test func evaluationJSONCarriesTheNumbersBehindTheDecision() throws {
        var decision = CapacityDecision(current: 2, desired: 4, reason: .trackingTarget)
        decision.evidence.latestSample = MetricSample(time: testOrigin, value: 600)
        decision.evidence.recommendedCapacity = 6
        decision.warnings = [.limitedByTarget(wanted: 6, bounds: 1...4)]
        let evaluation = ScalerEvaluation(scaler: "web", target: .autoScalingGroup(name: "web-asg"), samples: 30,
                                          decision: decision, action: .dryRun, error: nil)
        let parsed = try JSONValue.parse(evaluation.jsonLine)
        #expect(parsed["desired"] == .number(4))
        #expect(parsed["action"]?.stringValue == "dry-run")
        #expect(parsed["evidence"]?["recommendedCapacity"] == .number(6))
        #expect(parsed["evidence"]?["latestSample"]?["value"] == .number(600))
        #expect(parsed["warnings"]?.arrayValue?.count == 1)
    }
}

@Suite("Capacity: the shipped example configuration")
struct CapacityExampleConfigurationTests {
    @Test func infraExampleLoadsAndDescribesOnePredictiveScaler() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("infra/examples/capacity.yaml")
        let configuration = try CapacityConfiguration.load(yaml: try String(contentsOf: file, encoding: .utf8), file: file.path)
        #expect(configuration.scalers.map(\.name) == ["compute-a"])
        #expect(configuration.scalers.first?.target == .autoScalingGroup(name: "prod-compute-a"))
        guard case let .predictive(parameters)? = configuration.scalers.first?.strategy else { Issue.record("not predictive"); return }
        #expect(parameters.unitCapacity == 3000)
    }
}

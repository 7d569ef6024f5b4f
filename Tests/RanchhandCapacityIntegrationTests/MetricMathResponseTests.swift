import Foundation
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandTestSupport
import Testing

/// moto answers metric math with nothing, so the expression path is tested on recorded
/// GetMetricData bodies (Tests/Fixtures/cloudwatch/SOURCE.md) served by a canned transport to
/// the live CloudWatch client.
@Suite("CloudWatch metric math on recorded responses")
struct MetricMathResponseTests {
    static let expressionSource = CloudWatchMetricSource(
        query: .expression("(m1+m2)/300"), period: 300,
        inputs: [
            .init(id: "m1", namespace: "AWS/EC2", name: "EBSReadOps", dimensions: [CloudWatchDimension(name: "InstanceId", value: "i-abcdef")], stat: "Sum"),
            .init(id: "m2", namespace: "AWS/EC2", name: "EBSWriteOps", dimensions: [CloudWatchDimension(name: "InstanceId", value: "i-abcdef")], stat: "Sum"),
        ])
    static let now = Date(timeIntervalSince1970: 1_727_648_100)  // 2024-09-29T22:15:00Z, the example's end time

    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent("Tests/Fixtures/cloudwatch/\(name)")))
    }

    static func reader(_ transport: CannedTransport) -> MetricHistoryReader {
        let client = LiveCloudWatchClient(sender: AWSTestContext.sender(endpoint: "http://127.0.0.1:9", transport: transport))
        return CapacityHarness.reader(cloudWatch: client)
    }

    @Test func expressionAnswerBecomesTheHistoryAndTheRequestNamesItsInputs() async throws {
        let transport = CannedTransport(bodies: [try Self.fixture("GetMetricData-expression.json")])
        let history = try await Self.reader(transport).history(.cloudWatch(Self.expressionSource), window: 300, now: Self.now)
        #expect(Array(history.samples) == [MetricSample(time: Date(timeIntervalSince1970: 1_727_647_800), value: 96.85)])
        #expect(history.samplePeriod == 300)
        let sent = try JSONValue.parse(try #require(transport.requests.first).body)
        let queries = try #require(sent["MetricDataQueries"]?.arrayValue)
        #expect(queries.map { $0["Id"]?.stringValue } == ["load", "m1", "m2"])
        #expect(queries[0]["Expression"]?.stringValue == "(m1+m2)/300")
        #expect(queries.map { $0["ReturnData"] } == [.bool(true), .bool(false), .bool(false)])
        #expect(queries[1]["MetricStat"]?["Metric"]?["MetricName"]?.stringValue == "EBSReadOps")
        #expect(sent["StartTime"] == .number(1_727_647_800))
        #expect(transport.requests.first?.headers.contains { $0.name == "X-Amz-Target" && $0.value.hasSuffix("GetMetricData") } == true)
    }

    @Test func searchOverSeveralSeriesKeepsThemApartAndIsRefused() async throws {
        let transport = CannedTransport(bodies: [try Self.fixture("GetMetricData-search-two-series.json")])
        let source = CloudWatchMetricSource(query: .expression("SEARCH('{AWS/EC2,InstanceId} CPUUtilization', 'Average', 60)"), period: 60)
        await #expect {
            _ = try await Self.reader(transport).history(.cloudWatch(source), window: 600, now: Self.now)
        } throws: { error in
            "\(error)".contains("returns 2 time series") && "\(error)".contains("i-0a1b2c3d4e5f60001")
        }
    }

    @Test func forbiddenResultIsAnErrorSayingWhatToGrant() async throws {
        let transport = CannedTransport(bodies: [try Self.fixture("GetMetricData-forbidden.json")])
        await #expect {
            _ = try await Self.reader(transport).history(.cloudWatch(Self.expressionSource), window: 300, now: Self.now)
        } throws: { error in
            "\(error)".contains("cloudwatch:GetMetricData")
        }
    }

    /// Pages of a SEARCH answer are joined per series (id and label), never across series.
    @Test func pagesOfSeveralSeriesAreJoinedPerSeries() async throws {
        func page(_ minute: Int, next: String?) -> [UInt8] {
            let time = 1_727_647_800 + minute * 60
            let results = ["i-1", "i-2"].enumerated().map { index, label in
                #"{"Id":"load","Label":"\#(label)","Timestamps":[\#(time)],"Values":[\#(index + 1)],"StatusCode":"\#(next == nil ? "Complete" : "PartialData")"}"#
            }
            let token = next.map { #","NextToken":"\#($0)""# } ?? ""
            return Array(#"{"MetricDataResults":[\#(results.joined(separator: ","))]\#(token),"Messages":[]}"#.utf8)
        }
        let transport = CannedTransport(bodies: [page(0, next: "p2"), page(1, next: nil)])
        let client = LiveCloudWatchClient(sender: AWSTestContext.sender(endpoint: "http://127.0.0.1:9", transport: transport))
        let results = try await client.getMetricData(GetMetricDataRequest(
            queries: [MetricDataQuery(id: "load", expression: "SEARCH('{AWS/EC2,InstanceId} CPUUtilization', 'Average', 60)", period: 60)],
            start: Self.now.addingTimeInterval(-600), end: Self.now))
        #expect(results.map(\.label) == ["i-1", "i-2"])
        #expect(results.map(\.values) == [[1, 1], [2, 2]])
        #expect(results.allSatisfy { $0.statusCode == "Complete" })
        #expect(transport.requests.count == 2)
    }
}

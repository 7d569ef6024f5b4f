import Foundation
import RanchhandClients
import RanchhandHTTP
import RanchhandTestSupport
import Testing

@Suite struct CloudWatchClientTests {
    /// Five minutes of one point per minute, on minute boundaries, ending a few minutes ago.
    static func minutes(_ count: Int) -> [Double] {
        let end = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 - 300
        return (0..<count).map { end - Double(count - 1 - $0) * 60 }
    }

    static func query(_ namespace: String, _ group: String, statistic: String = "Sum") -> MetricDataQuery {
        MetricDataQuery(id: "load", metric: MetricStat(namespace: namespace, metricName: "Load",
                                                       dimensions: [MetricDimension("AutoScalingGroupName", group)],
                                                       period: 60, statistic: statistic))
    }

    @Test func getMetricDataAlignsTheStartAndReadsSeededPoints() async throws {
        let seed = try await AWSTestContext.seed()
        let namespace = MotoServer.uniqueName("Ranchhand/Test"), group = MotoServer.uniqueName("g")
        let times = Self.minutes(5)
        try await seed.metrics(namespace: namespace, metricName: "Load", dimensions: ["AutoScalingGroupName": group],
                               points: times.enumerated().map { .init(timestamp: $0.element, value: Double($0.offset + 1)) })
        let cloudWatch = LiveCloudWatchClient(sender: try await AWSTestContext.motoSender())
        // 17 s past a minute: unaligned, the buckets would straddle the points.
        let request = GetMetricDataRequest(queries: [Self.query(namespace, group)],
                                           start: Date(timeIntervalSince1970: times[0] + 17), end: Date(timeIntervalSince1970: times[4] + 60))
        #expect(request.alignedStart == Date(timeIntervalSince1970: times[0]))
        let results = try await cloudWatch.getMetricData(request)
        #expect(results.map(\.id) == ["load"])
        #expect(results.first?.values == [1, 2, 3, 4, 5])
        #expect(results.first?.timestamps == times.map { Date(timeIntervalSince1970: $0) })
    }

    @Test func getMetricDataFollowsNextToken() async throws {
        let seed = try await AWSTestContext.seed()
        let namespace = MotoServer.uniqueName("Ranchhand/Test"), group = MotoServer.uniqueName("g")
        let times = Self.minutes(3)
        try await seed.metrics(namespace: namespace, metricName: "Load", dimensions: ["AutoScalingGroupName": group],
                               points: times.map { .init(timestamp: $0, value: 7) })
        // moto never pages GetMetricData: the proxy answers the first call with a real-shaped page
        // carrying a NextToken, and the second call reaches moto.
        try await withOwnFaultProxy { proxy, url in
            let firstPage = #"{"MetricDataResults":[{"Id":"load","Label":"Load","Timestamps":[\#(times[0] - 120)],"Values":[99.0],"StatusCode":"PartialData"}],"NextToken":"page-2","Messages":[]}"#
            try await proxy.add([.init(match: .init(target: "GraniteServiceVersion20100801.GetMetricData"),
                                       fault: .answer(200, firstPage, headers: ["Content-Type": "application/x-amz-json-1.0"]), times: 1)])
            let cloudWatch = LiveCloudWatchClient(sender: AWSTestContext.sender(endpoint: url))
            let results = try await cloudWatch.getMetricData(GetMetricDataRequest(
                queries: [Self.query(namespace, group)], start: Date(timeIntervalSince1970: times[0] - 120),
                end: Date(timeIntervalSince1970: times[2] + 60)))
            #expect(results.count == 1)
            #expect(results.first?.values == [99, 7, 7, 7])
            #expect(results.first?.statusCode == "Complete")
            #expect(try await proxy.log().filter { $0.target?.hasSuffix("GetMetricData") == true }.count == 2)
        }
    }

    @Test func putMetricDataIsStoredAsBoto3ReadsIt() async throws {
        let seed = try await AWSTestContext.seed()
        let namespace = MotoServer.uniqueName("Ranchhand/Test"), group = MotoServer.uniqueName("g")
        let times = Self.minutes(2)
        let cloudWatch = LiveCloudWatchClient(sender: try await AWSTestContext.motoSender())
        try await cloudWatch.putMetricData(namespace: namespace, times.map { time in
            MetricDatum(metricName: "Decisions", dimensions: [MetricDimension("AutoScalingGroupName", group)], value: 2.5,
                        timestamp: Date(timeIntervalSince1970: time), unit: "Count")
        })
        let stored = try await seed.metricSum(namespace: namespace, metricName: "Decisions", dimensions: ["AutoScalingGroupName": group],
                                              start: times[0], end: times[1] + 60, period: 60)
        #expect(stored.sum == 5)
        #expect(stored.count == 2)
    }
}

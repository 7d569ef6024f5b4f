import Foundation
import RanchhandClients
import RanchhandEvents
import RanchhandHTTP
import RanchhandTestSupport
import Testing

/// The one retry policy, applied by the one sender, against faults moto cannot produce. Each test
/// has its own proxy, so its log holds exactly that test's requests.
@Suite struct RetryThroughFaultProxyTests {
    @Test func throttlingThenSuccess() async throws {
        let seed = try await AWSTestContext.seed()
        let group = try await seed.group(MotoServer.uniqueName("thr"), desired: 1)
        try await withOwnFaultProxy { proxy, url in
            try await proxy.add([.init(match: .init(action: "DescribeAutoScalingGroups"), fault: .preset("query-throttling"), times: 2)])
            let autoScaling = LiveAutoScalingClient(sender: AWSTestContext.sender(endpoint: url))
            let groups = try await autoScaling.describeAutoScalingGroups([AutoScalingGroupName(group.group)])
            #expect(groups.map(\.name.rawValue) == [group.group])
            let log = try await proxy.log()
            #expect(log.map(\.faulted) == [true, true, false])
            #expect(log.map(\.status) == [400, 400, 200])
        }
    }

    @Test func jsonThrottlingOnANonIdempotentReceiveIsRetried() async throws {
        let seed = try await AWSTestContext.seed()
        let queue = try await seed.queue(MotoServer.uniqueName("thrq"), messages: [.init(body: "m")])
        try await withOwnFaultProxy { proxy, url in
            try await proxy.add([.init(match: .init(target: "AmazonSQS.ReceiveMessage"), fault: .preset("json-throttling"), times: 1)])
            let sqs = LiveSQSClient(sender: AWSTestContext.sender(endpoint: url))
            let messages = try await sqs.receiveMessages(ReceiveMessagesRequest(queue: SQSQueueURL(queue.queueUrl), waitTimeSeconds: 1))
            #expect(messages.map(\.body) == ["m"])
            #expect(try await proxy.log().map(\.status) == [400, 200])
        }
    }

    @Test func priorRequestNotCompleteOnRoute53IsRetried() async throws {
        let seed = try await AWSTestContext.seed()
        let name = "\(MotoServer.uniqueName("prnc")).example.com."
        let zoneID = try await seed.zone(name)
        try await withOwnFaultProxy { proxy, url in
            try await proxy.add([.init(match: .init(method: "POST", service: "route53"), fault: .preset("route53-prior-request-not-complete"), times: 1)])
            let route53 = LiveRoute53Client(sender: AWSTestContext.sender(endpoint: url))
            _ = try await route53.changeResourceRecordSets(HostedZoneID(zoneID), changes: [
                RecordChange(.create, ResourceRecordSet(name: "a.\(name)", type: .a, ttl: 60, values: ["10.1.1.1"])),
            ], comment: nil)
            #expect(try await proxy.log().map(\.status) == [400, 200])
        }
        #expect(try await seed.records(zoneID: zoneID).filter { $0.name == "a.\(name)" }.map(\.values) == [["10.1.1.1"]])
    }

    @Test func html500BecomesATypedErrorKeepingStatusAndBodyStart() async throws {
        try await withOwnFaultProxy { proxy, url in
            try await proxy.add([.init(match: .init(action: "DescribeInstances"), fault: .preset("html-500"))])
            let ec2 = LiveEC2Client(sender: AWSTestContext.sender(endpoint: url, retryPolicy: .never))
            let error = await clientError { () async throws(ClientError) in
                _ = try await ec2.describeInstances(DescribeInstancesRequest())
            }
            #expect(error?.kind == .service)
            #expect(error?.statusCode == 500)
            #expect(error?.code == nil)
            #expect(error?.message.contains("<!doctype html>") == true || error?.message.contains("<html") == true)
            #expect(error?.operation == "DescribeInstances")
        }
    }

    @Test func droppedConnectionOnAnIdempotentCallIsRetried() async throws {
        let seed = try await AWSTestContext.seed()
        let group = try await seed.group(MotoServer.uniqueName("drop"), desired: 1)
        try await withOwnFaultProxy { proxy, url in
            try await proxy.add([.init(match: .init(action: "DescribeAutoScalingGroups"), fault: .drop(afterForwarding: true), times: 1)])
            let autoScaling = LiveAutoScalingClient(sender: AWSTestContext.sender(endpoint: url))
            let groups = try await autoScaling.describeAutoScalingGroups([AutoScalingGroupName(group.group)])
            #expect(groups.count == 1)
            #expect(try await proxy.log().map(\.faulted) == [true, false])
        }
    }

    @Test func droppedConnectionOnChangeResourceRecordSetsIsNotRetried() async throws {
        let seed = try await AWSTestContext.seed()
        let name = "\(MotoServer.uniqueName("dropr")).example.com."
        let zoneID = try await seed.zone(name)
        try await withOwnFaultProxy { proxy, url in
            try await proxy.add([.init(match: .init(method: "POST", service: "route53"), fault: .drop(afterForwarding: true), times: 1)])
            let route53 = LiveRoute53Client(sender: AWSTestContext.sender(endpoint: url))
            let error = await clientError { () async throws(ClientError) in
                _ = try await route53.changeResourceRecordSets(HostedZoneID(zoneID), changes: [
                    RecordChange(.create, ResourceRecordSet(name: "once.\(name)", type: .a, ttl: 60, values: ["10.2.2.2"])),
                ], comment: nil)
            }
            #expect(error?.kind == .connectionLost)
            #expect(try await proxy.log().count == 1)
        }
        // The request did reach Route53 before the answer was lost: repeating the CREATE would fail.
        #expect(try await seed.records(zoneID: zoneID).contains { $0.name == "once.\(name)" })
    }

    @Test func droppedConnectionOnPutMetricDataIsNotRetried() async throws {
        let seed = try await AWSTestContext.seed()
        let namespace = MotoServer.uniqueName("Ranchhand/Drop")
        let time = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 - 120
        try await withOwnFaultProxy { proxy, url in
            try await proxy.add([.init(match: .init(target: "GraniteServiceVersion20100801.PutMetricData"), fault: .drop(afterForwarding: true), times: 1)])
            let cloudWatch = LiveCloudWatchClient(sender: AWSTestContext.sender(endpoint: url))
            let error = await clientError { () async throws(ClientError) in
                try await cloudWatch.putMetricData(namespace: namespace, [
                    MetricDatum(metricName: "Count", value: 1, timestamp: Date(timeIntervalSince1970: time)),
                ])
            }
            #expect(error?.kind == .connectionLost)
            #expect(try await proxy.log().count == 1)
        }
        // Counted once, not twice.
        let stored = try await seed.metricSum(namespace: namespace, metricName: "Count", dimensions: [:], start: time, end: time + 60, period: 60)
        #expect(stored.count == 1)
    }
}

import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHTTP
import RanchhandLambda
import RanchhandTestSupport
import Testing

/// An unfinished record handed back from Lambda comes back promptly, not after the queue's whole
/// visibility timeout; a failed one keeps it as its back-off. moto's SQS, reached through the
/// queue URL the record's `eventSourceARN` names (as in Lambda, where the function knows no URL).
@Suite struct PromptRedeliveryTests {
    @Test func anUnfinishedRecordIsVisibleAgainAtOnceAndAFailedOneWaitsItsVisibilityTimeout() async throws {
        let name = MotoServer.uniqueName("redeliver")
        let scheduled = try String(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent("events/aws.events/scheduled/eventbridge.json"),
                                   encoding: .utf8)
        let test = #"{"Event":"autoscaling:TEST_NOTIFICATION","AutoScalingGroupName":"g","AccountId":"123456789012","Service":"AWS Auto Scaling","Time":"2026-12-03T10:00:00.000Z","RequestId":"r-1","AutoScalingGroupARN":"arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x:autoScalingGroupName/g"}"#
        let queue = try await AWSTestContext.seed().queue(name, messages: [Seed.Message(body: scheduled), Seed.Message(body: test)])
        let sqs = LiveSQSClient(sender: try await AWSTestContext.motoSender())
        let url = SQSQueueURL(queue.queueUrl)
        var received: [SQSMessage] = []
        for _ in 0..<5 where received.count < 2 {
            received += try await sqs.receiveMessages(ReceiveMessagesRequest(queue: url, maximumMessages: 10, waitTimeSeconds: 1, visibilityTimeoutSeconds: 120))
        }
        #expect(received.count == 2)
        let event = EventSourceMappingEmulator.event(received, queueARN: queue.queueArn)
        let report = await BatchProcessor(handler: OutcomeByBody()).process(Array(event.utf8), context: HandlingContext(deadline: Date(), logger: Logger(label: "t")))
        #expect(report.results.map { $0.record.sqsMessage?.queueARN } == [queue.queueArn, queue.queueArn])

        await PromptRedelivery(sqs: sqs, delaySeconds: 0).apply(report, logger: Logger(label: "test.redelivery"))

        let again = try await sqs.receiveMessages(ReceiveMessagesRequest(queue: url, maximumMessages: 10, waitTimeSeconds: 2))
        #expect(again.map(\.body) == [scheduled], "only the unfinished record is delivered again at once")
        #expect(again.first?.attributes["ApproximateReceiveCount"] == "2")
    }

    @Test func queueURLsFromARNs() {
        #expect(SQSQueueURL(arn: "arn:aws:sqs:eu-west-1:123456789012:ranchhand-prod-scale-in")?.rawValue
            == "https://sqs.eu-west-1.amazonaws.com/123456789012/ranchhand-prod-scale-in")
        #expect(SQSQueueURL(arn: "arn:aws-cn:sqs:cn-north-1:123456789012:q")?.rawValue == "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q")
        #expect(SQSQueueURL(arn: "arn:aws:sns:eu-west-1:123456789012:topic") == nil)
        #expect(SQSQueueURL(arn: "arn:aws:sqs:eu-west-1:123456789012") == nil)
        #expect(SQSQueueURL(arn: "not an arn") == nil)
    }
}

/// A scheduled event is handed back unfinished (as a reconcile pass cut by its deadline would be),
/// anything else failed.
private struct OutcomeByBody: EventRecordHandler {
    func handle(_ record: EventRecord, context: HandlingContext) async -> RecordOutcome {
        if case .scheduled? = record.payload { return .retry("not finished") }
        return .failed("refused")
    }
}

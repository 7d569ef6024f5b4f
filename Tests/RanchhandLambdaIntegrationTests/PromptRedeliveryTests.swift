import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHTTP
import RanchhandLambda
import RanchhandTestSupport
import Testing

/// An unfinished record handed back from Lambda comes back promptly, not after the queue's whole
/// visibility timeout; a failed or held one keeps it as its back-off. moto's SQS, reached through the
/// queue URL the record's `eventSourceARN` names (as in Lambda, where the function knows no URL).
/// The poller gives a held record its long hold delay and an unfinished one its short retry delay.
@Suite struct PromptRedeliveryTests {
    @Test func anUnfinishedRecordIsVisibleAgainAtOnceAndAFailedOneWaitsItsVisibilityTimeout() async throws {
        let name = MotoServer.uniqueName("redeliver")
        let scheduled = try String(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent("events/aws.events/scheduled/eventbridge.json"),
                                   encoding: .utf8)
        let test = #"{"Event":"autoscaling:TEST_NOTIFICATION","AutoScalingGroupName":"g","AccountId":"123456789012","Service":"AWS Auto Scaling","Time":"2026-12-03T10:00:00.000Z","RequestId":"r-1","AutoScalingGroupARN":"arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x:autoScalingGroupName/g"}"#
        let queue = try await AWSTestContext.seed().queue(name, messages: [Seed.Message(body: scheduled), Seed.Message(body: test),
                                                                           Seed.Message(body: Self.spotWarning)])
        let sqs = LiveSQSClient(sender: try await AWSTestContext.motoSender())
        let url = SQSQueueURL(queue.queueUrl)
        var received: [SQSMessage] = []
        for _ in 0..<5 where received.count < 3 {
            received += try await sqs.receiveMessages(ReceiveMessagesRequest(queue: url, maximumMessages: 10, waitTimeSeconds: 1, visibilityTimeoutSeconds: 120))
        }
        #expect(received.count == 3)
        let event = EventSourceMappingEmulator.event(received, queueARN: queue.queueArn)
        let report = await BatchProcessor(handler: OutcomeByBody()).process(Array(event.utf8), context: HandlingContext(deadline: Date(), logger: Logger(label: "t")))
        #expect(report.results.map { $0.record.sqsMessage?.queueARN } == [queue.queueArn, queue.queueArn, queue.queueArn])

        await PromptRedelivery(sqs: sqs, delaySeconds: 0).apply(report, logger: Logger(label: "test.redelivery"))

        let again = try await sqs.receiveMessages(ReceiveMessagesRequest(queue: url, maximumMessages: 10, waitTimeSeconds: 2))
        #expect(again.map(\.body) == [scheduled], "only the unfinished record is delivered again at once")
        #expect(again.first?.attributes["ApproximateReceiveCount"] == "2")
    }

    @Test func thePollerGivesAHeldRecordItsHoldDelayAndAnUnfinishedOneItsRetryDelay() async throws {
        let scheduled = try String(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent("events/aws.events/scheduled/eventbridge.json"),
                                   encoding: .utf8)
        let queue = try await AWSTestContext.seed().queue(MotoServer.uniqueName("hold"), messages: [Seed.Message(body: scheduled),
                                                                                                 Seed.Message(body: Self.spotWarning)])
        let sqs = LiveSQSClient(sender: try await AWSTestContext.motoSender())
        let url = SQSQueueURL(queue.queueUrl)
        let handler = OutcomeByBody()
        let poller = SQSPoller(sqs: sqs, processor: BatchProcessor(handler: handler),
                               settings: SQSPoller.Settings(queue: url, visibilityTimeoutSeconds: 30, waitTimeSeconds: 1, retryDelaySeconds: 0,
                                                            holdDelaySeconds: 600),
                               logger: Logger(label: "test.hold"))
        let limit = Date().addingTimeInterval(20)
        _ = await poller.run(shouldStop: {
            let seen = await handler.seen
            return seen.held >= 1 && seen.retried >= 2 || Date() > limit
        })

        let seen = await handler.seen
        #expect(seen.held == 1, "the held record was not looked at again within the hold delay")
        #expect(seen.retried >= 2, "the unfinished record came back at once")
    }

    /// A batch handler takes a whole receive at once, and each message is still settled by its
    /// own outcome: the done one deleted, the held one given the hold delay, the unfinished one
    /// back at once, alone.
    @Test func thePollerHandsABatchHandlerTheWholeReceiveAndSettlesEachMessageByItsOwnOutcome() async throws {
        let scheduled = try String(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent("events/aws.events/scheduled/eventbridge.json"),
                                   encoding: .utf8)
        let test = #"{"Event":"autoscaling:TEST_NOTIFICATION","AutoScalingGroupName":"g","AccountId":"123456789012","Service":"AWS Auto Scaling","Time":"2026-12-03T10:00:00.000Z","RequestId":"r-1","AutoScalingGroupARN":"arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x:autoScalingGroupName/g"}"#
        let queue = try await AWSTestContext.seed().queue(MotoServer.uniqueName("batch"), messages: [
            Seed.Message(body: scheduled), Seed.Message(body: Self.spotWarning), Seed.Message(body: test),
        ])
        let handler = BatchOutcomeByBody()
        let poller = SQSPoller(sqs: LiveSQSClient(sender: try await AWSTestContext.motoSender()), processor: BatchProcessor(handler: handler),
                               settings: SQSPoller.Settings(queue: SQSQueueURL(queue.queueUrl), concurrency: 1, visibilityTimeoutSeconds: 30,
                                                            waitTimeSeconds: 1, retryDelaySeconds: 0, holdDelaySeconds: 600),
                               logger: Logger(label: "test.batch"))
        let limit = Date().addingTimeInterval(20)
        _ = await poller.run(shouldStop: { await handler.batches.count >= 3 || Date() > limit })

        let batches = await handler.batches
        #expect(batches.first?.count == 3, "the first receive is one batch: \(batches)")
        #expect(batches.dropFirst().allSatisfy { $0 == ["test"] }, "only the unfinished record comes back: \(batches)")
        let counts = try await AWSTestContext.seed().queueCounts(queue.queueUrl)
        #expect(counts.visible + counts.inFlight == 2, "the done one is deleted, the held and unfinished ones stay: \(counts)")
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

extension PromptRedeliveryTests {
    static let spotWarning = (try? String(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent("events/aws.ec2/spot-interruption-warning/eventbridge.json"),
                                          encoding: .utf8)) ?? ""
}

/// A scheduled event is handed back unfinished (as a reconcile pass cut by its deadline would be),
/// a Spot warning held, anything else failed; counts what it saw.
private final class OutcomeByBody: EventRecordHandler, Sendable {
    actor Seen {
        var retried = 0, held = 0
        func count(_ outcome: RecordOutcome) {
            if case .retry = outcome { retried += 1 } else if case .held = outcome { held += 1 }
        }
    }
    let counter = Seen()
    var seen: (retried: Int, held: Int) {
        get async { (await counter.retried, await counter.held) }
    }

    func handle(_ record: EventRecord, context: HandlingContext) async -> RecordOutcome {
        let outcome: RecordOutcome
        switch record.payload {
        case .scheduled?: outcome = .retry("not finished")
        case .spotInterruptionWarning?: outcome = .held("refused until allowed")
        default: outcome = .failed("refused")
        }
        await counter.count(outcome)
        return outcome
    }
}

/// As a batch handler: a scheduled event done, a Spot warning held, anything else unfinished;
/// records the kinds of each batch it was handed.
private actor BatchOutcomeByBody: BatchRecordHandler {
    var batches: [[String]] = []

    func handle(batch records: [EventRecord], context: HandlingContext) async -> [RecordOutcome] {
        batches.append(records.map { record in
            switch record.payload {
            case .scheduled?: "scheduled"
            case .spotInterruptionWarning?: "spot"
            default: "test"
            }
        })
        return records.map { record in
            switch record.payload {
            case .scheduled?: .done("swept")
            case .spotInterruptionWarning?: .held("refused until allowed")
            default: .retry("not finished")
            }
        }
    }

    nonisolated func handle(_ record: EventRecord, context: HandlingContext) async -> RecordOutcome { .failed("handled in batches only") }
}

import Foundation
import RanchhandClients
import RanchhandEvents
import RanchhandHTTP
import RanchhandTestSupport
import Testing

@Suite struct SQSClientTests {
    @Test func receiveWithAttributesThenDeleteSingleAndBatch() async throws {
        let seed = try await AWSTestContext.seed()
        let queue = try await seed.queue(MotoServer.uniqueName("q"), messages: [
            .init(body: #"{"n":1}"#, attributes: ["source": "test", "kind": "one"]),
            .init(body: #"{"n":2}"#), .init(body: #"{"n":3}"#),
        ])
        let sqs = LiveSQSClient(sender: try await AWSTestContext.motoSender())
        let url = SQSQueueURL(queue.queueUrl)
        var received: [SQSMessage] = []
        for _ in 0..<5 where received.count < 3 {
            received += try await sqs.receiveMessages(ReceiveMessagesRequest(queue: url, maximumMessages: 10, waitTimeSeconds: 1,
                                                                             visibilityTimeoutSeconds: 60))
        }
        #expect(Set(received.map(\.body)) == [#"{"n":1}"#, #"{"n":2}"#, #"{"n":3}"#])
        let first = try #require(received.first { $0.body == #"{"n":1}"# })
        #expect(first.messageAttributes["source"] == SQSMessageAttribute(dataType: "String", stringValue: "test"))
        #expect(first.messageAttributes["kind"]?.stringValue == "one")
        #expect(first.receiveCount == 1)
        #expect(first.attributes["SentTimestamp"] != nil)
        #expect(try await seed.queueCounts(queue.queueUrl) == .init(visible: 0, inFlight: 3))

        try await sqs.deleteMessage(queue: url, receiptHandle: first.receiptHandle)
        let failures = try await sqs.deleteMessageBatch(queue: url, receiptHandles: received.filter { $0.messageID != first.messageID }.map(\.receiptHandle))
        #expect(failures.isEmpty)
        #expect(try await seed.queueCounts(queue.queueUrl) == .init(visible: 0, inFlight: 0))
    }

    @Test func changeMessageVisibilityMakesAMessageVisibleAgain() async throws {
        let seed = try await AWSTestContext.seed()
        let queue = try await seed.queue(MotoServer.uniqueName("q"), messages: [.init(body: "hello")])
        let sqs = LiveSQSClient(sender: try await AWSTestContext.motoSender())
        let url = SQSQueueURL(queue.queueUrl)
        let message = try #require(try await sqs.receiveMessages(ReceiveMessagesRequest(queue: url, waitTimeSeconds: 2, visibilityTimeoutSeconds: 300)).first)
        #expect(try await seed.queueCounts(queue.queueUrl) == .init(visible: 0, inFlight: 1))
        try await sqs.changeMessageVisibility(queue: url, receiptHandle: message.receiptHandle, timeoutSeconds: 0)
        #expect(try await seed.queueCounts(queue.queueUrl) == .init(visible: 1, inFlight: 0))
        let again = try await sqs.receiveMessages(ReceiveMessagesRequest(queue: url, waitTimeSeconds: 2))
        #expect(again.map(\.messageID) == [message.messageID])
        #expect(again.first?.receiveCount == 2)
    }

    @Test func longPollOnAnEmptyQueueWaitsAndReturnsNothing() async throws {
        let seed = try await AWSTestContext.seed()
        let queue = try await seed.queue(MotoServer.uniqueName("q"))
        let sqs = LiveSQSClient(sender: try await AWSTestContext.motoSender())
        let clock = ContinuousClock()
        let start = clock.now
        let messages = try await sqs.receiveMessages(ReceiveMessagesRequest(queue: SQSQueueURL(queue.queueUrl), waitTimeSeconds: 2))
        #expect(messages.isEmpty)
        #expect(start.duration(to: clock.now) >= .milliseconds(1800))
    }

    @Test func batchDeleteReportsEntriesSQSRefused() async throws {
        let seed = try await AWSTestContext.seed()
        let queue = try await seed.queue(MotoServer.uniqueName("q"))
        let sqs = LiveSQSClient(sender: try await AWSTestContext.motoSender())
        let bogus = SQSReceiptHandle("not-a-receipt-handle")
        let failures = try await sqs.deleteMessageBatch(queue: SQSQueueURL(queue.queueUrl), receiptHandles: [bogus])
        #expect(failures.map(\.receiptHandle) == [bogus])
        #expect(failures.first?.code == "ReceiptHandleIsInvalid")
        #expect(failures.first?.senderFault == true)
    }
}

import Foundation
import RanchhandClients
import RanchhandEvents

/// SQS over awsJson1_0 (`AmazonSQS.*`); the queue URL travels in the body, the request goes to
/// the regional endpoint.
public struct LiveSQSClient: SQSClient {
    private let json: AWSJSONProtocol

    public init(sender: AWSRequestSender) {
        json = AWSJSONProtocol(sender: sender)
    }

    public func receiveMessages(_ request: ReceiveMessagesRequest) async throws(ClientError) -> [SQSMessage] {
        let wait = min(20, max(0, request.waitTimeSeconds))
        let input = Wire.ReceiveMessageInput(
            QueueUrl: request.queue.rawValue, MaxNumberOfMessages: min(10, max(1, request.maximumMessages)), WaitTimeSeconds: wait,
            VisibilityTimeout: request.visibilityTimeoutSeconds,
            MessageSystemAttributeNames: request.attributeNames.isEmpty ? nil : request.attributeNames,
            MessageAttributeNames: request.messageAttributeNames.isEmpty ? nil : request.messageAttributeNames)
        // The long poll holds the connection for `wait` seconds: the deadline must outlast it.
        let output = try await json.call(.receiveMessage, input, as: Wire.ReceiveMessageOutput.self, timeout: .seconds(wait + 15))
        return (output.Messages ?? []).map { message in
            SQSMessage(
                messageID: SQSMessageID(message.MessageId), receiptHandle: SQSReceiptHandle(message.ReceiptHandle),
                body: message.Body ?? "", attributes: message.Attributes ?? [:],
                messageAttributes: (message.MessageAttributes ?? [:]).mapValues { attribute in
                    SQSMessageAttribute(dataType: attribute.DataType, stringValue: attribute.StringValue,
                                        binaryValue: attribute.BinaryValue.flatMap { Data(base64Encoded: $0) }.map { Array($0) })
                })
        }
    }

    public func deleteMessage(queue: SQSQueueURL, receiptHandle: SQSReceiptHandle) async throws(ClientError) {
        _ = try await json.call(.deleteMessage, Wire.DeleteMessageInput(QueueUrl: queue.rawValue, ReceiptHandle: receiptHandle.rawValue),
                                as: EmptyAWSResponse.self)
    }

    public func deleteMessageBatch(queue: SQSQueueURL, receiptHandles: [SQSReceiptHandle]) async throws(ClientError) -> [SQSBatchFailure] {
        var failures: [SQSBatchFailure] = []
        for start in stride(from: 0, to: receiptHandles.count, by: 10) {
            let chunk = Array(receiptHandles[start..<min(receiptHandles.count, start + 10)])
            let entries = chunk.enumerated().map { Wire.BatchEntry(Id: "m\($0.offset)", ReceiptHandle: $0.element.rawValue) }
            let output = try await json.call(.deleteMessageBatch, Wire.DeleteMessageBatchInput(QueueUrl: queue.rawValue, Entries: entries),
                                             as: Wire.DeleteMessageBatchOutput.self)
            for failed in output.Failed ?? [] {
                guard let index = Int(failed.Id.dropFirst()), chunk.indices.contains(index) else { continue }
                failures.append(SQSBatchFailure(receiptHandle: chunk[index], code: failed.Code, message: failed.Message ?? "",
                                                senderFault: failed.SenderFault ?? false))
            }
        }
        return failures
    }

    public func changeMessageVisibility(queue: SQSQueueURL, receiptHandle: SQSReceiptHandle, timeoutSeconds: Int) async throws(ClientError) {
        let input = Wire.ChangeMessageVisibilityInput(QueueUrl: queue.rawValue, ReceiptHandle: receiptHandle.rawValue,
                                                      VisibilityTimeout: timeoutSeconds)
        _ = try await json.call(.changeMessageVisibility, input, as: EmptyAWSResponse.self)
    }

    enum Wire {
        struct ReceiveMessageInput: Encodable, Sendable {
            var QueueUrl: String
            var MaxNumberOfMessages: Int
            var WaitTimeSeconds: Int
            var VisibilityTimeout: Int?
            var MessageSystemAttributeNames: [String]?
            var MessageAttributeNames: [String]?
        }

        struct MessageAttribute: Decodable {
            var DataType: String
            var StringValue: String?
            /// Base64 in the JSON protocol.
            var BinaryValue: String?
        }

        struct Message: Decodable {
            var MessageId: String
            var ReceiptHandle: String
            var Body: String?
            var Attributes: [String: String]?
            var MessageAttributes: [String: MessageAttribute]?
        }

        struct ReceiveMessageOutput: Decodable {
            var Messages: [Message]?
        }

        struct DeleteMessageInput: Encodable, Sendable {
            var QueueUrl: String
            var ReceiptHandle: String
        }

        struct BatchEntry: Encodable, Sendable {
            var Id: String
            var ReceiptHandle: String
        }

        struct DeleteMessageBatchInput: Encodable, Sendable {
            var QueueUrl: String
            var Entries: [BatchEntry]
        }

        struct BatchFailure: Decodable {
            var Id: String
            var Code: String
            var Message: String?
            var SenderFault: Bool?
        }

        struct DeleteMessageBatchOutput: Decodable {
            var Failed: [BatchFailure]?
        }

        struct ChangeMessageVisibilityInput: Encodable, Sendable {
            var QueueUrl: String
            var ReceiptHandle: String
            var VisibilityTimeout: Int
        }
    }
}

import RanchhandEvents

/// The SQS calls the poller makes: long-poll, delete what was handled, extend what takes long.
public protocol SQSClient: Sendable {
    /// Long-polls up to `request.waitTimeSeconds`. Not retried after an ambiguous failure: a
    /// repeat could hide messages for a visibility timeout.
    func receiveMessages(_ request: ReceiveMessagesRequest) async throws(ClientError) -> [SQSMessage]
    func deleteMessage(queue: SQSQueueURL, receiptHandle: SQSReceiptHandle) async throws(ClientError)
    /// Deletes in batches of ten; per-entry failures come back instead of failing the call.
    func deleteMessageBatch(queue: SQSQueueURL, receiptHandles: [SQSReceiptHandle]) async throws(ClientError) -> [SQSBatchFailure]
    func changeMessageVisibility(queue: SQSQueueURL, receiptHandle: SQSReceiptHandle, timeoutSeconds: Int) async throws(ClientError)
}

public struct SQSQueueURL: StringIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The URL of the queue an ARN names (`arn:aws:sqs:eu-west-1:123456789012:q` →
    /// `https://sqs.eu-west-1.amazonaws.com/123456789012/q`, `.amazonaws.com.cn` in aws-cn); nil for
    /// anything that is not an SQS queue ARN.
    public init?(arn: String) {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "sqs", !parts[3].isEmpty, !parts[4].isEmpty, !parts[5].isEmpty else { return nil }
        let domain = parts[1] == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"
        self.init(rawValue: "https://sqs.\(parts[3]).\(domain)/\(parts[4])/\(parts[5])")
    }
}

public struct ReceiveMessagesRequest: Sendable, Equatable {
    public var queue: SQSQueueURL
    /// 1...10.
    public var maximumMessages: Int
    /// 0...20; the call takes this long when the queue stays empty.
    public var waitTimeSeconds: Int
    public var visibilityTimeoutSeconds: Int?
    /// System attributes (`ApproximateReceiveCount`, `SentTimestamp`, … or `All`).
    public var attributeNames: [String]
    /// Message attribute names, or `All`.
    public var messageAttributeNames: [String]

    public init(queue: SQSQueueURL, maximumMessages: Int = 10, waitTimeSeconds: Int = 20, visibilityTimeoutSeconds: Int? = nil,
                attributeNames: [String] = ["All"], messageAttributeNames: [String] = ["All"]) {
        self.queue = queue
        self.maximumMessages = maximumMessages
        self.waitTimeSeconds = waitTimeSeconds
        self.visibilityTimeoutSeconds = visibilityTimeoutSeconds
        self.attributeNames = attributeNames
        self.messageAttributeNames = messageAttributeNames
    }
}

public struct SQSMessageAttribute: Sendable, Equatable {
    /// `String`, `Number`, `Binary`, or one of those with a `.custom` suffix.
    public var dataType: String
    public var stringValue: String?
    public var binaryValue: [UInt8]?

    public init(dataType: String, stringValue: String? = nil, binaryValue: [UInt8]? = nil) {
        self.dataType = dataType
        self.stringValue = stringValue
        self.binaryValue = binaryValue
    }
}

public struct SQSMessage: Sendable, Equatable {
    public var messageID: SQSMessageID
    public var receiptHandle: SQSReceiptHandle
    public var body: String
    /// System attributes: `ApproximateReceiveCount`, `SentTimestamp`, `SenderId`, …
    public var attributes: [String: String]
    public var messageAttributes: [String: SQSMessageAttribute]

    public init(messageID: SQSMessageID, receiptHandle: SQSReceiptHandle, body: String, attributes: [String: String] = [:],
                messageAttributes: [String: SQSMessageAttribute] = [:]) {
        self.messageID = messageID
        self.receiptHandle = receiptHandle
        self.body = body
        self.attributes = attributes
        self.messageAttributes = messageAttributes
    }

    public var receiveCount: Int? { attributes["ApproximateReceiveCount"].flatMap { Int($0) } }
}

/// One entry of a batch that SQS refused.
public struct SQSBatchFailure: Sendable, Equatable {
    public var receiptHandle: SQSReceiptHandle
    public var code: String
    public var message: String
    /// True when the entry itself was wrong (retrying it will not help).
    public var senderFault: Bool

    public init(receiptHandle: SQSReceiptHandle, code: String, message: String, senderFault: Bool) {
        self.receiptHandle = receiptHandle
        self.code = code
        self.message = message
        self.senderFault = senderFault
    }
}

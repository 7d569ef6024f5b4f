/// The wrappers an event arrived in, outermost first, with the names `ranchhand decode` prints.
public enum EnvelopeKind: String, Sendable, CaseIterable {
    case lambdaSQS = "lambda-sqs"
    case lambdaSNS = "lambda-sns"
    case sqsMessage = "sqs-message"
    case sns
    case eventBridge = "eventbridge"
}

/// The SQS message an event came in, so the handler can delete it, extend its visibility or
/// report it as a Lambda batch item failure.
public struct SQSMessageReference: Sendable, Equatable {
    public var messageID: SQSMessageID
    public var receiptHandle: SQSReceiptHandle?
    /// The queue's ARN (a Lambda record's `eventSourceARN`), when the envelope says it.
    public var queueARN: String?

    public init(messageID: SQSMessageID, receiptHandle: SQSReceiptHandle? = nil, queueARN: String? = nil) {
        self.messageID = messageID
        self.receiptHandle = receiptHandle
        self.queueARN = queueARN
    }
}

/// The EventBridge envelope's fields: for EventBridge events these, not the detail, say when and
/// where the event happened.
public struct EventBridgeContext: Sendable, Equatable {
    public var id: String?
    public var source: String
    public var detailType: String
    public var time: Timestamp?
    public var region: AWSRegion?
    public var account: AWSAccountID?
    public var resources: [String]

    public init(
        id: String? = nil, source: String, detailType: String, time: Timestamp? = nil,
        region: AWSRegion? = nil, account: AWSAccountID? = nil, resources: [String] = []
    ) {
        self.id = id
        self.source = source
        self.detailType = detailType
        self.time = time
        self.region = region
        self.account = account
        self.resources = resources
    }
}

/// One record of an input: how it was delivered, and either its event or why it could not be
/// decoded. A bad record never hides the good ones in the same batch.
public struct EventRecord: Sendable, Equatable {
    public var envelopes: [EnvelopeKind]
    public var sqsMessage: SQSMessageReference?
    public var eventBridge: EventBridgeContext?
    public var outcome: Result<EventPayload, EventDecodingError>

    public init(
        envelopes: [EnvelopeKind], sqsMessage: SQSMessageReference? = nil,
        eventBridge: EventBridgeContext? = nil, outcome: Result<EventPayload, EventDecodingError>
    ) {
        self.envelopes = envelopes
        self.sqsMessage = sqsMessage
        self.eventBridge = eventBridge
        self.outcome = outcome
    }

    public var payload: EventPayload? {
        if case .success(let payload) = outcome { return payload }
        return nil
    }

    public var error: EventDecodingError? {
        if case .failure(let error) = outcome { return error }
        return nil
    }
}

import Foundation
import Logging
import RanchhandEvents

/// What became of one record. Only `retry`, `held` and `failed` leave the message on the queue
/// (reported as a Lambda batch item failure, or not deleted by the poller) so SQS delivers it again.
public enum RecordOutcome: Sendable, Equatable {
    /// The work is finished; the message can go.
    case done(String)
    /// Nothing to do for this record (test notification, another tool's event); the message can go.
    case ignored(String)
    /// Progress was made but the work is not finished (a drain outlasting the invocation): deliver
    /// the message again and resume from the state of the world.
    case retry(String)
    /// A safety rule refused, or the world could not be trusted (an empty node list): nothing will
    /// change by looking again at once. Kept, but re-examined only after a long delay, so a hold
    /// that lasts (a budget window, an outage) does not spend the queue's receives and end in its
    /// dead-letter queue.
    case held(String)
    case failed(String)

    public var keepsMessage: Bool {
        switch self {
        case .done, .ignored: false
        case .retry, .held, .failed: true
        }
    }

    public var reason: String {
        switch self {
        case .done(let reason), .ignored(let reason), .retry(let reason), .held(let reason), .failed(let reason): reason
        }
    }
}

public struct HandlingContext: Sendable {
    /// When the handler must have stopped working on this record (leave time to report).
    public var deadline: Date
    public var logger: Logger

    public init(deadline: Date, logger: Logger) {
        self.deadline = deadline
        self.logger = logger
    }
}

/// One tool's handling of one decoded record. Implementations decide and act; they never complete
/// lifecycle actions that are not theirs to complete.
public protocol EventRecordHandler: Sendable {
    func handle(_ record: EventRecord, context: HandlingContext) async -> RecordOutcome
}

/// A handler whose records of one batch are worth deciding together: ten Auto Scaling events in a
/// Lambda batch are one DNS zone sync, not ten full reads of the zone.
public protocol BatchRecordHandler: EventRecordHandler {
    /// One outcome per record, in order; every record here decoded.
    func handle(batch records: [EventRecord], context: HandlingContext) async -> [RecordOutcome]
}

/// Decodes an input and hands each record to the handler in order, collecting what to report.
public struct BatchProcessor: Sendable {
    public let handler: any EventRecordHandler

    public init(handler: any EventRecordHandler) {
        self.handler = handler
    }

    public func process(_ input: [UInt8], context: HandlingContext) async -> BatchReport {
        let records: [EventRecord]
        do {
            records = try EventDecoder.decode(input)
        } catch {
            context.logger.error("input could not be decoded", metadata: ["error": "\(error)"])
            return BatchReport(results: [], inputError: error)
        }
        return await process(records, context: context)
    }

    /// Handles records already decoded (the poller decodes each received message itself).
    public func process(_ records: [EventRecord], context: HandlingContext) async -> BatchReport {
        var together: [Int: RecordOutcome] = [:]
        if let batch = handler as? any BatchRecordHandler {
            let decoded = records.indices.filter { records[$0].error == nil }
            let outcomes = await batch.handle(batch: decoded.map { records[$0] }, context: context)
            together = Dictionary(uniqueKeysWithValues: zip(decoded, outcomes))
        }
        var results: [BatchReport.Result] = []
        for (index, record) in records.enumerated() {
            let outcome: RecordOutcome
            if let error = record.error {
                // A malformed message never succeeds: keep it so redrive sends it to the dead-letter queue.
                outcome = .failed("undecodable record: \(error)")
            } else if let decided = together[index] {
                outcome = decided
            } else {
                outcome = await handler.handle(record, context: context)
            }
            var metadata: Logger.Metadata = ["outcome": "\(outcome)"]
            if let message = record.sqsMessage { metadata["sqs_message_id"] = "\(message.messageID)" }
            if let instance = record.payload?.instanceID { metadata["instance_id"] = "\(instance)" }
            context.logger.info("record handled", metadata: metadata)
            results.append(BatchReport.Result(record: record, outcome: outcome))
        }
        return BatchReport(results: results, inputError: nil)
    }
}

public struct BatchReport: Sendable {
    public struct Result: Sendable {
        public var record: EventRecord
        public var outcome: RecordOutcome
    }

    public var results: [Result]
    public var inputError: EventDecodingError?

    /// The SQS messages to deliver again.
    public var messagesToKeep: [SQSMessageID] {
        results.filter(\.outcome.keepsMessage).compactMap { $0.record.sqsMessage?.messageID }
    }

    /// A record that must be redelivered but did not come from SQS can only be retried by failing
    /// the whole invocation.
    public var needsInvocationFailure: Bool {
        inputError != nil || results.contains { $0.outcome.keepsMessage && $0.record.sqsMessage == nil }
    }

    /// Lambda's partial batch response: `{"batchItemFailures":[{"itemIdentifier":"<messageId>"}]}`.
    public var lambdaResponse: [UInt8] {
        let items = messagesToKeep.map { #"{"itemIdentifier":\#(JSONText.quoted($0.rawValue))}"# }
        return Array(#"{"batchItemFailures":[\#(items.joined(separator: ","))]}"#.utf8)
    }


}

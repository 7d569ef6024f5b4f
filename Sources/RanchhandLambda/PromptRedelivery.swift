import Foundation
import Logging
import RanchhandClients
import RanchhandEvents

/// The event source mapping leaves a record reported as a batch item failure invisible for the rest
/// of the queue's visibility timeout — minutes in which nobody works on it. A record handed back
/// unfinished (`.retry`: a drain outlasting the invocation, a lease still held by another
/// deletion) is instead made visible again after `delaySeconds`, so the next invocation resumes it
/// at once. Failed and held records keep the full visibility timeout: that is their back-off, and a
/// hold re-examined every few seconds would reach the queue's maxReceiveCount within minutes.
public struct PromptRedelivery: Sendable {
    public let sqs: any SQSClient
    public let delaySeconds: Int

    public init(sqs: any SQSClient, delaySeconds: Int) {
        self.sqs = sqs
        self.delaySeconds = delaySeconds
    }

    /// Runs before the response is sent: after it, Lambda may freeze the process.
    public func apply(_ report: BatchReport, logger: Logger) async {
        for result in report.results {
            guard case .retry = result.outcome, let message = result.record.sqsMessage, let handle = message.receiptHandle,
                  let queue = message.queueARN.flatMap(SQSQueueURL.init(arn:)) else { continue }
            do {
                try await sqs.changeMessageVisibility(queue: queue, receiptHandle: handle, timeoutSeconds: delaySeconds)
            } catch {
                logger.warning("could not shorten an unfinished record's visibility; it comes back after the queue's visibility timeout",
                               metadata: ["sqs_message_id": "\(message.messageID)", "error": "\(error)"])
            }
        }
    }
}

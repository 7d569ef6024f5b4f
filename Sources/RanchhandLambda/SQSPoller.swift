import Foundation
import Logging
import RanchhandClients
import RanchhandEvents

/// The long-running alternative to Lambda: long-polls one queue, hands each message to the
/// handler with bounded concurrency, keeps messages invisible while they are worked on, deletes
/// them when done, and leaves the rest to come back. Stops taking messages when `shutdown` fires
/// and waits for the messages in flight.
public struct SQSPoller: Sendable {
    public struct Settings: Sendable {
        public var queue: SQSQueueURL
        public var concurrency: Int
        /// The visibility timeout kept on a message while it is handled (extended at half of it).
        public var visibilityTimeoutSeconds: Int
        public var waitTimeSeconds: Int
        /// How long one message may be worked on in one go (drains can take hours here).
        public var handlingTimeLimit: TimeInterval
        /// When a message must come back later (an unfinished step, a failure): its new visibility.
        public var retryDelaySeconds: Int
        /// When a message is held (a refusal, an untrustworthy world): its new visibility, long enough
        /// that a lasting hold does not reach the queue's maxReceiveCount.
        public var holdDelaySeconds: Int

        public init(queue: SQSQueueURL, concurrency: Int = 4, visibilityTimeoutSeconds: Int = 120, waitTimeSeconds: Int = 20,
                    handlingTimeLimit: TimeInterval = 3 * 3600, retryDelaySeconds: Int = 60, holdDelaySeconds: Int = 300) {
            self.queue = queue
            self.concurrency = max(1, min(concurrency, 10))
            self.visibilityTimeoutSeconds = visibilityTimeoutSeconds
            self.waitTimeSeconds = waitTimeSeconds
            self.handlingTimeLimit = handlingTimeLimit
            self.retryDelaySeconds = retryDelaySeconds
            self.holdDelaySeconds = holdDelaySeconds
        }
    }

    public let sqs: any SQSClient
    public let processor: BatchProcessor
    public let settings: Settings
    public var logger: Logger
    public var now: @Sendable () -> Date
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(sqs: any SQSClient, processor: BatchProcessor, settings: Settings, logger: Logger,
                now: @escaping @Sendable () -> Date = { Date() },
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.sqs = sqs
        self.processor = processor
        self.settings = settings
        self.logger = logger
        self.now = now
        self.sleep = sleep
    }

    /// Polls until `shouldStop` answers true (checked between receives), then drains in-flight work.
    /// Returns how many messages were handled.
    @discardableResult
    public func run(shouldStop: @escaping @Sendable () async -> Bool) async -> Int {
        let slots = Slots(settings.concurrency)
        var handled = 0
        var failures = 0
        await withDiscardingTaskGroup { group in
            while !(await shouldStop()) {
                let capacity = await slots.waitForFree()
                let messages: [SQSMessage]
                do {
                    messages = try await sqs.receiveMessages(ReceiveMessagesRequest(
                        queue: settings.queue, maximumMessages: handlesReceivesWhole ? 10 : capacity, waitTimeSeconds: settings.waitTimeSeconds,
                        visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds, attributeNames: ["All"], messageAttributeNames: ["All"]))
                    failures = 0
                } catch {
                    failures += 1
                    logger.error("ReceiveMessage failed", metadata: ["error": "\(error)", "consecutive_failures": "\(failures)"])
                    try? await sleep(.seconds(min(60, 1 << min(failures, 6))))
                    continue
                }
                // A batch handler (DNS: one zone sync for the lot) takes a whole receive in one slot,
                // as a Lambda batch; any other handler works on each message in its own.
                for work in handlesReceivesWhole ? (messages.isEmpty ? [] : [messages]) : messages.map({ [$0] }) {
                    await slots.take()
                    handled += work.count
                    group.addTask {
                        await handle(work)
                        await slots.give()
                    }
                }
            }
            logger.info("stopping: waiting for messages in flight")
        }
        return handled
    }

    var handlesReceivesWhole: Bool { processor.handler is any BatchRecordHandler }

    /// Handles messages received together as one batch, each kept invisible while it lasts, then
    /// deletes each one done and sets each one to come back later to its delay.
    func handle(_ messages: [SQSMessage]) async {
        var tagged = self.logger
        if messages.count == 1 { tagged[metadataKey: "sqs_message_id"] = "\(messages[0].messageID)" }
        let logger = tagged
        let records = messages.map { EventDecoder.decode(sqsMessageBody: $0.body, messageID: $0.messageID, receiptHandle: $0.receiptHandle) }
        let context = HandlingContext(deadline: now().addingTimeInterval(settings.handlingTimeLimit), logger: logger)
        let report = await withTaskGroup(of: BatchReport?.self) { group in
            for message in messages { group.addTask { await keepInvisible(message, logger: logger); return nil } }
            group.addTask { await processor.process(records, context: context) }
            var report: BatchReport?
            for await result in group where result != nil {
                report = result
                group.cancelAll()
            }
            return report
        }
        for (message, result) in zip(messages, report?.results ?? []) { await settle(message, result.outcome, logger: logger) }
    }

    private func settle(_ message: SQSMessage, _ outcome: RecordOutcome, logger: Logger) async {
        do {
            if outcome.keepsMessage {
                let delay = if case .held = outcome { settings.holdDelaySeconds } else { settings.retryDelaySeconds }
                try await sqs.changeMessageVisibility(queue: settings.queue, receiptHandle: message.receiptHandle, timeoutSeconds: delay)
            } else {
                try await sqs.deleteMessage(queue: settings.queue, receiptHandle: message.receiptHandle)
            }
        } catch {
            logger.error("could not settle the message; it will be delivered again",
                         metadata: ["error": "\(error)", "sqs_message_id": "\(message.messageID)"])
        }
    }

    /// Extends the message's visibility at half its timeout for as long as it is being handled.
    private func keepInvisible(_ message: SQSMessage, logger: Logger) async {
        let interval = Duration.seconds(max(1, settings.visibilityTimeoutSeconds / 2))
        while !Task.isCancelled {
            do { try await sleep(interval) } catch { return }
            if Task.isCancelled { return }
            do {
                try await sqs.changeMessageVisibility(queue: settings.queue, receiptHandle: message.receiptHandle,
                                                      timeoutSeconds: settings.visibilityTimeoutSeconds)
            } catch {
                logger.warning("could not extend visibility", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// A counting semaphore for the poller's workers.
actor Slots {
    private var free: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    /// Waits until at least one slot is free; returns how many are.
    func waitForFree() async -> Int {
        if free == 0 { await withCheckedContinuation { waiters.append($0) } }
        return free
    }

    func take() { free -= 1 }

    func give() {
        free += 1
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }
}

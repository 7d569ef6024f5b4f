import Foundation
import RanchhandClients
import RanchhandHTTP

/// What Lambda's SQS event source mapping does between a queue and a function, for tests that run
/// the function under the Runtime Interface Emulator: long-polls the queue, hands each batch of at
/// most `batchSize` messages to a free execution (at most `maximumConcurrency` at once, one
/// emulator each, since an emulator serves one invocation at a time), and settles the batch as the
/// mapping does with `ReportBatchItemFailures`: a successful response deletes every record it does
/// not name; a function error, a timeout or a response that is not a batch-failure document leaves
/// the whole batch to reappear after the queue's visibility timeout (and the queue's redrive
/// policy dead-letters it after maxReceiveCount receives).
public actor EventSourceMappingEmulator {
    public struct Settings: Sendable {
        public var queue: SQSQueueURL
        public var queueARN: String
        public var batchSize: Int
        public var maximumConcurrency: Int
        /// The function's timeout: an invocation that has not answered by then (plus a margin for
        /// the emulator's own reset) counts as timed out.
        public var functionTimeout: Duration

        public init(queue: SQSQueueURL, queueARN: String, batchSize: Int, maximumConcurrency: Int, functionTimeout: Duration) {
            self.queue = queue
            self.queueARN = queueARN
            self.batchSize = batchSize
            self.maximumConcurrency = maximumConcurrency
            self.functionTimeout = functionTimeout
        }
    }

    /// What the mapping saw, for the test's report.
    public struct Statistics: Sendable, CustomStringConvertible {
        public var invocations = 0
        /// Records the function handed back as unfinished (batchItemFailures).
        public var recordsHandedBack = 0
        /// Invocations that ended in a function error or a timeout (the whole batch stays).
        public var failedInvocations = 0
        public var recordsDeleted = 0
        public var errors: [String] = []
        public var description: String {
            "\(invocations) invocations, \(recordsDeleted) records deleted, \(recordsHandedBack) handed back, \(failedInvocations) failed invocations"
        }
    }

    private let settings: Settings
    private let sqs: any SQSClient
    private let emulators: [RuntimeInterfaceEmulator]
    public private(set) var statistics = Statistics()

    /// One emulator per concurrent execution, started now around `handler` with `environment`.
    public static func start(_ settings: Settings, sqs: any SQSClient, handler: String, environment: [String: String]) async throws
        -> EventSourceMappingEmulator {
        var emulators: [RuntimeInterfaceEmulator] = []
        for _ in 0..<settings.maximumConcurrency {
            emulators.append(try await RuntimeInterfaceEmulator.start(handler: handler, environment: environment))
        }
        return EventSourceMappingEmulator(settings: settings, sqs: sqs, emulators: emulators)
    }

    private init(settings: Settings, sqs: any SQSClient, emulators: [RuntimeInterfaceEmulator]) {
        self.settings = settings
        self.sqs = sqs
        self.emulators = emulators
    }

    /// Runs every execution's poll-invoke-settle loop until `shouldStop` holds.
    public func run(shouldStop: @escaping @Sendable () async -> Bool) async {
        await withTaskGroup(of: Void.self) { group in
            for emulator in emulators {
                group.addTask { await self.serve(emulator, shouldStop: shouldStop) }
            }
        }
    }

    /// Everything the function and the emulators wrote (the tail of each, for a failure message).
    public nonisolated func output(tail: Int = 3000) -> String {
        emulators.map { String($0.output().suffix(tail)) }.joined(separator: "\n---\n")
    }

    public nonisolated func stop() {
        for emulator in emulators { emulator.stop() }
    }

    private func serve(_ emulator: RuntimeInterfaceEmulator, shouldStop: @Sendable () async -> Bool) async {
        while !Task.isCancelled, await !shouldStop() {
            let batch: [SQSMessage]
            do {
                batch = try await sqs.receiveMessages(ReceiveMessagesRequest(queue: settings.queue, maximumMessages: settings.batchSize,
                                                                             waitTimeSeconds: 1, attributeNames: ["All"]))
            } catch {
                note(error: "receive: \(error)")
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            if batch.isEmpty { continue }
            await invoke(emulator, batch)
        }
    }

    private func invoke(_ emulator: RuntimeInterfaceEmulator, _ batch: [SQSMessage]) async {
        statistics.invocations += 1
        let response: String
        do {
            response = try await emulator.invoke(Self.event(batch, queueARN: settings.queueARN), timeout: settings.functionTimeout + .seconds(10))
        } catch {
            statistics.failedInvocations += 1
            note(error: "invoke: \(error)")
            return
        }
        guard let failures = Self.batchItemFailures(response) else {
            statistics.failedInvocations += 1  // a function error or the emulator's timeout report
            note(error: "function error: \(response.prefix(300)) — the function's log before it: \(emulator.output().suffix(6000))")
            return
        }
        statistics.recordsHandedBack += failures.count
        let done = batch.filter { !failures.contains($0.messageID.rawValue) }.map(\.receiptHandle)
        guard !done.isEmpty else { return }
        do {
            let refused = try await sqs.deleteMessageBatch(queue: settings.queue, receiptHandles: done)
            statistics.recordsDeleted += done.count - refused.count
        } catch {
            note(error: "delete: \(error)")
        }
    }

    private func note(error: String) {
        if statistics.errors.count < 50 { statistics.errors.append(error) }
    }

    /// `{"Records":[…]}` as the mapping sends it, with each message's system attributes.
    public static func event(_ batch: [SQSMessage], queueARN: String) -> String {
        SQSBatch.records(batch.map { (id: $0.messageID.rawValue, receiptHandle: $0.receiptHandle.rawValue, body: $0.body, attributes: $0.attributes) },
                         queueARN: queueARN)
    }

    /// The message ids a `{"batchItemFailures":[…]}` response names; nil for anything else.
    static func batchItemFailures(_ response: String) -> Set<String>? {
        struct Document: Decodable {
            struct Failure: Decodable { var itemIdentifier: String }
            var batchItemFailures: [Failure]
        }
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(response.utf8)) else { return nil }
        return Set(document.batchItemFailures.map(\.itemIdentifier))
    }
}

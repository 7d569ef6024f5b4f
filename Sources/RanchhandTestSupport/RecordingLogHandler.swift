import Foundation
import Logging

/// A `LogHandler` that keeps every line (message, metadata, source) at every level, so tests can
/// assert what was logged — and that secrets never were.
public struct RecordingLogHandler: LogHandler {
    public final class Store: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []

        public init() {}

        func append(_ line: String) { lock.withLock { lines.append(line) } }

        public var recorded: [String] { lock.withLock { lines } }

        /// Everything logged, as one text to search.
        public var text: String { recorded.joined(separator: "\n") }

        /// A logger at `.trace` writing here.
        public func logger(_ label: String = "test") -> Logger {
            var logger = Logger(label: label) { label in RecordingLogHandler(label: label, store: self) }
            logger.logLevel = .trace
            return logger
        }
    }

    public let label: String
    public let store: Store
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(label: String, store: Store) {
        self.label = label
        self.store = store
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        store.append("\(event.level) \(label) [\(event.source)] \(event.message) \(fields)")
    }
}

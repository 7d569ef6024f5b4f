import Foundation
import Logging
import RanchhandEvents

/// One JSON object per log line on standard error (standard output stays for plans and EMF metrics) — what CloudWatch Logs Insights and most log
/// shippers parse without configuration: `{"time","level","logger","message", …metadata}`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let write: @Sendable (String) -> Void

    public init(label: String, level: Logger.Level = .info, write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata { fields[key] = "\(value)" }
        for (key, value) in event.metadata ?? [:] { fields[key] = "\(value)" }
        fields["time"] = Date().ISO8601Format(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        fields["level"] = event.level.rawValue
        fields["logger"] = label
        fields["message"] = "\(event.message)"
        let ordered = ["time", "level", "logger", "message"] + fields.keys.filter { !["time", "level", "logger", "message"].contains($0) }.sorted()
        let body = ordered.compactMap { key in fields[key].map { "\(Self.quoted(key)):\(Self.quoted($0))" } }.joined(separator: ",")
        write("{\(body)}")
    }

    static func quoted(_ text: String) -> String {
        JSONText.quoted(text)
    }
}

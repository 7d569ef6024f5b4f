/// Why an input, or one record of a batch, could not be decoded: the JSON path of the offending
/// value and what was wrong with it. The reasons are a private enum so new ones can be added
/// without breaking callers that only print or compare errors.
public struct EventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Reason: Sendable, Equatable {
        case notJSON(String)
        case wrongType(expected: String, found: String)
        case missing
        case unknownValue(String, allowed: [String])
        case emptyBatch
        case invalidDate(String)
    }

    public let path: JSONPath
    let reason: Reason

    init(_ reason: Reason, at path: JSONPath) {
        self.path = path
        self.reason = reason
    }

    /// What was wrong, without the path: `unknown value "x" (expected one of …)`.
    public var problem: String {
        switch reason {
        case .notJSON(let detail):
            return "not valid JSON (\(detail))"
        case .wrongType(let expected, let found):
            return "expected \(expected), found \(found)"
        case .missing:
            return "required key is missing"
        case .unknownValue(let value, let allowed):
            let quoted = allowed.map { "\"\($0)\"" }.joined(separator: ", ")
            return "unknown value \"\(value.prefix(200))\" (expected one of \(quoted))"
        case .emptyBatch:
            return "empty batch: expected at least one record"
        case .invalidDate(let value):
            return "not an ISO 8601 date: \"\(value.prefix(100))\""
        }
    }

    public var description: String { "\(path): \(problem)" }

    /// True when the error is about the input as a whole rather than one record in it.
    public var isWholeInput: Bool { path == .root }
}

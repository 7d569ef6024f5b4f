import Foundation

/// A problem in a configuration file, located by file, line and column (1-based).
public struct CapacityConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// The one error type of the capacity tool: what failed, against what, and what to do.
public struct CapacityError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case invalidConfiguration([CapacityConfigurationProblem])
        case invalidTrace(source: String, line: Int, message: String)
        case invalidSimulation(String)
        case datastore(String)
        case target(String)
    }

    private let code: Code

    public static func invalidConfiguration(_ problems: [CapacityConfigurationProblem]) -> CapacityError {
        CapacityError(code: .invalidConfiguration(problems))
    }

    public static func invalidTrace(source: String, line: Int, message: String) -> CapacityError {
        CapacityError(code: .invalidTrace(source: source, line: line, message: message))
    }

    public static func invalidSimulation(_ message: String) -> CapacityError {
        CapacityError(code: .invalidSimulation(message))
    }

    /// The load metric could not be read; the scaler holds and the next run tries again.
    public static func datastore(_ message: String) -> CapacityError {
        CapacityError(code: .datastore(message))
    }

    /// The Auto Scaling group or Deployment could not be read or scaled.
    public static func target(_ message: String) -> CapacityError {
        CapacityError(code: .target(message))
    }

    /// Configuration problems, in file order; empty for other errors.
    public var problems: [CapacityConfigurationProblem] {
        if case let .invalidConfiguration(problems) = code { return problems }
        return []
    }

    public var description: String {
        switch code {
        case let .invalidConfiguration(problems):
            let noun = problems.count == 1 ? "problem" : "problems"
            return "invalid capacity configuration (\(problems.count) \(noun)); fix these and run validate-config again:\n"
                + problems.map { "  \($0)" }.joined(separator: "\n")
        case let .invalidTrace(source, line, message):
            return "\(source):\(line): \(message); a trace is CSV `timestamp,value` with UTC ISO-8601 timestamps (2014-07-01T04:00:00Z)"
        case let .invalidSimulation(message):
            return "cannot simulate: \(message)"
        case let .datastore(message), let .target(message):
            return message
        }
    }
}

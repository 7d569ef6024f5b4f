/// SSM Parameter Store: configuration and secrets (Rancher tokens) for the tools.
public protocol SSMClient: Sendable {
    /// `decrypt` turns a SecureString into its plain value (KMS decrypt on AWS's side).
    func getParameter(_ name: String, decrypt: Bool) async throws(ClientError) -> SSMParameter
    /// Every parameter under `path` (one level, or the whole subtree when `recursive`), all pages read.
    func getParametersByPath(_ path: String, recursive: Bool, decrypt: Bool) async throws(ClientError) -> [SSMParameter]
}

public struct SSMParameterType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let string = SSMParameterType(rawValue: "String")
    public static let stringList = SSMParameterType(rawValue: "StringList")
    public static let secureString = SSMParameterType(rawValue: "SecureString")
}

/// One parameter. A SecureString's value is never part of `description`, `debugDescription` or
/// `dump`, so a parameter can be logged or put into an error; read `value` only where it is used.
public struct SSMParameter: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var name: String
    public var type: SSMParameterType
    public var value: String
    public var version: Int?
    public var arn: String?

    public init(name: String, type: SSMParameterType, value: String, version: Int? = nil, arn: String? = nil) {
        self.name = name
        self.type = type
        self.value = value
        self.version = version
        self.arn = arn
    }

    public var isSecret: Bool { type == .secureString }

    public var description: String {
        let shown = isSecret ? "<redacted>" : value
        return "SSMParameter(\(name), \(type), version \(version.map(String.init) ?? "?"), value \(shown))"
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}

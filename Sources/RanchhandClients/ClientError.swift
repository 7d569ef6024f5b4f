/// The one error every client (AWS, Rancher, Kubernetes, metrics stores) throws: what failed,
/// against what, and what the server said. Kinds are open-ended values so new ones can be added
/// without breaking callers; secrets never enter any field.
public struct ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The server answered with an error (`code` and `message` say which).
        public static let service = Kind("service error")
        /// The connection could not be made: nothing was sent, so any call may be retried.
        public static let connectionFailed = Kind("connection failed")
        /// The connection broke or timed out after the request may have been sent.
        public static let connectionLost = Kind("connection lost")
        public static let timeout = Kind("timed out")
        public static let cancelled = Kind("cancelled")
        /// A response arrived that we could not read.
        public static let invalidResponse = Kind("invalid response")
        /// Local configuration is wrong (endpoint, TLS, region); retrying will not help.
        public static let configuration = Kind("configuration error")
        public static let credentials = Kind("credentials error")
    }

    public var kind: Kind
    /// `autoscaling`, `route53`, `rancher`, `kubernetes`, `imds`, …
    public var service: String
    /// `CompleteLifecycleAction`, `GET /v3/nodes`, …
    public var operation: String
    public var statusCode: Int?
    /// The server's error code (`Throttling`, `ValidationError`, `InvalidAction`, `NotFound`).
    public var code: String?
    public var message: String
    public var requestID: String?

    public init(
        _ kind: Kind, service: String, operation: String, statusCode: Int? = nil, code: String? = nil,
        message: String, requestID: String? = nil
    ) {
        self.kind = kind
        self.service = service
        self.operation = operation
        self.statusCode = statusCode
        self.code = code
        self.message = message
        self.requestID = requestID
    }

    public var description: String {
        var text = "\(service) \(operation): \(kind)"
        if let code { text += " \(code)" }
        if let statusCode { text += " (HTTP \(statusCode))" }
        if !message.isEmpty { text += ": \(message)" }
        if let requestID { text += " [request id \(requestID)]" }
        return text
    }

    public func isCode(_ candidates: String...) -> Bool {
        guard let code else { return false }
        return candidates.contains(code)
    }
}

/// The Lambda Runtime API (2018-06-01) as a one-method protocol: the run loop only speaks these
/// verbs, so tests drive it without HTTP and the live client is the only code that knows the wire.
public protocol LambdaRuntimeAPI: Sendable {
    func send(_ request: LambdaRuntimeRequest) async throws(ClientError) -> LambdaRuntimeResponse
}

public enum LambdaRuntimeRequest: Sendable, Equatable {
    /// `GET /runtime/invocation/next`: blocks until an event arrives.
    case next
    /// `POST /runtime/invocation/{id}/response`.
    case response(requestID: String, body: [UInt8])
    /// `POST /runtime/invocation/{id}/error`.
    case invocationError(requestID: String, LambdaErrorReport)
    /// `POST /runtime/init/error`; the process exits afterwards.
    case initializationError(LambdaErrorReport)
}

public enum LambdaRuntimeResponse: Sendable, Equatable {
    case invocation(LambdaInvocation)
    /// 202: the response or error was accepted.
    case accepted
}

public struct LambdaInvocation: Sendable, Equatable {
    public var requestID: String
    /// `Lambda-Runtime-Deadline-Ms`: when the function times out, in Unix epoch milliseconds.
    public var deadlineEpochMilliseconds: Int64
    public var functionARN: String
    public var traceID: String?
    public var body: [UInt8]

    public init(requestID: String, deadlineEpochMilliseconds: Int64, functionARN: String, traceID: String?, body: [UInt8]) {
        self.requestID = requestID
        self.deadlineEpochMilliseconds = deadlineEpochMilliseconds
        self.functionARN = functionARN
        self.traceID = traceID
        self.body = body
    }
}

/// The error body Lambda records: `{"errorType", "errorMessage", "stackTrace"}`.
public struct LambdaErrorReport: Sendable, Equatable, Codable {
    public var errorType: String
    public var errorMessage: String
    public var stackTrace: [String]

    public init(errorType: String, errorMessage: String, stackTrace: [String] = []) {
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.stackTrace = stackTrace
    }
}

import Foundation
import RanchhandClients

/// The Runtime API over the shared transport. Lambda serves it on plain HTTP at
/// `AWS_LAMBDA_RUNTIME_API` (`127.0.0.1:9001`), which the transport allows as loopback.
public struct LiveLambdaRuntimeAPI: LambdaRuntimeAPI {
    private let base: String
    private let transport: any HTTPTransport
    private let userAgent: String

    /// `endpoint` is `host:port` as Lambda sets `AWS_LAMBDA_RUNTIME_API`.
    public init(endpoint: String, transport: any HTTPTransport, userAgent: String = "ranchhand-lambda/1") {
        self.base = "http://\(endpoint)/2018-06-01"
        self.transport = transport
        self.userAgent = userAgent
    }

    public func send(_ request: LambdaRuntimeRequest) async throws(ClientError) -> LambdaRuntimeResponse {
        switch request {
        case .next:
            // The process may be frozen between invocations: no practical client timeout here.
            let response = try await exchange("GET", "/runtime/invocation/next", body: [], timeout: .seconds(86_400), operation: "next")
            return .invocation(try Self.invocation(from: response))
        case .response(let requestID, let body):
            _ = try await exchange("POST", "/runtime/invocation/\(requestID)/response", body: body, operation: "response")
            return .accepted
        case .invocationError(let requestID, let report):
            _ = try await exchange("POST", "/runtime/invocation/\(requestID)/error", body: Self.encode(report),
                                   errorType: report.errorType, operation: "invocation error")
            return .accepted
        case .initializationError(let report):
            _ = try await exchange("POST", "/runtime/init/error", body: Self.encode(report), errorType: report.errorType, operation: "init error")
            return .accepted
        }
    }

    private func exchange(
        _ method: String, _ path: String, body: [UInt8], errorType: String? = nil, timeout: Duration = .seconds(30), operation: String
    ) async throws(ClientError) -> HTTPResponse {
        var headers = [HTTPRequest.Header("User-Agent", userAgent)]
        if let errorType { headers.append(.init("Lambda-Runtime-Function-Error-Type", errorType)) }
        if method == "POST" { headers.append(.init("Content-Type", "application/json")) }
        let response = try await transport.send(
            HTTPRequest(method: method, url: base + path, headers: headers, body: body, timeout: timeout),
            service: "lambda-runtime", operation: operation)
        guard response.isSuccess else {
            throw ClientError(.service, service: "lambda-runtime", operation: operation, statusCode: response.status,
                              message: response.bodyExcerpt)
        }
        return response
    }

    static func invocation(from response: HTTPResponse) throws(ClientError) -> LambdaInvocation {
        guard let requestID = response.header("Lambda-Runtime-Aws-Request-Id"),
              let deadline = response.header("Lambda-Runtime-Deadline-Ms").flatMap(Int64.init) else {
            throw ClientError(.invalidResponse, service: "lambda-runtime", operation: "next",
                              message: "invocation without Lambda-Runtime-Aws-Request-Id or Lambda-Runtime-Deadline-Ms")
        }
        return LambdaInvocation(
            requestID: requestID, deadlineEpochMilliseconds: deadline,
            functionARN: response.header("Lambda-Runtime-Invoked-Function-Arn") ?? "",
            traceID: response.header("Lambda-Runtime-Trace-Id"), body: response.body)
    }

    private static func encode(_ report: LambdaErrorReport) -> [UInt8] {
        (try? Array(JSONEncoder().encode(report))) ?? Array(#"{"errorType":"Runtime.Unknown"}"#.utf8)
    }
}

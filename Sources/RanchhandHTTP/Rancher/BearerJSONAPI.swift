import Foundation
import Logging
import RanchhandClients

/// The request path shared by the Rancher and Kubernetes clients: bearer auth, a non-browser
/// User-Agent, JSON in and out, the per-request TLS trust, and every attempt through the one
/// `RetryPolicy`. Error bodies are turned into `ClientError` by the service's own parser.
struct BearerJSONAPI<C: Clock & Sendable>: Sendable where C.Duration == Duration {
    let service: String
    /// Requests go to `baseURL + path`; links a server sends are resolved against `origin`.
    let baseURL: String
    let token: BearerTokenSource
    let userAgent: String
    var timeout: Duration
    let retryPolicy: RetryPolicy
    let transport: any HTTPTransport
    let clock: C
    let unitRandom: @Sendable () -> Double
    /// The trust for the next request; may fetch and pin a CA first.
    let trust: @Sendable () async throws(ClientError) -> TLSTrust
    let parseError: @Sendable (_ response: HTTPResponse, _ operation: String) -> ClientError
    let logger: Logger

    var origin: String { URLEncoding.origin(of: baseURL) }

    /// Sends one call, retrying as the policy allows. 2xx, the statuses in `passing` and the answers
    /// `passIf` accepts are returned (and so never retried); anything else is thrown as the parsed error.
    func send(
        _ method: String, _ pathAndQuery: String, body: [UInt8]? = nil, contentType: String = "application/json",
        idempotency: Idempotency, operation: String, passing: Set<Int> = [], passIf: (@Sendable (HTTPResponse) -> Bool)? = nil,
        absolute: Bool = false
    ) async throws(ClientError) -> HTTPResponse {
        let used = await token.token()
        do {
            return try await attempt(method, pathAndQuery, body: body, contentType: contentType, idempotency: idempotency, operation: operation,
                                     passing: passing, passIf: passIf, absolute: absolute, token: used)
        } catch where error.statusCode == 401 {
            guard let replacement = await token.replacement(after: used) else { throw error }
            logger.notice("\(service) answered 401; trying again with the re-read token", metadata: ["operation": "\(operation)"])
            return try await attempt(method, pathAndQuery, body: body, contentType: contentType, idempotency: idempotency, operation: operation,
                                     passing: passing, passIf: passIf, absolute: absolute, token: replacement)
        }
    }

    private func attempt(
        _ method: String, _ pathAndQuery: String, body: [UInt8]?, contentType: String, idempotency: Idempotency, operation: String,
        passing: Set<Int>, passIf: (@Sendable (HTTPResponse) -> Bool)?, absolute: Bool, token: String
    ) async throws(ClientError) -> HTTPResponse {
        let url = (absolute ? origin : baseURL) + pathAndQuery
        var headers = [
            HTTPRequest.Header("Authorization", "Bearer \(token)"),
            HTTPRequest.Header("User-Agent", userAgent),
            HTTPRequest.Header("Accept", "application/json"),
        ]
        if body != nil { headers.append(HTTPRequest.Header("Content-Type", contentType)) }
        // Resolved before the retry loop: pinning has its own (single) retried request.
        let trust = try await trust()
        return try await retryPolicy.run(
            idempotency, clock: clock, unitRandom: unitRandom,
            onRetry: { error, attempt, wait in
                logger.notice("retrying \(service) \(operation)", metadata: ["attempt": "\(attempt)", "wait": "\(wait)", "error": "\(error)"])
            }
        ) { () async throws(ClientError) -> HTTPResponse in
            let request = HTTPRequest(method: method, url: url, headers: headers, body: body ?? [], timeout: timeout, trust: trust)
            let response = try await transport.send(request, service: service, operation: operation)
            guard response.isSuccess || passing.contains(response.status) || passIf?(response) == true else { throw parseError(response, operation) }
            return response
        }
    }

    func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse, operation: String) throws(ClientError) -> T {
        try JSONBody.decode(T.self, from: response, service: service, operation: operation)
    }

    func encode<T: Encodable>(_ value: T, operation: String) throws(ClientError) -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return Array(try encoder.encode(value))
        } catch {
            throw ClientError(.configuration, service: service, operation: operation, message: "could not encode the request body: \(error)")
        }
    }
}

enum JSONBody {
    /// A 2xx body that is not the expected JSON is an `invalidResponse` carrying the status and the
    /// start of the body.
    static func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse, service: String, operation: String) throws(ClientError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw ClientError(.invalidResponse, service: service, operation: operation, statusCode: response.status,
                              message: "could not read the \(T.self) in the response (\(error)); body starts: \(response.bodyExcerpt)")
        }
    }
}

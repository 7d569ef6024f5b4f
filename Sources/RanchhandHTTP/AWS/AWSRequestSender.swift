import Foundation
import Logging
import RanchhandClients

/// Signs, sends and retries one AWS call, and turns error answers into `ClientError`. Every AWS
/// protocol (query, ec2, JSON, rest-xml) goes through `send`, so signing, retry and logging exist
/// once.
public struct AWSRequestSender: Sendable {
    public let transport: any HTTPTransport
    public let credentials: any CredentialsProvider
    public let endpoints: AWSEndpoints
    public var retryPolicy: RetryPolicy
    public var timeout: Duration
    public var logger: Logger
    /// Wall-clock time for signatures and credential expiry.
    public var now: @Sendable () -> Date
    public var unitRandom: @Sendable () -> Double
    /// Services whose every attempt, retries included, waits its turn (Route53's account-wide rate).
    public var pacers: [AWSService: any RequestPacer] = [:]

    public init(
        transport: any HTTPTransport, credentials: any CredentialsProvider, endpoints: AWSEndpoints,
        retryPolicy: RetryPolicy = .standard, timeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "ranchhand.aws"), now: @escaping @Sendable () -> Date = { Date() },
        unitRandom: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.transport = transport
        self.credentials = credentials
        self.endpoints = endpoints
        self.retryPolicy = retryPolicy
        self.timeout = timeout
        self.logger = logger
        self.now = now
        self.unitRandom = unitRandom
    }

    /// Sends `request` for `operation`, signing each attempt afresh. A non-2xx answer is parsed by
    /// `parseError` (each protocol has its own error shape) and retried when the policy says so.
    /// `signed: false` sends the request without SigV4 (STS AssumeRoleWithWebIdentity, whose token
    /// is the proof) and never asks the credentials provider.
    public func send(
        _ operation: AWSOperation, _ request: SignableRequest, timeout: Duration? = nil, signed: Bool = true,
        parseError: @Sendable (HTTPResponse, AWSOperation) -> ClientError
    ) async throws(ClientError) -> HTTPResponse {
        let service = operation.service
        let signer = { (credentials: AWSCredentials) in
            SigV4Signer(credentials: credentials, region: endpoints.signingRegion(for: service), service: service.signingName)
        }
        let base = endpoints.url(for: service)
        let pacer = pacers[service]
        return try await retryPolicy.run(
            operation.idempotency, clock: ContinuousClock(), unitRandom: unitRandom,
            onRetry: { error, attempt, wait in
                logger.warning("retrying AWS call", metadata: [
                    "operation": "\(operation)", "attempt": "\(attempt)", "wait_ms": "\(wait.milliseconds)", "error": "\(error)",
                ])
            }
        ) { () async throws(ClientError) -> HTTPResponse in
            try await pacer?.admit(service: service.rawValue, operation: operation.name)
            let date = now()
            let signed = signed ? signer(try await credentials.credentials(at: date)).signed(request, date: date) : request
            let query = signed.encodedQuery
            let url = base + signed.encodedPath + (query.isEmpty ? "" : "?" + query)
            let headers = signed.headers.filter { $0.name.lowercased() != "host" }.map { HTTPRequest.Header($0.name, $0.value) }
            let response = try await transport.send(
                HTTPRequest(method: signed.method, url: url, headers: headers, body: signed.body, timeout: timeout ?? self.timeout),
                service: service.rawValue, operation: operation.name)
            guard response.isSuccess else { throw parseError(response, operation) }
            return response
        }
    }

    /// The `Host` the signature must cover: the endpoint's authority.
    func host(for service: AWSService) -> String {
        let url = endpoints.url(for: service)
        let afterScheme = url.range(of: "://").map { url[$0.upperBound...] } ?? Substring(url)
        let authority = afterScheme.prefix { $0 != "/" }
        let (scheme, _) = PlainHTTPPolicy.schemeAndHost(of: url) ?? ("https", "")
        // Default ports are not part of the signed Host header.
        if scheme == "https", authority.hasSuffix(":443") { return String(authority.dropLast(4)) }
        if scheme == "http", authority.hasSuffix(":80") { return String(authority.dropLast(3)) }
        return String(authority)
    }

    /// A request for `service` with the endpoint's host filled in.
    func request(_ service: AWSService, method: String, path: String = "/", query: [SignableRequest.QueryItem] = [],
                 headers: [SignableRequest.Header] = [], body: [UInt8] = []) -> SignableRequest {
        SignableRequest(method: method, host: host(for: service), path: path, query: query, headers: headers, body: body)
    }
}

extension AWSOperation {
    /// Answers that carry secrets (decrypted parameters, temporary credentials): their bodies are
    /// never quoted in an error message.
    var answerCarriesSecrets: Bool {
        [.getParameter, .getParametersByPath, .assumeRole, .assumeRoleWithWebIdentity].contains(self)
    }

    /// The start of an answer's body for an error message, or a note that it is withheld.
    func excerpt(of response: HTTPResponse) -> String {
        answerCarriesSecrets ? "(body withheld: it may carry secrets)" : response.bodyExcerpt
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}

import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import RanchhandClients

/// The live transport: one shared AsyncHTTPClient (NIO + NIOSSL), per-request deadlines and TLS
/// trust, and cancellation through Swift concurrency. Create one per process and `shutdown()` it
/// on the way out.
public final class AsyncHTTPTransport: HTTPTransport {
    private let client: HTTPClient
    private let defaultTrust: TLSTrust
    private let maximumResponseBytes: Int
    private let logger: Logger

    public init(defaultTrust: TLSTrust = .systemRoots, maximumResponseBytes: Int = 64 << 20, logger: Logger = Logger(label: "ranchhand.http")) throws(ClientError) {
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = try defaultTrust.configuration(service: "http")
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .enabled(limit: .ratio(50))
        configuration.timeout = .init(connect: .seconds(10))
        // A refused connection fails at once and goes to RetryPolicy, the one retry with backoff: left
        // on, AsyncHTTPClient retried it itself for the whole connect timeout, so every attempt of an
        // unreachable endpoint took 10 s and `sync` against a wrong URL took 50 s to say so.
        configuration.connectionPool.retryConnectionEstablishment = false
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.defaultTrust = defaultTrust
        self.maximumResponseBytes = maximumResponseBytes
        self.logger = logger
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Runs `body` with a new transport and shuts it down on every way out, a throw included: a
    /// client dropped unshut traps in a debug build ("Client not shut down before the deinit")
    /// and leaks in a release one. Executables make their transport only through this.
    public static func scoped<T>(logger: Logger = Logger(label: "ranchhand.http"), _ body: (AsyncHTTPTransport) async throws -> T) async throws -> T {
        let transport = try AsyncHTTPTransport(logger: logger)
        do {
            let result = try await body(transport)
            await transport.shutdown()
            return result
        } catch {
            await transport.shutdown()
            throw error
        }
    }

    public func send(_ request: HTTPRequest, service: String, operation: String) async throws(ClientError) -> HTTPResponse {
        guard let (scheme, host) = PlainHTTPPolicy.schemeAndHost(of: request.url), scheme == "https" || scheme == "http" else {
            throw ClientError(.configuration, service: service, operation: operation, message: "not an http(s) URL: \(request.url)")
        }
        if scheme == "http", !PlainHTTPPolicy.allowsPlainHTTP(host: host) {
            throw ClientError(.configuration, service: service, operation: operation,
                              message: "refusing plain HTTP to \(host): TLS is required except for loopback and the instance metadata endpoints")
        }
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        }
        if let trust = request.trust, trust != defaultTrust {
            outgoing.tlsConfiguration = try trust.configuration(service: service)
        }
        let deadline = NIODeadline.now() + .nanoseconds(Int64(request.timeout.components.seconds) * 1_000_000_000
            + request.timeout.components.attoseconds / 1_000_000_000)
        do {
            let response = try await client.execute(outgoing, deadline: deadline, logger: logger)
            var body = try await response.body.collect(upTo: maximumResponseBytes)
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            let headers = response.headers.map { HTTPRequest.Header($0.name, $0.value) }
            return HTTPResponse(status: Int(response.status.code), headers: headers, body: bytes)
        } catch {
            throw Self.classify(error, service: service, operation: operation, url: request.url)
        }
    }

    /// Whether a failure happened before anything was sent decides whether a non-idempotent call
    /// may be retried, so connection errors are split into "failed to connect" and "lost".
    static func classify(_ error: any Error, service: String, operation: String, url: String) -> ClientError {
        if error is CancellationError {
            return ClientError(.cancelled, service: service, operation: operation, message: "cancelled")
        }
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .connectTimeout, .tlsHandshakeTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout, .getConnectionFromPoolTimeout:
                return ClientError(.connectionFailed, service: service, operation: operation, message: "could not connect to \(url): \(clientError)")
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return ClientError(.timeout, service: service, operation: operation, message: "no complete response from \(url) in time")
            case .cancelled:
                return ClientError(.cancelled, service: service, operation: operation, message: "cancelled")
            default:
                return ClientError(.connectionLost, service: service, operation: operation, message: "\(url): \(clientError)")
            }
        }
        if error is NIOTooManyBytesError {
            return ClientError(.invalidResponse, service: service, operation: operation, message: "response body from \(url) too large")
        }
        if error is NIOConnectionError || (error as? IOError)?.errnoCode == ECONNREFUSED {
            return ClientError(.connectionFailed, service: service, operation: operation, message: "could not connect to \(url): \(error)")
        }
        if let sslError = error as? NIOSSLError {
            return ClientError(.connectionFailed, service: service, operation: operation, message: "TLS with \(url) failed: \(sslError)")
        }
        if error is BoringSSLError {
            return ClientError(.connectionFailed, service: service, operation: operation, message: "TLS with \(url) failed: \(error)")
        }
        return ClientError(.connectionLost, service: service, operation: operation, message: "\(url): \(error)")
    }
}

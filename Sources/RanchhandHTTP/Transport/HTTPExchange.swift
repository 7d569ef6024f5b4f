import Foundation
import RanchhandClients

/// One HTTP request as the transport sends it: the URL is final (path and query already encoded),
/// so what was signed is exactly what goes on the wire.
public struct HTTPRequest: Sendable {
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var method: String
    public var url: String
    public var headers: [Header]
    public var body: [UInt8]
    /// The whole exchange, connect to last body byte.
    public var timeout: Duration
    /// How servers on this request are trusted; `nil` uses the transport's default.
    public var trust: TLSTrust?

    public init(
        method: String, url: String, headers: [Header] = [], body: [UInt8] = [],
        timeout: Duration = .seconds(30), trust: TLSTrust? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.trust = trust
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [HTTPRequest.Header]
    public var body: [UInt8]

    public init(status: Int, headers: [HTTPRequest.Header] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The start of the body as text, for error messages about bodies we could not parse.
    public var bodyExcerpt: String {
        String(decoding: body.prefix(300), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
    }
}

/// The one way ranchhand reaches the network. The live implementation is `AsyncHTTPTransport`;
/// the retry policy, signing and protocol parsing sit above it, so they work the same over any
/// implementation.
public protocol HTTPTransport: Sendable {
    /// Sends `request`; a non-2xx status is a response, not an error. Throws `ClientError` with
    /// kind `connectionFailed`, `connectionLost`, `timeout`, `cancelled` or `configuration`.
    func send(_ request: HTTPRequest, service: String, operation: String) async throws(ClientError) -> HTTPResponse
}

/// An HTTP request as the signer sees it and as the transport sends it.
///
/// The signer and the transport share this one value so that what is signed is exactly what is
/// sent: the transport builds its URL from `host`, `encodedPath` and `encodedQuery`, and copies
/// `headers` and `body` as they are.
public struct SignableRequest: Sendable, Equatable {
    /// One query parameter, unencoded. Order and duplicates are kept; the signer sorts its own copy.
    public struct QueryItem: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// One header line. A list (not a dictionary) because order and repeated names both matter to
    /// the canonical request.
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// `GET`, `POST`, … as sent on the request line.
    public var method: String
    /// Host name, with `:port` when the port is not the scheme's default (that is what the `Host`
    /// header carries, and the signature covers it).
    public var host: String
    /// The path, not yet percent-encoded (`/2013-04-01/hostedzone/Z1/rrset`).
    public var path: String
    public var query: [QueryItem]
    public var headers: [Header]
    public var body: [UInt8]

    public init(
        method: String,
        host: String,
        path: String = "/",
        query: [QueryItem] = [],
        headers: [Header] = [],
        body: [UInt8] = []
    ) {
        self.method = method
        self.host = host
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The values of every header called `name` (case-insensitive), in order.
    public func headerValues(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return headers.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// The first value of the header called `name` (case-insensitive).
    public func headerValue(_ name: String) -> String? {
        headerValues(name).first
    }

    /// Leaves exactly one header called `name` (case-insensitive), with `value`: the first one is
    /// updated where it stands (so signing twice gives the same request), or one is appended.
    public mutating func setHeader(_ name: String, _ value: String) {
        let wanted = name.lowercased()
        guard let first = headers.firstIndex(where: { $0.name.lowercased() == wanted }) else {
            headers.append(Header(name, value))
            return
        }
        headers[first].value = value
        var index = headers.index(after: first)
        while index < headers.endIndex {
            if headers[index].name.lowercased() == wanted {
                headers.remove(at: index)
            } else {
                index += 1
            }
        }
    }

    public mutating func removeHeaders(_ name: String) {
        let unwanted = name.lowercased()
        headers.removeAll { $0.name.lowercased() == unwanted }
    }

    /// The path as it goes on the wire: each segment percent-encoded once, `/` kept. The transport
    /// must send this (not a path it encodes itself) or the signature will not match.
    public var encodedPath: String {
        PercentEncoding.encodePath(path.isEmpty ? "/" : path)
    }

    /// The query as it goes on the wire, in the caller's order, RFC 3986 encoded; empty when there
    /// is no query.
    public var encodedQuery: String {
        query.map { PercentEncoding.encode($0.name) + "=" + PercentEncoding.encode($0.value) }
            .joined(separator: "&")
    }
}

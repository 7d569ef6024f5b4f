import Foundation
import RanchhandEvents

/// A request as the fake servers see it, detached from the HTTP library.
public struct SandboxRequest: Sendable {
    public var method: String
    /// Percent-decoded path (`/v3/nodes/c-1:m-2`).
    public var path: String
    /// Decoded query pairs in order; repeated keys repeat.
    public var query: [(name: String, value: String)]
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: [UInt8]
    /// `https://localhost:PORT`: where the request came in, for the links in responses.
    public var origin: String
    public var at: SandboxClock.Instant

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

    /// `path?query` as sent, re-encoded.
    var rawQuery: String {
        query.map { "\(Self.encode($0.name))=\(Self.encode($0.value))" }.joined(separator: "&")
    }

    static func encode(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            if (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || "-._~:".utf8.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    static func decode(_ text: Substring, plusIsSpace: Bool) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else if plusIsSpace, byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func parseQuery(_ query: Substring) -> [(name: String, value: String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0], plusIsSpace: true), parts.count > 1 ? decode(parts[1], plusIsSpace: true) : "")
        }
    }
}

/// A response from the fake servers.
public struct SandboxReply: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func json(_ status: Int, _ value: JSONValue) -> SandboxReply {
        SandboxReply(status: status, headers: [("Content-Type", "application/json")], body: SandboxJSON.bytes(value))
    }

    static func text(_ status: Int, _ text: String, contentType: String = "text/plain") -> SandboxReply {
        SandboxReply(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }

    /// Rancher's (norman's) error body.
    static func rancherError(_ status: Int, _ code: String, _ message: String) -> SandboxReply {
        json(status, .object([
            "type": .string("error"), "baseType": .string("error"), "status": .int(status), "code": .string(code), "message": .string(message),
        ]))
    }

    /// A Kubernetes `Status` failure.
    static func kubernetesStatus(_ code: Int, reason: String, message: String, details: JSONValue? = nil) -> SandboxReply {
        var object: [String: JSONValue] = [
            "kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object([:]), "status": .string("Failure"),
            "message": .string(message), "reason": .string(reason), "code": .int(code),
        ]
        if let details { object["details"] = details }
        return json(code, .object(object))
    }
}

/// One request the sandbox received, as tests read it back.
public struct RecordedRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(name: String, value: String)]
    public var headers: [String: String]
    public var body: [UInt8]
    /// `http` or `https`.
    public var scheme: String
    /// The status sent back, or nil if the connection was dropped.
    public var status: Int?
    /// Wall-clock times the request came in and its answer was ready (nil if it was dropped): the
    /// intervals a test checks for overlap, across processes that share no clock but this one.
    public var receivedAt: Date
    public var answeredAt: Date?

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
}

import Foundation
import RanchhandHTTP

/// The fault proxy's control API (`/__faults__`, see scripts/testenv/README.md), spoken through
/// the project's own transport.
public struct FaultProxy: Sendable {
    public let url: String
    private let transport: any HTTPTransport

    public init(url: String, transport: any HTTPTransport) {
        self.url = url
        self.transport = transport
    }

    public struct Match: Encodable, Sendable {
        public var method: String?
        public var path: String?
        public var pathPrefix: String?
        public var action: String?
        public var target: String?
        public var service: String?
        public var bodyContains: String?
        public init(method: String? = nil, path: String? = nil, pathPrefix: String? = nil, action: String? = nil,
                    target: String? = nil, service: String? = nil, bodyContains: String? = nil) {
            self.method = method
            self.path = path
            self.pathPrefix = pathPrefix
            self.action = action
            self.target = target
            self.service = service
            self.bodyContains = bodyContains
        }
    }

    public struct Fault: Encodable, Sendable {
        public var status: Int?
        public var body: String?
        public var headers: [String: String]?
        public var preset: String?
        public var latencyMs: Int?
        public var drop: Bool?
        public var forward: Bool?
        public var reset: Bool?
        public var truncateBody: Bool?

        public static func preset(_ name: String) -> Fault { Fault(preset: name) }
        public static func answer(_ status: Int, _ body: String, headers: [String: String]? = nil) -> Fault {
            Fault(status: status, body: body, headers: headers)
        }
        /// Forward after holding the request `milliseconds`: a slow API.
        public static func delay(milliseconds: Int) -> Fault { Fault(latencyMs: milliseconds) }
        /// Close the connection without answering; `afterForwarding`: the request reached the server first.
        public static func drop(afterForwarding: Bool = false) -> Fault { Fault(drop: true, forward: afterForwarding) }
    }

    public struct Rule: Encodable, Sendable {
        public var match: Match
        public var fault: Fault
        public var times: Int?
        public init(match: Match, fault: Fault, times: Int? = nil) {
            self.match = match
            self.fault = fault
            self.times = times
        }
    }

    public struct LogEntry: Decodable, Sendable {
        public var seq: Int?
        public var method: String
        public var path: String
        public var action: String?
        public var target: String?
        public var service: String?
        public var status: Int?
        public var faulted: Bool
        public var fault: String?
    }

    /// The ids the proxy gave the rules, for `remove`.
    @discardableResult
    public func add(_ rules: [Rule]) async throws -> [Int] {
        struct Body: Encodable { var rules: [Rule] }
        struct Added: Decodable { struct Rule: Decodable { var id: Int }; var rules: [Rule] }
        let answer = try await call("POST", "/__faults__/rules", body: Array(try JSONEncoder().encode(Body(rules: rules))))
        return try JSONDecoder().decode(Added.self, from: Data(answer)).rules.map(\.id)
    }

    /// Removes only these rules: other tests' rules in the shared proxy stay.
    public func remove(_ ids: [Int]) async throws {
        for id in ids { _ = try await call("DELETE", "/__faults__/rules/\(id)") }
    }

    public func log() async throws -> [LogEntry] {
        try JSONDecoder().decode([LogEntry].self, from: Data(try await call("GET", "/__faults__/log")))
    }

    public func clear() async throws {
        _ = try await call("DELETE", "/__faults__/rules")
        _ = try await call("DELETE", "/__faults__/log")
    }

    private func call(_ method: String, _ path: String, body: [UInt8] = []) async throws -> [UInt8] {
        let response = try await transport.send(
            HTTPRequest(method: method, url: url + path, headers: [.init("Content-Type", "application/json")], body: body),
            service: "fault-proxy", operation: "\(method) \(path)")
        guard response.isSuccess else {
            throw ChildProcess.Failure(description: "fault proxy \(method) \(path): HTTP \(response.status) \(response.bodyExcerpt)")
        }
        return response.body
    }
}

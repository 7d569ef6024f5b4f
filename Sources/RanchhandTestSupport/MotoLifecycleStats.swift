import Foundation
import RanchhandHTTP

/// How the moto launcher's lifecycle actions ended (`GET /moto-api/ranchhand/lifecycle`, served by
/// scripts/testenv/moto_lifecycle_stats.py): a timed-out action is a hook AWS would have lost.
public struct MotoLifecycleStats: Decodable, Sendable {
    public struct Ended: Decodable, Sendable, CustomStringConvertible {
        public var instanceId: String
        public var hook: String
        public var group: String
        public var result: String
        public var reason: String?
        public var description: String { "\(instanceId) \(group)/\(hook) \(result)\(reason.map { " (\($0) timeout)" } ?? "")" }
    }

    public var completed: [Ended]
    public var timedOut: [Ended]
    public var heartbeats: [String: Int]

    public static func read() async throws -> MotoLifecycleStats {
        let url = try await MotoServer.shared.endpoints().moto + "/moto-api/ranchhand/lifecycle"
        let request = HTTPRequest(method: "GET", url: url, headers: [], body: [], timeout: .seconds(10), trust: .systemRoots)
        let response = try await AWSTestContext.transport.send(request, service: "moto", operation: "lifecycle stats")
        return try JSONDecoder().decode(MotoLifecycleStats.self, from: Data(response.body))
    }
}

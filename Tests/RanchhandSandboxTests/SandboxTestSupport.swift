import Foundation
import RanchhandClients
import RanchhandEvents
@testable import RanchhandSandbox

/// In-process access to the fakes: requests go straight to the route handlers, no sockets.
enum World {
    static let rke1 = RancherClusterID("c-rke1")
    static let rke2 = RancherClusterID("c-m-rke2")

    static func make(_ configure: @Sendable (inout SandboxBehaviour) -> Void = { _ in }) -> SandboxWorld {
        var behaviour = SandboxBehaviour()
        configure(&behaviour)
        return SandboxWorld(clock: .virtual(), seed: 7, behaviour: behaviour, imds: IMDSConfiguration(),
                            caPEM: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", caChecksum: "00")
    }

    static func request(_ method: String, _ target: String, body: String = "", headers: [String: String] = [:]) -> SandboxRequest {
        let parts = target.split(separator: "?", maxSplits: 1)
        var lowered = Dictionary(uniqueKeysWithValues: headers.map { ($0.key.lowercased(), $0.value) })
        lowered["user-agent"] = lowered["user-agent"] ?? "ranchhand-tests/1.0"
        return SandboxRequest(method: method, path: String(parts[0]), query: parts.count > 1 ? SandboxRequest.parseQuery(parts[1]) : [],
                              headers: lowered, body: Array(body.utf8), origin: "https://localhost:8443", at: .init(offset: .zero))
    }
}

extension SandboxReply {
    var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }
    var text: String { String(decoding: body, as: UTF8.self) }
}

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: root.appendingPathComponent(path)) }
    static func json(_ path: String) throws -> JSONValue { try JSONValue.parse(Array(bytes(path))) }
}

import Foundation
import RanchhandClients
import RanchhandEvents

/// Everything between the socket and the fake services: the request log, fault injection,
/// authentication, and the choice of fake (Rancher, Kubernetes directly or through Rancher's
/// proxy, IMDS).
struct SandboxRouter: Sendable {
    enum Outcome: Sendable {
        case reply(SandboxReply)
        case drop
    }

    let world: SandboxWorld
    let faults: FaultInjector
    let log: RequestLog
    let apiToken: String
    let directCluster: RancherClusterID?

    func handle(_ request: SandboxRequest, scheme: String) async -> Outcome {
        let index = await log.append(request, scheme: scheme)
        let outcome = await respond(request)
        if case .reply(let reply) = outcome { await log.answered(reply.status, at: index) }
        return outcome
    }

    private func respond(_ request: SandboxRequest) async -> Outcome {
        var malformed = false
        for effect in await faults.effects(for: request) {
            switch effect {
            case .latency(let duration):
                try? await Task.sleep(for: duration)
            case .status(let status, let code):
                return .reply(faultReply(request, status: status, code: code))
            case .dropConnection:
                return .drop
            case .malformedBody:
                malformed = true
            }
        }
        let outcome = await route(request)
        guard malformed, case .reply(var reply) = outcome else { return outcome }
        reply.body = Array(reply.body.prefix(reply.body.count / 2))
        return .reply(reply)
    }

    private func faultReply(_ request: SandboxRequest, status: Int, code: String?) -> SandboxReply {
        let message = "injected fault: HTTP \(status)"
        if request.path.hasPrefix("/latest/") { return .text(status, message) }
        if Self.isKubernetes(request.path) { return .kubernetesStatus(status, reason: code ?? Self.reason(status), message: message) }
        return .rancherError(status, code ?? Self.rancherCode(status), message)
    }

    private func route(_ request: SandboxRequest) async -> Outcome {
        let path = request.path
        if path.hasPrefix("/latest/") {
            switch await world.imdsAnswer(request) {
            case .reply(let reply): return .reply(reply)
            case .drop: return .drop
            }
        }
        switch (request.method, path) {
        case ("GET", "/ping"): return .reply(.text(200, "pong"))
        case ("GET", "/healthz"): return .reply(.text(200, "ok"))
        case ("GET", "/cacerts"): return .reply(.text(200, await world.caPEM))
        case ("GET", "/v3/settings/cacerts"): return .reply(await world.rancherReply(request))
        default: break
        }
        guard authenticated(request, token: await world.rotatedAPIToken ?? apiToken) else {
            return .reply(.rancherError(401, "Unauthorized", "must authenticate"))
        }
        if path.hasPrefix("/k8s/clusters/") {
            let rest = path.dropFirst("/k8s/clusters/".count)
            let cluster = RancherClusterID(String(rest.prefix { $0 != "/" }))
            let inner = String(rest.drop { $0 != "/" })
            return .reply(await world.kubernetesReply(request, cluster: cluster, path: inner))
        }
        if Self.isKubernetes(path) {
            let first = await world.firstClusterID()
            guard let cluster = directCluster ?? first else {
                return .reply(.kubernetesStatus(503, reason: "ServiceUnavailable", message: "the sandbox has no cluster"))
            }
            return .reply(await world.kubernetesReply(request, cluster: cluster, path: path))
        }
        return .reply(await world.rancherReply(request))
    }

    /// Bearer, or Basic with the token as `name:key` (Rancher decodes URL-safe base64).
    private func authenticated(_ request: SandboxRequest, token apiToken: String) -> Bool {
        guard let header = request.header("Authorization") else { return false }
        let lower = header.lowercased()
        if lower.hasPrefix("bearer ") { return header.dropFirst(7).trimmingSpaces == apiToken }
        if lower.hasPrefix("basic ") { return Base64.decode(String(header.dropFirst(6).trimmingSpaces)) == apiToken }
        return false
    }

    static func isKubernetes(_ path: String) -> Bool { path.hasPrefix("/api/") || path.hasPrefix("/apis/") || path.hasPrefix("/k8s/") }

    static func reason(_ status: Int) -> String {
        [429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable", 504: "Timeout"][status] ?? "InternalError"
    }

    static func rancherCode(_ status: Int) -> String {
        [429: "TooManyRequests", 500: "ServerError", 503: "ClusterUnavailable"][status] ?? "ServerError"
    }
}

extension SandboxWorld {
    func firstClusterID() -> RancherClusterID? { clusters.keys.min { $0.rawValue < $1.rawValue } }
}

extension Substring {
    fileprivate var trimmingSpaces: String { String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
}

/// The requests the sandbox received, in order.
actor RequestLog {
    private var entries: [RecordedRequest] = []

    func append(_ request: SandboxRequest, scheme: String) -> Int {
        entries.append(RecordedRequest(method: request.method, path: request.path, query: request.query, headers: request.headers,
                                       body: request.body, scheme: scheme, status: nil, receivedAt: Date(), answeredAt: nil))
        return entries.count - 1
    }

    func answered(_ status: Int, at index: Int) {
        guard entries.indices.contains(index) else { return }
        entries[index].status = status
        entries[index].answeredAt = Date()
    }

    func all() -> [RecordedRequest] { entries }
    func clear() { entries.removeAll() }
}

enum Base64 {
    /// Standard or URL-safe alphabet, padding optional.
    static func decode(_ text: String) -> String? {
        var values: [UInt8] = []
        for character in text.utf8 where character != UInt8(ascii: "=") {
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(character - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(character - 71)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(character + 4)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): values.append(62)
            case UInt8(ascii: "/"), UInt8(ascii: "_"): values.append(63)
            default: return nil
            }
        }
        var bytes: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for value in values {
            buffer = (buffer << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// Which requests a fault applies to. Every given criterion must hold.
public struct FaultTarget: Sendable, Hashable, CustomStringConvertible {
    public var method: String?
    /// Matches paths starting with this (`/v3/nodes`, `/latest/api/token`).
    public var pathPrefix: String?
    /// Matches `?action=<name>` (Rancher node actions).
    public var action: String?

    public init(method: String? = nil, pathPrefix: String? = nil, action: String? = nil) {
        self.method = method
        self.pathPrefix = pathPrefix
        self.action = action
    }

    public static let anyRequest = FaultTarget()
    public static func path(_ prefix: String, method: String? = nil) -> FaultTarget { FaultTarget(method: method, pathPrefix: prefix) }
    /// `POST /v3/nodes/<id>?action=<name>` (`drain`, `cordon`, …).
    public static func rancherAction(_ name: String) -> FaultTarget { FaultTarget(method: "POST", pathPrefix: "/v3/nodes/", action: name) }

    func matches(_ request: SandboxRequest) -> Bool {
        if let method, method != request.method { return false }
        if let pathPrefix, !request.path.hasPrefix(pathPrefix) { return false }
        if let action, request.queryValue("action") != action { return false }
        return true
    }

    public var description: String {
        [method, pathPrefix, action.map { "?action=\($0)" }].compactMap { $0 }.joined(separator: " ")
    }
}

public enum FaultEffect: Sendable, Hashable {
    /// Answer with this status and the service's own error body (Rancher's, a Kubernetes Status,
    /// or plain text for IMDS); the request is not applied.
    case status(Int, code: String? = nil)
    /// Wait this long (real time) before handling the request normally.
    case latency(Duration)
    /// Close the connection without answering; the request is not applied.
    case dropConnection
    /// Apply the request, then send only the first half of the real body.
    case malformedBody
}

/// Faults by route: a script ("fail the next 2 drains") or a seeded probability. Scripted rules are
/// used up in order; probabilistic ones stay until cleared.
public actor FaultInjector {
    struct Rule: Sendable {
        var effect: FaultEffect
        var target: FaultTarget
        var remaining: Int?
        var probability: Double
    }

    private var rules: [Rule] = []
    private var random: SandboxRandom
    /// How many times each effect fired, for tests to assert on.
    public private(set) var fired: [FaultEffect: Int] = [:]

    init(seed: UInt64) { random = SandboxRandom(seed: seed ^ 0x5EED_FA17) }

    /// The next `times` matching requests get `effect`.
    public func inject(_ effect: FaultEffect, on target: FaultTarget, times: Int) {
        rules.append(Rule(effect: effect, target: target, remaining: max(0, times), probability: 1))
    }

    /// Each matching request gets `effect` with this probability (seeded, so runs repeat).
    public func inject(_ effect: FaultEffect, on target: FaultTarget, probability: Double) {
        rules.append(Rule(effect: effect, target: target, remaining: nil, probability: min(max(probability, 0), 1)))
    }

    public func clear() {
        rules.removeAll()
        fired.removeAll()
    }

    /// The effects for this request: any latency first, then at most one other effect.
    func effects(for request: SandboxRequest) -> [FaultEffect] {
        var chosen: [FaultEffect] = []
        var terminal = false
        for index in rules.indices where rules[index].target.matches(request) && rules[index].remaining != 0 {
            let isLatency: Bool
            if case .latency = rules[index].effect { isLatency = true } else { isLatency = false }
            if !isLatency && terminal { continue }
            if rules[index].remaining == nil, random.unit() >= rules[index].probability { continue }
            if let remaining = rules[index].remaining { rules[index].remaining = remaining - 1 }
            fired[rules[index].effect, default: 0] += 1
            if isLatency { chosen.insert(rules[index].effect, at: 0) } else { chosen.append(rules[index].effect); terminal = true }
        }
        rules.removeAll { $0.remaining == 0 }
        return chosen
    }
}

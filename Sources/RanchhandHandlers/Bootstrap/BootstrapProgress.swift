import Foundation

/// Removes known secrets (the API token, the registration token once fetched) from every line
/// before it is shown or written.
public final class Redactor: @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: [String] = []

    public init(_ secrets: [String] = []) {
        for secret in secrets { add(secret) }
    }

    public func add(_ secret: String) {
        guard secret.count >= 6 else { return }
        lock.lock()
        defer { lock.unlock() }
        if !secrets.contains(secret) { secrets.append(secret) }
    }

    public func redact(_ text: String) -> String {
        lock.lock()
        let known = secrets
        lock.unlock()
        return known.reduce(text) { $0.replacingOccurrences(of: $1, with: "<redacted>") }
    }
}

/// The agent's readable progress: one line per step with its duration, and a final line. The
/// executable sends it to stdout and `/var/log/ranchhand-bootstrap.log`.
public struct BootstrapProgress: Sendable {
    public let redactor: Redactor
    private let sink: @Sendable (String) -> Void

    public init(redactor: Redactor = Redactor(), sink: @escaping @Sendable (String) -> Void) {
        self.redactor = redactor
        self.sink = sink
    }

    public func line(_ text: String) { sink(redactor.redact(text)) }

    public static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        if value < 60 { return String(format: "%.1fs", value) }
        let whole = Int(value.rounded())
        return whole < 3600 ? "\(whole / 60)m\(whole % 60)s" : "\(whole / 3600)h\(whole % 3600 / 60)m"
    }
}

/// How the agent waits: real time on a node; the sandbox's virtual clock in tests.
public struct BootstrapTiming: Sendable {
    public var now: @Sendable () -> Date
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Between polls of the Rancher node (and of a new registration token).
    public var pollInterval: Duration
    /// Heartbeats for the launch lifecycle action (the ScaleIn helper's timing: real time, so a
    /// test on a virtual clock does not flood Auto Scaling).
    public var heartbeat: ScaleInTiming

    public init(now: @escaping @Sendable () -> Date = { Date() },
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
                pollInterval: Duration = .seconds(10), heartbeat: ScaleInTiming = ScaleInTiming()) {
        self.now = now
        self.sleep = sleep
        self.pollInterval = pollInterval
        self.heartbeat = heartbeat
    }
}

/// How a run ended.
public enum BootstrapOutcome: Sendable, Equatable {
    /// The node is active in Rancher (and the launch action, if any, was completed with CONTINUE).
    case joined(String)
    /// Warm pool or `--prepare-only`: the host is ready, nothing joined.
    case prepared(String)
    /// A step failed; `abandoned` says whether the launch action was completed with ABANDON.
    case failed(reason: String, abandoned: Bool)
    /// An etcd node did not become active in time: the launch action is left waiting (no ABANDON).
    case held(reason: String)

    public var succeeded: Bool {
        switch self {
        case .joined, .prepared: true
        case .failed, .held: false
        }
    }

    /// The last line of the log.
    public var finalLine: String {
        switch self {
        case .joined(let detail): "ranchhand-bootstrap: joined: \(detail)"
        case .prepared(let detail): "ranchhand-bootstrap: prepared: \(detail)"
        case .failed(let reason, true): "ranchhand-bootstrap: failed and abandoned (the group replaces this instance): \(reason)"
        case .failed(let reason, false): "ranchhand-bootstrap: failed: \(reason)"
        case .held(let reason):
            "ranchhand-bootstrap: held, not abandoned (an etcd member that may have half joined is left for a person; the launch action "
                + "waits for its heartbeat timeout, and if the instance then goes, scale-in removes the member): \(reason)"
        }
    }
}

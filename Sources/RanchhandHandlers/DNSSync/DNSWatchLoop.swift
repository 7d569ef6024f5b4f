import Foundation
import Logging
import RanchhandClients

/// Ingresses kept current by a watch (list once, bounded watches from the list's resourceVersion,
/// a relist when the server answers 410 Gone), read by syncs in between.
public actor IngressWatcher: IngressProvider {
    private var mirror: IngressMirror
    private let client: any KubernetesClient

    public init(client: any KubernetesClient, namespace: String? = nil) {
        self.client = client
        self.mirror = IngressMirror(namespace: namespace)
    }

    /// One list (at the start and after an expiry) or one bounded watch.
    @discardableResult
    public func step(timeoutSeconds: Int = 60) async throws(ClientError) -> IngressMirror.Step {
        let (next, step) = try await mirror.synced(using: client, timeoutSeconds: timeoutSeconds)
        mirror = next
        return step
    }

    /// How many times the Ingresses were listed (1 on a healthy run; one more per expiry).
    public var listCount: Int { mirror.listCount }

    public func ingresses() async throws(ClientError) -> [Ingress] {
        if mirror.resourceVersion == nil && mirror.listCount == 0 { try await step() }
        return mirror.ingresses.values.sorted { $0.id < $1.id }
    }
}

/// `watch` mode: an Ingress change triggers a sync (at most one per `minimumEventGap`, as
/// external-dns's `--events` + `--min-event-sync-interval`); a full reconcile runs every
/// `interval` anyway, which also picks up node changes when no queue feeds this process.
public struct DNSWatchLoop: Sendable {
    public let syncer: DNSSyncer
    public let watcher: IngressWatcher
    public var interval: Duration
    public var minimumEventGap: Duration
    /// A watch that answers at once is not repeated sooner than this.
    public var idleDelay: Duration
    public var watchTimeoutSeconds: Int
    public var logger: Logger
    public var now: @Sendable () -> Date
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(syncer: DNSSyncer, watcher: IngressWatcher, interval: Duration = .seconds(60), minimumEventGap: Duration = .seconds(5),
                idleDelay: Duration = .seconds(1), watchTimeoutSeconds: Int = 60, logger: Logger,
                now: @escaping @Sendable () -> Date = { Date() },
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.syncer = syncer
        self.watcher = watcher
        self.interval = interval
        self.minimumEventGap = minimumEventGap
        self.idleDelay = idleDelay
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.logger = logger
        self.now = now
        self.sleep = sleep
    }

    /// Runs until `shouldStop` answers true (checked once per round); returns the syncs run.
    @discardableResult
    public func run(dryRun: Bool, report: @escaping @Sendable (DNSSyncResult) -> Void = { _ in },
                    shouldStop: @escaping @Sendable () async -> Bool) async -> Int {
        var lastSync: Date?
        var pending = true
        var failures = 0
        var syncs = 0
        while !(await shouldStop()) {
            let started = now()
            let untilDue = lastSync.map { $0.addingTimeInterval(interval.dnsSeconds).timeIntervalSince(started) } ?? 0
            do {
                let step = try await watcher.step(timeoutSeconds: max(1, min(watchTimeoutSeconds, Int(untilDue.rounded(.up)))))
                if step.changed { pending = true }
                if step.expired { logger.info("Ingress watch expired (410 Gone); listing again") }
                failures = 0
            } catch {
                failures += 1
                logger.error("Ingress watch failed", metadata: ["error": "\(error)", "consecutive_failures": "\(failures)"])
                try? await sleep(.seconds(min(60, 1 << min(failures, 6))))
                continue
            }
            let time = now()
            let due = lastSync.map { time >= $0.addingTimeInterval(interval.dnsSeconds) } ?? true
            let gapPassed = lastSync.map { time >= $0.addingTimeInterval(minimumEventGap.dnsSeconds) } ?? true
            if due || (pending && gapPassed) {
                do {
                    report(try await syncer.sync(dryRun: dryRun))
                    pending = false
                } catch {
                    logger.error("DNS sync failed; trying again next round", metadata: ["error": "\(error)"])
                }
                lastSync = now()
                syncs += 1
            }
            let elapsed = now().timeIntervalSince(started)
            if elapsed < idleDelay.dnsSeconds { try? await sleep(.milliseconds(Int64((idleDelay.dnsSeconds - elapsed) * 1000))) }
        }
        return syncs
    }
}

extension Duration {
    fileprivate var dnsSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

import Foundation
import Logging
import RanchhandClients

/// Serialises deletions per cluster across every invocation and poller through a `LeaseStore`:
/// drains run concurrently, but the re-read of the world, the safety rules and the deletion happen
/// under the cluster's lease, so the quorum check and the scale-in budget always see the previous
/// deletion. The lease is renewed while held; a holder that paused past its expiry (a frozen
/// Lambda, a stalled process) finds `stillHeld` false and must not send another destructive call.
public struct DeletionLease: Sendable {
    public let store: any LeaseStore
    /// This process (a fresh id per cold start).
    public let holder: String
    /// How long a take lasts without renewal; renewed every third of it.
    public let duration: Duration
    public let timing: ScaleInTiming
    public let logger: Logger

    public init(store: any LeaseStore, holder: String, duration: Duration = .seconds(60), timing: ScaleInTiming, logger: Logger) {
        self.store = store
        self.holder = holder
        self.duration = duration
        self.timing = timing
        self.logger = logger
    }

    /// Kept out of a lease's last tenth, so a call sent just before expiry cannot land after it.
    var safetyMargin: TimeInterval { duration.seconds / 10 }

    /// What the body may ask while it holds the lease.
    public final class Held: @unchecked Sendable {
        private let lock = NSLock()
        private var expiresAt: Date
        private let now: @Sendable () -> Date
        private let margin: TimeInterval
        public let fence: Int

        init(fence: Int, expiresAt: Date, now: @escaping @Sendable () -> Date, margin: TimeInterval) {
            self.fence = fence
            self.expiresAt = expiresAt
            self.now = now
            self.margin = margin
        }

        /// Whether a destructive call may still be sent under this lease.
        public var stillHeld: Bool { lock.withLock { now() < expiresAt.addingTimeInterval(-margin) } }
        func extend(to date: Date) { lock.withLock { expiresAt = max(expiresAt, date) } }
        func lose() { lock.withLock { expiresAt = .distantPast } }
    }

    /// Waits for the cluster's lease until `deadline` (nil: the body never runs, the caller resumes
    /// later), runs `body` while renewing it, and gives it back.
    public func withLease<T: Sendable>(
        for cluster: String, until deadline: Date, _ body: @escaping @Sendable (Held) async -> T
    ) async throws(ClientError) -> T? {
        let name = "cluster/\(cluster)/deletions"
        guard let held = try await acquire(name, until: deadline) else { return nil }
        let result = await Heartbeat.alongside({ await renew(name, held) }, { await body(held) })
        // Given back even when the work was cancelled (an invocation's hard stop): otherwise every
        // other deletion of the cluster would wait for the lease to run out.
        let (store, holder, logger) = (store, holder, logger)
        await Task {
            do {
                try await store.release(name, holder: holder, fence: held.fence)
            } catch {
                logger.warning("could not give the deletion lease back; it runs out by itself", metadata: ["lease": "\(name)", "error": "\(error)"])
            }
        }.value
        return result
    }

    private func acquire(_ name: String, until deadline: Date) async throws(ClientError) -> Held? {
        while true {
            let now = timing.now()
            let expires = now.addingTimeInterval(duration.seconds)
            if let fence = try await store.take(name, holder: holder, until: expires, now: now) {
                let held = Held(fence: fence, expiresAt: expires, now: timing.now, margin: safetyMargin)
                // A take that came back after its own margin (a slow table, a paused process) may
                // already be another holder's: take it again, from now, before acting on it.
                if held.stillHeld {
                    logger.debug("deletion lease taken", metadata: ["lease": "\(name)", "fence": "\(fence)"])
                    return held
                }
                logger.warning("deletion lease came back too late to use; taking it again", metadata: ["lease": "\(name)", "fence": "\(fence)"])
            }
            if timing.now().addingTimeInterval(timing.pollInterval.seconds) >= deadline { return nil }
            try? await timing.sleep(timing.pollInterval)
        }
    }

    private func renew(_ name: String, _ held: Held) async {
        while !Task.isCancelled {
            do { try await timing.sleep(.milliseconds(Int64(duration.seconds * 1000 / 3))) } catch { return }
            let now = timing.now()
            do {
                guard try await store.renew(name, holder: holder, fence: held.fence, until: now.addingTimeInterval(duration.seconds)) else {
                    logger.error("deletion lease lost to another holder; no further destructive call", metadata: ["lease": "\(name)"])
                    held.lose()
                    return
                }
                held.extend(to: now.addingTimeInterval(duration.seconds))
            } catch {
                logger.warning("deletion lease renewal failed; it may run out", metadata: ["lease": "\(name)", "error": "\(error)"])
            }
        }
    }
}

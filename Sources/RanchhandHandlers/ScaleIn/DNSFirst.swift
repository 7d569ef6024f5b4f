import Foundation
import Logging
import RanchhandClients

extension ScaleInExecutor {
    func withdrawFromDNS(_ withdrawal: DNSWithdrawal, since: Date?, deadline: Date, metadata: Logger.Metadata) async -> NodeDrainer.Progress {
        guard let dns else {
            logger.warning("the plan withdraws the node from DNS but no zone is configured; draining", metadata: metadata)
            return .finished
        }
        return await DNSFirst(dns: dns, timing: timing, logger: logger).withdraw(withdrawal, since: since, deadline: deadline, metadata: metadata)
    }
}

/// DNS first: the instance leaves the node-pool records, and the drain waits until Route53 has
/// the change on all its servers (INSYNC) and the record's TTL has passed, so resolvers no
/// longer hand the node out. The wait is bounded (2 × TTL + 60 s, 10 s ahead of a Spot
/// interruption); past the bound, or when Route53 fails, the drain goes on with a warning: the
/// records are a courtesy to clients, and a terminating instance's hook must not wait on them.
struct DNSFirst: Sendable {
    let dns: NodePoolDNS
    let timing: ScaleInTiming
    let logger: Logger

    func withdraw(_ withdrawal: DNSWithdrawal, since: Date?, deadline: Date, metadata: Logger.Metadata) async -> NodeDrainer.Progress {
        let started = timing.now()
        let outcome: NodePoolDNS.Outcome
        do {
            outcome = try await dns.withdraw(withdrawal.instanceID, addresses: withdrawal.addresses)
        } catch {
            logger.error("could not withdraw the node-pool record; draining anyway", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return .finished
        }
        switch outcome {
        case .kept(let why):
            logger.warning("node-pool record kept; draining", metadata: metadata.merging(["reason": "\(why)"]) { $1 })
            return .finished
        case .alreadyGone(let ttl?):
            // Removed before this delivery (by ranchhand-dns, or by a delivery cut short): resolvers
            // may hold it for a TTL counted from the hook's start at the latest.
            let bound = started.addingTimeInterval(TimeInterval(withdrawal.waitBound(ttl: ttl)))
            let forgotten = (since ?? started).addingTimeInterval(TimeInterval(ttl))
            return await wait(until: min(forgotten, bound), deadline: deadline, why: "waiting out the node-pool record's TTL")
        case .alreadyGone(nil):
            return .finished
        case .withdrawn(let changes, let ttl):
            let bound = started.addingTimeInterval(TimeInterval(withdrawal.waitBound(ttl: ttl)))
            var log = metadata
            log["change_ids"] = "\(changes.map(\.rawValue).joined(separator: ","))"
            log["ttl"] = "\(ttl)"
            logger.info("node-pool record withdrawn; waiting for Route53 and the TTL before the drain", metadata: log)
            switch await waitInSync(changes, dns: dns, bound: bound, deadline: deadline, metadata: log) {
            case .inSync:
                let forgotten = min(timing.now().addingTimeInterval(TimeInterval(ttl)), bound)
                let progress = await wait(until: forgotten, deadline: deadline, why: "waiting out the node-pool record's TTL")
                if progress == .finished {
                    log["waited_ms"] = "\(Int(timing.now().timeIntervalSince(started) * 1000))"
                    logger.info("node-pool record INSYNC and its TTL passed; draining", metadata: log)
                }
                return progress
            case .gaveUp:
                return .finished
            case .deadline:
                return .unfinished("waiting for the DNS change to be INSYNC")
            }
        }
    }

    private enum SyncWait { case inSync, gaveUp, deadline }

    private func waitInSync(_ changes: [ChangeID], dns: NodePoolDNS, bound: Date, deadline: Date, metadata: Logger.Metadata) async -> SyncWait {
        var pending = changes
        while let change = pending.first {
            do {
                if try await dns.isInSync(change) {
                    pending.removeFirst()
                    continue
                }
            } catch {
                logger.error("GetChange failed; draining anyway", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                return .gaveUp
            }
            if timing.now() >= bound {
                logger.warning("DNS change not INSYNC within its bound; draining anyway", metadata: metadata.merging(["change_id": "\(change)"]) { $1 })
                return .gaveUp
            }
            if timing.now() >= deadline { return .deadline }
            try? await timing.sleep(timing.pollInterval)
        }
        return .inSync
    }

    /// Sleeps until `end`, or until the delivery's deadline when that comes first (then unfinished).
    private func wait(until end: Date, deadline: Date, why: String) async -> NodeDrainer.Progress {
        let stop = min(end, deadline)
        let seconds = stop.timeIntervalSince(timing.now())
        if seconds > 0 { try? await timing.sleep(.milliseconds(Int(seconds * 1000))) }
        return end > deadline ? .unfinished(why) : .finished
    }
}

import Foundation
import Logging
import RanchhandClients
import RanchhandEvents

/// Keeps every terminate hook of the cluster's groups alive while it waits — not only the one in
/// hand — so hooks queued behind long drains do not expire and terminate their instances undrained.
/// AWS exposes no last-heartbeat time, so each tick heart-beats every waiting hook by instance id,
/// read from the world (a restart or a cold Lambda forgets nothing), at most HeartbeatTimeout/3
/// apart; a hook past start + GlobalTimeout cannot be extended and is left alone. A tick beats
/// `concurrentHeartbeats` hooks at a time, one refused or slow heartbeat holding up no other, and
/// starts at a different hook each tick (`rotated`): in Lambda the keeper runs only while a record
/// is handled, so a tick is often cut short, and every hook must still lead one of them soon.
public struct WaitingHookKeeper: Sendable {
    /// One tick per interval for the whole cluster, however many invocations and pollers run: a
    /// tick is taken like a lease (`name` in `store`) for the interval, and whoever fails to take it
    /// leaves the tick to its holder. Ten concurrent invocations would otherwise each heart-beat
    /// every waiting hook, ten times the calls AWS throttles per account.
    public struct SharedSchedule: Sendable {
        public let store: any LeaseStore
        public let name: String
        /// Names this process in the table; each turn is taken under a fresh id, so the last
        /// holder too waits for its interval to pass.
        public let holder: String

        public init(store: any LeaseStore, cluster: String, holder: String) {
            self.store = store
            self.name = "cluster/\(cluster)/hook-keeper"
            self.holder = holder
        }
    }

    public let world: any ScaleInWorld
    public let autoScaling: any AutoScalingClient
    public let timing: ScaleInTiming
    public let logger: Logger
    public let schedule: SharedSchedule?

    public init(world: any ScaleInWorld, autoScaling: any AutoScalingClient, timing: ScaleInTiming, logger: Logger, schedule: SharedSchedule? = nil) {
        self.world = world
        self.autoScaling = autoScaling
        self.timing = timing
        self.logger = logger
        self.schedule = schedule
    }

    /// The hooks to heart-beat now: every waiting one whose global timeout has not passed.
    public static func due(_ groups: [FleetGroup], now: Date) -> [LifecycleActionReference] {
        FleetSnapshot(cluster: ClusterSnapshot(rancherNodes: []), groups: groups).waitingHooks.compactMap { hook in
            if let deadline = hook.deadline, now >= deadline { return nil }
            return hook.reference
        }
    }

    /// A third of the shortest heartbeat timeout of the groups' hooks, and never more than `cap`.
    public static func interval(_ groups: [FleetGroup], cap: Duration) -> Duration {
        let shortest = groups.compactMap(\.terminateHook?.heartbeatTimeout).min()
        guard let shortest else { return cap }
        return min(cap, .milliseconds(Int64(shortest) * 1000 / 3))
    }

    /// Heartbeats in flight at once: a tick over fifty hooks must end well inside its interval on a
    /// slow API, and Auto Scaling throttles an account past a few calls per second.
    public static let concurrentHeartbeats = 4

    /// `due` starting at a different hook each tick — the start advances by the golden ratio of the
    /// list per tick number, which spreads any run of consecutive starts evenly over the list — so
    /// ticks cut short (an invocation handing back, a slow API) do not spend themselves on the same
    /// first hooks while the last ones expire.
    public static func rotated(_ due: [LifecycleActionReference], tick: Int) -> [LifecycleActionReference] {
        guard due.count > 1 else { return due }
        // tick × (φ − 1) modulo 1 in 64-bit fixed point, exact for every tick (a Double loses the
        // step between consecutive ticks past 2^53).
        let fraction = UInt64(truncatingIfNeeded: tick) &* 0x9E37_79B9_7F4A_7C15
        let start = Int(fraction.multipliedFullWidth(by: UInt64(due.count)).high)
        return Array(due[start...] + due[..<start])
    }

    /// One tick: reads the groups and heart-beats each waiting hook. Returns the groups read (for
    /// the next interval) and how many heartbeats AWS accepted.
    public func tick() async -> (groups: [FleetGroup], beats: Int) {
        let started = timing.now()
        let groups: [FleetGroup]
        do {
            groups = try await world.groups()
        } catch {
            logger.warning("could not list the groups' waiting hooks; heartbeats retried next tick", metadata: ["error": "\(error)"])
            return ([], 0)
        }
        // Numbered by the clock, not by a counter: a fresh Lambda invocation remembers nothing, and
        // a counter restarting at zero in each would begin every tick at the same hook.
        let number = Int(started.timeIntervalSince1970 / max(0.001, timing.heartbeatInterval.seconds))
        let due = Self.rotated(Self.due(groups, now: started), tick: number)
        let beats = await heartbeat(due)
        let took = timing.now().timeIntervalSince(started)
        if took > timing.heartbeatInterval.seconds {
            logger.warning("heart-beating the waiting hooks took longer than the heartbeat interval", metadata: [
                "hooks": "\(due.count)", "seconds": "\(Int(took.rounded()))", "interval_seconds": "\(Int(timing.heartbeatInterval.seconds))",
            ])
        } else if beats > 0 {
            logger.debug("waiting hooks heart-beaten", metadata: ["count": "\(beats)"])
        }
        return (groups, beats)
    }

    /// Heart-beats `actions`, `concurrentHeartbeats` at a time; stops starting new ones once
    /// cancelled (the work it keeps alive returned: the invocation must not wait for the rest).
    private func heartbeat(_ actions: [LifecycleActionReference]) async -> Int {
        await withTaskGroup(of: Bool.self) { group in
            var pending = actions[...]
            for _ in 0..<Self.concurrentHeartbeats {
                guard let action = pending.popFirst() else { break }
                group.addTask { await beat(action) }
            }
            var beats = 0
            for await accepted in group {
                if accepted { beats += 1 }
                if !Task.isCancelled, let action = pending.popFirst() { group.addTask { await beat(action) } }
            }
            return beats
        }
    }

    private func beat(_ action: LifecycleActionReference) async -> Bool {
        do {
            try await autoScaling.recordLifecycleActionHeartbeat(action)
            return true
        } catch where error.isNoActiveLifecycleAction {
            return false
        } catch {
            // A call cut off because the invocation ended is not a failure worth a warning.
            if !Task.isCancelled {
                logger.warning("heartbeat of a waiting hook failed", metadata: ["instance_id": "\(action.instanceID)", "error": "\(error)"])
            }
            return false
        }
    }

    /// Ticks until cancelled — with a shared schedule only the ticks this process takes, checking
    /// four times per interval whether the holder's turn ran out.
    public func run() async {
        var interval = timing.heartbeatInterval
        var turn = 0
        while !Task.isCancelled {
            turn += 1
            if await mayTick(for: interval, turn: turn) {
                interval = Self.interval(await tick().groups, cap: timing.heartbeatInterval)
            }
            let pause = schedule == nil ? interval : max(timing.pollInterval, interval / 4)
            do { try await timing.sleep(pause) } catch { return }
        }
    }

    /// Whether this process ticks now. A store that cannot be reached does not stop the heartbeats:
    /// a few extra calls are better than hooks expiring.
    private func mayTick(for interval: Duration, turn: Int) async -> Bool {
        guard let schedule else { return true }
        let now = timing.now()
        do {
            // A little short of the interval, so the next tick is not a full check period late.
            let until = now.addingTimeInterval(interval.seconds * 0.9)
            return try await schedule.store.take(schedule.name, holder: "\(schedule.holder)/\(turn)", until: until, now: now) != nil
        } catch {
            logger.warning("could not read the shared heartbeat schedule; heart-beating anyway", metadata: ["error": "\(error)"])
            return true
        }
    }

    /// Keeps the waiting hooks alive for as long as `work` runs.
    public func whileRunning<T: Sendable>(_ work: @escaping @Sendable () async -> T) async -> T {
        await Heartbeat.alongside({ await run() }, work)
    }
}

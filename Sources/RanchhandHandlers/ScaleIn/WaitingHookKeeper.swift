import Foundation
import Logging
import RanchhandClients
import RanchhandEvents

/// Keeps every terminate hook of the cluster's groups alive while it waits — not only the one in
/// hand — so hooks queued behind long drains do not expire and terminate their instances undrained.
/// AWS exposes no last-heartbeat time, so each tick heart-beats every waiting hook by instance id,
/// read from the world (a restart or a cold Lambda forgets nothing), at most HeartbeatTimeout/3
/// apart; a hook past start + GlobalTimeout cannot be extended and is left alone.
public struct WaitingHookKeeper: Sendable {
    public let world: any ScaleInWorld
    public let autoScaling: any AutoScalingClient
    public let timing: ScaleInTiming
    public let logger: Logger

    public init(world: any ScaleInWorld, autoScaling: any AutoScalingClient, timing: ScaleInTiming, logger: Logger) {
        self.world = world
        self.autoScaling = autoScaling
        self.timing = timing
        self.logger = logger
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

    /// One tick: reads the groups and heart-beats each waiting hook. Returns the groups read (for
    /// the next interval) and how many heartbeats AWS accepted.
    public func tick() async -> (groups: [FleetGroup], beats: Int) {
        let groups: [FleetGroup]
        do {
            groups = try await world.groups()
        } catch {
            logger.warning("could not list the groups' waiting hooks; heartbeats retried next tick", metadata: ["error": "\(error)"])
            return ([], 0)
        }
        var beats = 0
        for action in Self.due(groups, now: timing.now()) {
            do {
                try await autoScaling.recordLifecycleActionHeartbeat(action)
                beats += 1
            } catch where error.isNoActiveLifecycleAction {
                continue
            } catch {
                logger.warning("heartbeat of a waiting hook failed", metadata: ["instance_id": "\(action.instanceID)", "error": "\(error)"])
            }
        }
        if beats > 0 { logger.debug("waiting hooks heart-beaten", metadata: ["count": "\(beats)"]) }
        return (groups, beats)
    }

    /// Ticks until cancelled.
    public func run() async {
        while !Task.isCancelled {
            let (groups, _) = await tick()
            do { try await timing.sleep(Self.interval(groups, cap: timing.heartbeatInterval)) } catch { return }
        }
    }

    /// Keeps the waiting hooks alive for as long as `work` runs.
    public func whileRunning<T: Sendable>(_ work: @escaping @Sendable () async -> T) async -> T {
        await Heartbeat.alongside({ await run() }, work)
    }
}

import Foundation
import Logging
import RanchhandClients

/// Keeps a lifecycle action alive while work is in flight: one heartbeat at once, then one per
/// interval, until the work ends (on every exit path — the task is cancelled by the scope) or the
/// hook's global timeout nears (heartbeats cannot extend it).
enum Heartbeat {
    static func whileRunning<T: Sendable>(
        _ action: LifecycleActionReference, until hookDeadline: Date?, autoScaling: any AutoScalingClient,
        timing: ScaleInTiming, logger: Logger, _ work: @escaping @Sendable () async -> T
    ) async -> T {
        await alongside({ await beat(action, until: hookDeadline, autoScaling: autoScaling, timing: timing, logger: logger) }, work)
    }

    /// Runs `work` with `background` beside it, and cancels `background` once `work` has returned.
    static func alongside<T: Sendable>(_ background: @escaping @Sendable () async -> Void, _ work: @escaping @Sendable () async -> T) async -> T {
        await withTaskGroup(of: T?.self) { group in
            group.addTask {
                await background()
                return nil
            }
            group.addTask { await work() }
            var result: T?
            while let next = await group.next() {
                if let value = next {
                    result = value
                    group.cancelAll()
                }
            }
            return result!
        }
    }

    private static func beat(_ action: LifecycleActionReference, until hookDeadline: Date?, autoScaling: any AutoScalingClient,
                             timing: ScaleInTiming, logger: Logger) async {
        while !Task.isCancelled {
            if let hookDeadline, timing.now() >= hookDeadline {
                logger.warning("lifecycle hook's global timeout has passed; heartbeats stop", metadata: ["instance_id": "\(action.instanceID)"])
                return
            }
            do {
                try await autoScaling.recordLifecycleActionHeartbeat(action)
                logger.debug("heartbeat sent", metadata: ["instance_id": "\(action.instanceID)"])
            } catch {
                if Task.isCancelled || error.kind == .cancelled { return }
                if error.isNoActiveLifecycleAction {
                    logger.info("lifecycle action no longer active; heartbeats stop", metadata: ["instance_id": "\(action.instanceID)"])
                    return
                }
                logger.warning("heartbeat failed", metadata: ["instance_id": "\(action.instanceID)", "error": "\(error)"])
            }
            do { try await timing.sleep(timing.heartbeatInterval) } catch { return }
        }
    }
}

extension ClientError {
    /// `ValidationError: No active Lifecycle Action found with …`: the action was completed (by us
    /// earlier, or by its timeout). For a handler that wanted to complete it, that is success.
    public var isNoActiveLifecycleAction: Bool {
        code == "ValidationError" && message.lowercased().contains("no active lifecycle action")
    }
}

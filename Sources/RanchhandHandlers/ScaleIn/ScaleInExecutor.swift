import Foundation
import Logging
import RanchhandClients
import RanchhandEvents

/// What applying a plan achieved in this delivery.
public enum ScaleInResult: Sendable, Equatable {
    /// The lifecycle action was completed with this result.
    case completed(LifecycleActionResult, String)
    /// Nothing to apply (a launch hook, an empty plan).
    case nothingToDo(String)
    /// Work continues on the next delivery: a long drain, a held refusal.
    case unfinished(String)
    case failed(String)
}

/// Applies a scale-in plan: each step idempotent, heartbeats while anything runs, the world
/// re-read and the safety rules re-checked right before each destructive step.
public struct ScaleInExecutor: Sendable {
    public let rancher: any RancherClient
    public let kubernetes: (any KubernetesClient)?
    public let autoScaling: any AutoScalingClient
    public let world: any ScaleInWorld
    public let policy: ScaleInPolicy
    public let gate: ClusterGate
    public let timing: ScaleInTiming
    public var logger: Logger

    public init(rancher: any RancherClient, kubernetes: (any KubernetesClient)?, autoScaling: any AutoScalingClient,
                world: any ScaleInWorld, policy: ScaleInPolicy, gate: ClusterGate = ClusterGate(),
                timing: ScaleInTiming = ScaleInTiming(), logger: Logger) {
        self.rancher = rancher
        self.kubernetes = kubernetes
        self.autoScaling = autoScaling
        self.world = world
        self.policy = policy
        self.gate = gate
        self.timing = timing
        self.logger = logger
    }

    /// Applies `plan` for `event` until done or until `deadline` (then `unfinished`: the message is
    /// delivered again and the next attempt resumes from the state of the world).
    public func apply(_ plan: ScaleInPlan, for event: LifecycleActionNotification, deadline: Date, hookDeadline: Date?) async -> ScaleInResult {
        guard !plan.steps.isEmpty else { return .nothingToDo(plan.reason) }
        let action = LifecycleActionReference(event)
        let onlyCompletes = plan.steps.count == 1 && plan.completes
        if onlyCompletes { return await run(plan.steps, event: event, deadline: deadline) }
        return await Heartbeat.whileRunning(action, until: hookDeadline, autoScaling: autoScaling, timing: timing, logger: logger) {
            await run(plan.steps, event: event, deadline: deadline)
        }
    }

    private func run(_ steps: [ScaleInStep], event: LifecycleActionNotification, deadline: Date) async -> ScaleInResult {
        let drainer = NodeDrainer(rancher: rancher, kubernetes: kubernetes, timing: timing, logger: logger)
        for step in steps {
            let started = timing.now()
            var metadata: Logger.Metadata = ["instance_id": "\(event.instanceID)", "step": "\(step.action)"]
            do {
                let progress: NodeDrainer.Progress
                switch step {
                case .cordon(let node):
                    try await drainer.cordon(node)
                    progress = .finished
                case .drain(let node, let options):
                    progress = try await drainer.drain(node, options, deadline: deadline)
                case .evict(let node, let eviction):
                    progress = try await drainer.evict(node, eviction, deadline: deadline)
                case .deleteNode(let node), .deleteMachine(let node, _):
                    switch try await deleteUnderGate(step, node: node, event: event, drainer: drainer, deadline: deadline) {
                    case .replanned(let override):
                        logger.warning("world changed before deletion; following the new plan", metadata: metadata.merging(["reason": "\(override.reason)"]) { $1 })
                        return await run(override.steps, event: event, deadline: deadline)
                    case .progressed(let result):
                        progress = result
                    }
                case .hold(let reason):
                    logger.critical("scale-in refused; hook held for an operator", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
                    return .unfinished("held: \(reason)")
                case .completeLifecycleAction(let action, let result):
                    try await complete(action, result)
                    metadata["duration_ms"] = "\(Int(timing.now().timeIntervalSince(started) * 1000))"
                    logger.info("lifecycle action completed", metadata: metadata.merging(["result": "\(result.rawValue)"]) { $1 })
                    return .completed(result, "completed \(result.rawValue)")
                }
                metadata["duration_ms"] = "\(Int(timing.now().timeIntervalSince(started) * 1000))"
                if case .unfinished(let why) = progress {
                    logger.info("step unfinished at the deadline", metadata: metadata.merging(["reason": "\(why)"]) { $1 })
                    return .unfinished(why)
                }
                logger.info("step done", metadata: metadata)
            } catch {
                logger.error("step failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                return .failed("\(step.action): \(error)")
            }
        }
        return .unfinished("plan ended without completing the lifecycle action")
    }

    private enum Deletion: Sendable {
        case replanned(ScaleInPlan)
        case progressed(NodeDrainer.Progress)
    }

    /// Re-reads the world and re-runs the safety rules, then deletes and waits for the node to go —
    /// all under the cluster's gate, so two removals arriving together cannot both pass the quorum
    /// check against the same world.
    private func deleteUnderGate(
        _ step: ScaleInStep, node: RancherNode.Reference, event: LifecycleActionNotification, drainer: NodeDrainer, deadline: Date
    ) async throws(ClientError) -> Deletion {
        let cluster = node.id.clusterID?.rawValue ?? "default"
        let outcome: Result<Deletion, ClientError> = await gate.withExclusiveAccess(to: cluster) {
            do throws(ClientError) {
                let fresh = try await world.snapshot(for: event)
                let replanned = ScaleInDecision.plan(for: event, cluster: fresh, policy: policy)
                if replanned.verdict == .refuse { return .success(.replanned(replanned)) }
                return .success(.progressed(try await drainer.delete(step, deadline: deadline)))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    private func complete(_ action: LifecycleActionReference, _ result: LifecycleActionResult) async throws(ClientError) {
        do {
            try await autoScaling.completeLifecycleAction(action, result: result)
        } catch where error.isNoActiveLifecycleAction {
            logger.info("lifecycle action was already completed", metadata: ["instance_id": "\(action.instanceID)"])
        }
    }
}

import Foundation
import Logging
import RanchhandClients
import RanchhandEvents

/// What applying a plan achieved in this delivery.
public enum ScaleInResult: Sendable, Equatable {
    /// The lifecycle action was completed with this result.
    case completed(LifecycleActionResult, String)
    /// Every step done, and no lifecycle action to complete (a stale node removed by reconcile).
    case finished(String)
    /// Completed, but MaxDrainWait forced the deletion while these pods were still bound to the node.
    case completedForced(LifecycleActionResult, pods: [NamespacedName])
    /// Nothing to apply (a launch hook, an empty plan).
    case nothingToDo(String)
    /// Work continues on the next delivery: a long drain, a lease held by another deletion.
    case unfinished(String)
    /// A hold step: a refusal, or a world that cannot be trusted. Re-examined later, not at once.
    case held(String)
    case failed(String)
    /// The plan was to remove the node, but the safety rules refused when they were re-checked right
    /// before the deletion (another removal went first): the lifecycle action was completed with
    /// this result (ABANDON on a group that retains), or, nil, the hook is held for an operator.
    case refusedAtDeletion(LifecycleActionResult?, reason: String)
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
    /// Serialises deletions across processes (concurrent Lambda invocations, several pollers);
    /// nil when this process is the only one deleting (the in-process gate then suffices).
    public let lease: DeletionLease?
    public let timing: ScaleInTiming
    /// The node-pool records a leaving instance is taken out of before its drain; nil when DNS is not managed.
    public let dns: NodePoolDNS?
    public var logger: Logger

    public init(rancher: any RancherClient, kubernetes: (any KubernetesClient)?, autoScaling: any AutoScalingClient,
                world: any ScaleInWorld, policy: ScaleInPolicy, gate: ClusterGate = ClusterGate(), lease: DeletionLease? = nil,
                timing: ScaleInTiming = ScaleInTiming(), dns: NodePoolDNS? = nil, logger: Logger) {
        self.rancher = rancher
        self.kubernetes = kubernetes
        self.autoScaling = autoScaling
        self.world = world
        self.policy = policy
        self.gate = gate
        self.lease = lease
        self.timing = timing
        self.dns = dns
        self.logger = logger
    }

    /// When the hook's wait began and ends; MaxDrainWait is counted from `start`, so a redelivered
    /// event does not restart it.
    public struct HookWindow: Sendable, Hashable {
        public var start: Date?
        public var deadline: Date?
        public init(start: Date?, deadline: Date?) {
            self.start = start
            self.deadline = deadline
        }
    }

    /// Applies `plan` for `event` until done or until `deadline` (then `unfinished`: the message is
    /// delivered again and the next attempt resumes from the state of the world).
    public func apply(_ plan: ScaleInPlan, for event: LifecycleActionNotification, deadline: Date, hook: HookWindow) async -> ScaleInResult {
        await apply(plan, for: .hook(event), deadline: deadline, hook: hook)
    }

    /// Applies `plan` for a hook or a stale node. Every deletion is re-checked under the cluster's
    /// gate against a fresh read of the world, whoever asked for it.
    public func apply(_ plan: ScaleInPlan, for subject: ScaleInSubject, deadline: Date, hook: HookWindow) async -> ScaleInResult {
        guard !plan.steps.isEmpty else { return .nothingToDo(plan.reason) }
        let drainer = NodeDrainer(rancher: rancher, kubernetes: kubernetes, timing: timing,
                                  evictionDeadline: evictionDeadline(hook), logger: logger)
        let onlyCompletes = plan.steps.count == 1 && plan.completes
        let work = Work(subject: subject, drainer: drainer, deadline: deadline, since: hook.start)
        guard case .hook(let event) = subject, !onlyCompletes else {
            return await run(plan.steps, work)
        }
        return await Heartbeat.whileRunning(LifecycleActionReference(event), until: hook.deadline, autoScaling: autoScaling,
                                            timing: timing, logger: logger) {
            await run(plan.steps, work)
        }
    }

    /// MaxDrainWait after the hook's start, and never later than ten minutes before its global
    /// timeout, so the deletion and completion still happen inside the hook.
    func evictionDeadline(_ hook: HookWindow) -> Date {
        let start = hook.start ?? timing.now()
        let wanted = start.addingTimeInterval(TimeInterval(policy.eviction.maximumWaitSeconds))
        guard let end = hook.deadline else { return wanted }
        return min(wanted, end.addingTimeInterval(-600))
    }

    /// What every step of one delivery shares.
    struct Work: Sendable {
        var subject: ScaleInSubject
        var drainer: NodeDrainer
        var deadline: Date
        /// When the hook's wait (or the interruption) began.
        var since: Date?
    }

    private func run(_ steps: [ScaleInStep], _ work: Work, forced: [NamespacedName] = []) async -> ScaleInResult {
        let (subject, drainer, deadline) = (work.subject, work.drainer, work.deadline)
        var forced = forced
        for step in steps {
            let started = timing.now()
            var metadata: Logger.Metadata = ["instance_id": "\(subject.instanceID)", "step": "\(step.action)"]
            do {
                let progress: NodeDrainer.Progress
                switch step {
                case .withdrawFromDNS(let withdrawal):
                    progress = await withdrawFromDNS(withdrawal, since: work.since, deadline: deadline, metadata: metadata)
                case .cordon(let node):
                    try await drainer.cordon(node)
                    progress = .finished
                case .drain(let node, let options):
                    progress = try await drainer.drain(node, options, deadline: deadline)
                case .evict(let node, let eviction):
                    progress = try await drainer.evict(node, eviction, deadline: deadline)
                case .deleteNode(let node), .deleteMachine(let node, _):
                    switch try await deleteUnderGate(step, node: node, subject: subject, drainer: drainer, deadline: deadline) {
                    case .replanned(let override):
                        return await follow(override, work, forced: forced, metadata: metadata)
                    case .progressed(let result):
                        progress = result
                    case .accepted:
                        // No destructive request from here on: the deletion was sent under the lease.
                        progress = try await drainer.delete(step, deadline: deadline, mayAct: { false })
                    }
                case .hold(let reason):
                    logger.critical("scale-in refused; hook held for an operator", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
                    return .held("\(reason)")
                case .completeLifecycleAction(let action, let result):
                    try await complete(action, result)
                    metadata["duration_ms"] = "\(Int(timing.now().timeIntervalSince(started) * 1000))"
                    logger.info("lifecycle action completed", metadata: metadata.merging(["result": "\(result.rawValue)"]) { $1 })
                    return forced.isEmpty ? .completed(result, "completed \(result.rawValue)") : .completedForced(result, pods: forced)
                }
                metadata["duration_ms"] = "\(Int(timing.now().timeIntervalSince(started) * 1000))"
                switch progress {
                case .unfinished(let why):
                    logger.info("step unfinished at the deadline", metadata: metadata.merging(["reason": "\(why)"]) { $1 })
                    return .unfinished(why)
                case .forced(let pods):
                    forced += pods
                    logger.critical("MaxDrainWait reached: removing the node with pods still bound to it",
                                    metadata: metadata.merging(["pods": "\(pods.map(\.description).joined(separator: ", "))"]) { $1 })
                case .finished:
                    break
                }
                logger.info("step done", metadata: metadata)
            } catch {
                logger.error("step failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                return .failed("\(step.action): \(error)")
            }
        }
        if case .hook = subject { return .unfinished("plan ended without completing the lifecycle action") }
        return .finished("every step done")
    }

    /// The fresh plan the re-check before a deletion produced; a refusal is reported as such, not as
    /// the removal the first plan announced.
    private func follow(_ override: ScaleInPlan, _ work: Work, forced: [NamespacedName], metadata: Logger.Metadata) async -> ScaleInResult {
        logger.warning("world changed before deletion; following the new plan", metadata: metadata.merging(["reason": "\(override.reason)"]) { $1 })
        let outcome = await run(override.steps, work, forced: forced)
        guard override.verdict == .refuse else { return outcome }
        logger.critical("scale-in refused at the re-check before the deletion; the node stays", metadata: metadata.merging(["reason": "\(override.reason)"]) { $1 })
        switch outcome {
        case .completed(let result, _): return .refusedAtDeletion(result, reason: override.reason)
        case .held, .unfinished: return .refusedAtDeletion(nil, reason: override.reason)
        default: return outcome
        }
    }

    private enum Deletion: Sendable {
        case replanned(ScaleInPlan)
        case progressed(NodeDrainer.Progress)
        /// A worker's deletion Rancher accepted: its wait needs neither the gate nor the lease.
        case accepted
    }

    /// Re-reads the world and re-runs the safety rules, then deletes and waits for the node to go —
    /// all under the cluster's gate (and its lease, across processes), so two removals arriving
    /// together cannot both pass the quorum check or the budget against the same world.
    private func deleteUnderGate(
        _ step: ScaleInStep, node: RancherNode.Reference, subject: ScaleInSubject, drainer: NodeDrainer, deadline: Date
    ) async throws(ClientError) -> Deletion {
        let cluster = node.id.clusterID?.rawValue ?? "default"
        let outcome: Result<Deletion, ClientError> = await gate.withExclusiveAccess(to: cluster) {
            guard let lease else { return await recheckAndDelete(step, subject: subject, drainer: drainer, deadline: deadline, mayAct: { true }) }
            do throws(ClientError) {
                let held = try await lease.withLease(for: cluster, until: deadline) { held in
                    await recheckAndDelete(step, subject: subject, drainer: drainer, deadline: deadline, mayAct: { held.stillHeld })
                }
                return held ?? .success(.progressed(.unfinished("waiting for the cluster's deletion lease")))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    private func recheckAndDelete(
        _ step: ScaleInStep, subject: ScaleInSubject, drainer: NodeDrainer, deadline: Date, mayAct: @escaping @Sendable () -> Bool
    ) async -> Result<Deletion, ClientError> {
        do throws(ClientError) {
            let replanned = try await replan(subject)
            // Anything but this very deletion (a refusal, an empty list, a node already gone):
            // follow the fresh plan instead.
            if !replanned.steps.contains(step) { return .success(.replanned(replanned)) }
            if try await drainer.deletionAccepted(step, mayAct: mayAct) { return .success(.accepted) }
            return .success(.progressed(try await drainer.delete(step, deadline: deadline, mayAct: mayAct)))
        } catch {
            return .failure(error)
        }
    }

    /// The decision again, on a fresh read of the world.
    private func replan(_ subject: ScaleInSubject) async throws(ClientError) -> ScaleInPlan {
        switch subject {
        case .hook(let event):
            return ScaleInDecision.plan(for: event, cluster: try await world.snapshot(for: event), policy: policy)
        case .staleNode(let id, let instance):
            let fleet = try await world.fleet()
            guard let node = fleet.cluster.rancherNodes.first(where: { $0.id == id }) else {
                return ScaleInPlan(instanceID: instance, verdict: .skip, reason: "node \(id) is already gone", steps: [])
            }
            switch ScaleInReconcile.staleNode(node, instance: instance, fleet: fleet, policy: policy) {
            case .staleNode(let plan): return plan
            case .keep(_, let reason), .alert(_, let reason): return ScaleInPlan(instanceID: instance, verdict: .refuse, reason: reason, steps: [.hold(HoldReason(reason))])
            case .waitingHook: return ScaleInPlan(instanceID: instance, verdict: .skip, reason: "its instance waits on a hook now", steps: [])
            }
        case .interruption(let instance):
            // An interruption plan never deletes: the node goes with its terminate hook or reconcile.
            return ScaleInPlan(instanceID: instance, verdict: .skip, reason: "interruptions do not delete", steps: [])
        }
    }

    private func complete(_ action: LifecycleActionReference, _ result: LifecycleActionResult) async throws(ClientError) {
        do {
            try await autoScaling.completeLifecycleAction(action, result: result)
        } catch where error.isNoActiveLifecycleAction {
            logger.info("lifecycle action was already completed", metadata: ["instance_id": "\(action.instanceID)"])
        }
    }
}

/// Whom a plan is for: a terminating instance's hook, or a node whose instance is already gone.
public enum ScaleInSubject: Sendable, Equatable {
    case hook(LifecycleActionNotification)
    case staleNode(RancherNodeID, InstanceID)
    /// A Spot interruption warning or rebalance recommendation: drain ahead, no hook, no deletion.
    case interruption(InstanceID)

    public var instanceID: InstanceID {
        switch self {
        case .hook(let event): event.instanceID
        case .staleNode(_, let instance), .interruption(let instance): instance
        }
    }
}

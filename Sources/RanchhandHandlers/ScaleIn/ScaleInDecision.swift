import RanchhandClients
import RanchhandEvents

/// How the handler drains and guards; parsed once by the executable.
public struct ScaleInPolicy: Sendable, Hashable {
    public var drain: DrainOptions
    public var eviction: EvictionPlan
    public var breaker: MassDeletionBreaker

    public init(drain: DrainOptions = DrainOptions(deleteLocalData: true, ignoreDaemonSets: true, timeout: 600),
                eviction: EvictionPlan = EvictionPlan(), breaker: MassDeletionBreaker = MassDeletionBreaker()) {
        self.drain = drain
        self.eviction = eviction
        self.breaker = breaker
    }
}

/// The pure decision: a terminate lifecycle event and a snapshot of the world in, a plan out.
public enum ScaleInDecision {
    public static func plan(for event: LifecycleActionNotification, cluster: ClusterSnapshot, policy: ScaleInPolicy) -> ScaleInPlan {
        let action = LifecycleActionReference(event)
        let instance = event.instanceID
        guard event.transition == .terminating else {
            return ScaleInPlan(instanceID: instance, verdict: .skip, reason: "launch hook: not for the scale-in handler", steps: [])
        }
        let node: RancherNode
        switch NodeMatcher.match(instance, in: cluster.rancherNodes, instances: cluster.instances) {
        case .notFound:
            // A missing node must never stall the hook (NTH #331/#575).
            return ScaleInPlan(instanceID: instance, verdict: .skip, reason: "no Rancher node matches \(instance)",
                               steps: [.completeLifecycleAction(action, .continue)])
        case .ambiguous(let ids, let evidence):
            let list = ids.map(\.rawValue).joined(separator: ", ")
            return ScaleInPlan(instanceID: instance, verdict: .skip,
                               reason: "\(evidence) matches \(ids.count) nodes (\(list)); touching none of them",
                               steps: [.completeLifecycleAction(action, .continue)])
        case .found(let matched, _):
            node = matched
        }
        let ref = node.reference
        if event.returnsToWarmPool {
            return ScaleInPlan(instanceID: instance, verdict: .drainOnly, reason: "instance returns to the warm pool: drain, keep the node",
                               node: ref, steps: drainSteps(node, policy) + [.completeLifecycleAction(action, .continue)])
        }
        if let refusal = refusal(removing: node, cluster: cluster, policy: policy) {
            return refusePlan(instance, node: ref, reason: refusal, action: action, group: cluster.autoScalingGroup)
        }
        let delete: ScaleInStep = node.machine.map { .deleteMachine(ref, $0) } ?? .deleteNode(ref)
        let how = node.machine == nil ? "delete the v3 node" : "delete Machine \(node.machine!)"
        return ScaleInPlan(instanceID: instance, verdict: .deregister,
                           reason: "\(roleDescription(node)) \(node.id) (\(node.state)): drain, \(how), continue",
                           node: ref, steps: drainSteps(node, policy) + [delete, .completeLifecycleAction(action, .continue)])
    }

    /// The first safety rule removing `node` would break, if any.
    public static func refusal(removing node: RancherNode, cluster: ClusterSnapshot, policy: ScaleInPolicy) -> String? {
        ClusterSafety.etcdQuorumViolation(removing: node, from: cluster.rancherNodes)
            ?? ClusterSafety.lastControlPlaneViolation(removing: node, from: cluster.rancherNodes)
            ?? ClusterSafety.massDeletionViolation(removing: node, from: cluster.rancherNodes,
                                                   recentTerminations: cluster.recentTerminations, breaker: policy.breaker)
    }

    /// Refusing only saves the node if the instance survives: with `TerminateHookAbandon=retain`
    /// ABANDON keeps it; otherwise both results terminate it, so hold (heartbeat and alert).
    static func refusePlan(_ instance: InstanceID, node: RancherNode.Reference, reason: String,
                           action: LifecycleActionReference, group: GroupFacts?) -> ScaleInPlan {
        if group?.retainsAbandonedInstances == true {
            return ScaleInPlan(instanceID: instance, verdict: .refuse,
                               reason: "\(reason); ABANDON: the group retains the instance for an operator",
                               node: node, steps: [.completeLifecycleAction(action, .abandon)])
        }
        let why = group == nil ? "the group's retention policy is unknown" : "the group terminates abandoned instances"
        return ScaleInPlan(instanceID: instance, verdict: .refuse,
                           reason: "\(reason); holding the hook (\(why)) until an operator acts",
                           node: node, steps: [.hold(HoldReason(reason))])
    }

    /// Workers drain through Rancher. Control-plane and etcd nodes cannot (422 InvalidAction), so
    /// they are cordoned and evicted through the Kubernetes API. An unavailable node has no pods
    /// that can still leave gracefully.
    static func drainSteps(_ node: RancherNode, _ policy: ScaleInPolicy) -> [ScaleInStep] {
        let ref = node.reference
        if node.state == .unavailable || node.state == .removing { return [] }
        if node.worker && !node.etcd && !node.controlPlane {
            return node.state == .drained ? [] : [.cordon(ref), .drain(ref, policy.drain)]
        }
        return [.cordon(ref), .evict(ref, policy.eviction)]
    }

    static func roleDescription(_ node: RancherNode) -> String {
        var roles: [String] = []
        if node.etcd { roles.append("etcd") }
        if node.controlPlane { roles.append("control-plane") }
        if node.worker { roles.append("worker") }
        return roles.joined(separator: "+")
    }
}

import RanchhandClients
import RanchhandEvents

/// Spot interruption warnings and rebalance recommendations. A warning gives the instance two
/// minutes: cordon and drain at once with short grace periods, and leave the node's removal to the
/// terminate hook or reconcile once the instance is gone. A rebalance recommendation cordons only
/// (by default). Both are keyed by instance id, and the drain steps are the terminate hook's own, so
/// a warning followed by a hook for the same instance drains once.
public enum InterruptionDecision {
    public enum Kind: String, Sendable {
        case spotInterruption = "spot-interruption"
        case rebalance = "rebalance-recommendation"
    }

    /// Seconds of the two-minute warning the drain may use; the rest is for the kubelet to stop pods.
    public static let interruptionBudget = 100
    static let gracePeriod = 25
    /// Of the two minutes, what the DNS withdrawal may wait before the drain starts anyway.
    public static let dnsWaitSeconds = 10

    public static func plan(_ kind: Kind, instance: InstanceID, cluster: ClusterSnapshot, policy: ScaleInPolicy) -> ScaleInPlan {
        guard !cluster.rancherNodes.isEmpty else {
            return ScaleInPlan(instanceID: instance, verdict: .skip, reason: "Rancher lists no nodes in the cluster; nothing can be drained", steps: [])
        }
        guard case .found(let node, _) = NodeMatcher.match(instance, in: cluster.rancherNodes, instances: cluster.instances) else {
            return ScaleInPlan(instanceID: instance, verdict: .skip, reason: "no single Rancher node matches \(instance)", steps: [])
        }
        let ref = node.reference
        switch (kind, policy.rebalance) {
        case (.rebalance, .ignore):
            return ScaleInPlan(instanceID: instance, verdict: .skip, reason: "rebalance recommendation: ignored (--rebalance ignore)", node: ref, steps: [])
        case (.rebalance, .cordon):
            return ScaleInPlan(instanceID: instance, verdict: .drainOnly, reason: "rebalance recommendation: cordon \(node.id), keep its pods",
                               node: ref, steps: [.cordon(ref)])
        default:
            var hurried = policy
            hurried.drain.timeout = min(policy.drain.timeout, interruptionBudget)
            hurried.drain.gracePeriod = gracePeriod
            hurried.eviction = EvictionPlan(maximumWaitSeconds: interruptionBudget, gracePeriodSeconds: gracePeriod)
            return ScaleInPlan(instanceID: instance, verdict: .drainOnly,
                               reason: "\(kind.rawValue): drain \(node.id) within \(interruptionBudget) s; the node goes when the instance does",
                               node: ref, steps: ScaleInDecision.dnsSteps(instance, cluster, policy, maximumWaitSeconds: dnsWaitSeconds)
                                   + ScaleInDecision.drainSteps(node, hurried))
        }
    }
}

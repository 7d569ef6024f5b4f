import RanchhandClients
import RanchhandEvents

/// How the handler drains and guards; parsed once by the executable.
public struct ScaleInPolicy: Sendable, Hashable {
    public var drain: DrainOptions
    public var eviction: EvictionPlan
    public var budget: ScaleInBudget
    public var rebalance: RebalanceResponse
    /// Whether a leaving instance is taken out of the node-pool DNS records before its drain.
    public var withdrawsFromDNS: Bool

    public init(drain: DrainOptions = DrainOptions(deleteLocalData: true, ignoreDaemonSets: true, timeout: 600),
                eviction: EvictionPlan = EvictionPlan(), budget: ScaleInBudget = ScaleInBudget(), rebalance: RebalanceResponse = .cordon,
                withdrawsFromDNS: Bool = false) {
        self.drain = drain
        self.eviction = eviction
        self.budget = budget
        self.rebalance = rebalance
        self.withdrawsFromDNS = withdrawsFromDNS
    }
}

/// What a rebalance recommendation (a Spot instance at elevated risk) gets.
public enum RebalanceResponse: String, Sendable, Hashable, CaseIterable {
    case cordon, drain, ignore
}

/// The pure decision: a terminate lifecycle event and a snapshot of the world in, a plan out.
public enum ScaleInDecision {
    public static func plan(for event: LifecycleActionNotification, cluster: ClusterSnapshot, policy: ScaleInPolicy) -> ScaleInPlan {
        let action = LifecycleActionReference(event)
        let instance = event.instanceID
        guard event.transition == .terminating else {
            return ScaleInPlan(instanceID: instance, verdict: .skip, reason: "launch hook: not for the scale-in handler", steps: [])
        }
        // An empty list is a wrong cluster id or a token that cannot see the cluster, never a
        // cluster without nodes (this instance was in it): completing would skip every drain.
        guard !cluster.rancherNodes.isEmpty else {
            let why = "Rancher lists no nodes in the cluster (wrong cluster id, or a token that cannot see it)"
            return ScaleInPlan(instanceID: instance, verdict: .skip, reason: "\(why); not completing the hook", steps: [.hold(HoldReason(why))])
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
                               node: ref, steps: dnsSteps(instance, cluster, policy) + drainSteps(node, policy) + [.completeLifecycleAction(action, .continue)])
        }
        if let refusal = refusal(removing: node, cluster: cluster, policy: policy) {
            return refusePlan(instance, node: node, reason: refusal, action: action, cluster: cluster, policy: policy)
        }
        guard let delete = deletion(of: node, cluster: cluster) else {
            let why = "no cluster-api Machine found for node \(node.nodeName) of \(node.clusterID); the v3 node is only Rancher's mirror"
            return ScaleInPlan(instanceID: instance, verdict: .drainOnly, reason: "\(why): drain, then hold for reconcile or an operator",
                               node: ref, steps: dnsSteps(instance, cluster, policy) + drainSteps(node, policy) + [.hold(HoldReason(why))])
        }
        let how = if case .deleteMachine(_, let machine) = delete { "delete Machine \(machine)" } else { "delete the v3 node" }
        return ScaleInPlan(instanceID: instance, verdict: .deregister,
                           reason: "\(roleDescription(node)) \(node.id) (\(node.state)): drain, \(how), continue",
                           node: ref, steps: dnsSteps(instance, cluster, policy) + drainSteps(node, policy) + [delete, .completeLifecycleAction(action, .continue)])
    }

    /// What removes the node from the cluster: the cluster-api Machine for clusters Rancher
    /// provisions that way (named by the mirror's annotations, else found by its node reference),
    /// the v3 node otherwise. Deleting the v3 mirror of a Machine deletes nothing (Rancher recreates
    /// it), so for such a cluster no Machine means no deletion.
    static func deletion(of node: RancherNode, cluster: ClusterSnapshot) -> ScaleInStep? {
        if let machine = node.machine { return .deleteMachine(node.reference, machine) }
        guard node.clusterID.rawValue.hasPrefix("c-m-") else { return .deleteNode(node.reference) }
        let owners = cluster.machines.filter { $0.nodeName == node.nodeName && !node.nodeName.isEmpty }
        return owners.count == 1 ? .deleteMachine(node.reference, owners[0].ref) : nil
    }

    /// The first safety rule removing `node` would break, if any.
    public static func refusal(removing node: RancherNode, cluster: ClusterSnapshot, policy: ScaleInPolicy) -> String? {
        ClusterSafety.etcdQuorumViolation(removing: node, from: cluster.rancherNodes)
            ?? ClusterSafety.lastControlPlaneViolation(removing: node, from: cluster.rancherNodes)
            ?? ClusterSafety.massDeletionViolation(removing: node, from: cluster.rancherNodes,
                                                   recentTerminations: cluster.recentTerminations, budget: policy.budget)
    }

    /// Refusing only saves the node if the instance survives: with `TerminateHookAbandon=retain`
    /// ABANDON keeps it; otherwise both results terminate it, so drain it (it is going either way)
    /// and hold the deletion (heartbeat and alert) until the rule allows it or an operator acts.
    static func refusePlan(_ instance: InstanceID, node: RancherNode, reason: String,
                           action: LifecycleActionReference, cluster: ClusterSnapshot, policy: ScaleInPolicy) -> ScaleInPlan {
        let group = cluster.autoScalingGroup
        if group?.retainsAbandonedInstances == true {
            return ScaleInPlan(instanceID: instance, verdict: .refuse,
                               reason: "\(reason); ABANDON: the group retains the instance for an operator",
                               node: node.reference, steps: [.completeLifecycleAction(action, .abandon)])
        }
        let why = group == nil ? "the group's retention policy is unknown" : "the group terminates abandoned instances"
        return ScaleInPlan(instanceID: instance, verdict: .refuse,
                           reason: "\(reason); draining, holding the deletion (\(why)) until allowed or an operator acts",
                           node: node.reference, steps: dnsSteps(instance, cluster, policy) + drainSteps(node, policy) + [.hold(HoldReason(reason))])
    }

    /// The node-pool DNS withdrawal that goes before a drain, when DNS is managed. A node kept
    /// (ABANDON on a retaining group) keeps its record.
    static func dnsSteps(_ instance: InstanceID, _ cluster: ClusterSnapshot, _ policy: ScaleInPolicy, maximumWaitSeconds: Int? = nil) -> [ScaleInStep] {
        guard policy.withdrawsFromDNS else { return [] }
        let known = cluster.instances.first { $0.instanceId == instance }
        let addresses = [known?.privateIpAddress, known?.publicIpAddress].compactMap { $0 }.filter { !$0.isEmpty }
        return [.withdrawFromDNS(DNSWithdrawal(instanceID: instance, addresses: addresses, maximumWaitSeconds: maximumWaitSeconds))]
    }

    /// Workers drain through Rancher; whatever a failed or timed-out drain leaves is evicted through
    /// the Kubernetes API, so the node is deleted only once its pods are gone. Control-plane and etcd
    /// nodes cannot drain through Rancher (422 InvalidAction): cordon and evict. A NotReady node
    /// still runs its pods while the instance lives: evict them too.
    static func drainSteps(_ node: RancherNode, _ policy: ScaleInPolicy) -> [ScaleInStep] {
        let ref = node.reference
        if node.state == .removing { return [] }
        if node.state == .unavailable { return [.evict(ref, policy.eviction)] }
        if node.worker && !node.etcd && !node.controlPlane {
            let drain: [ScaleInStep] = node.state == .drained ? [] : [.cordon(ref), .drain(ref, policy.drain)]
            return drain + [.evict(ref, policy.eviction)]
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

import RanchhandClients

/// The checks that stop a removal from breaking the cluster. Each answers with the reason to
/// refuse, or nil.
public enum ClusterSafety {
    /// A node counts as a healthy member when Kubernetes reports it Ready and it is not on its way out.
    static func isHealthy(_ node: RancherNode) -> Bool {
        if node.state == .removing || node.state == .unavailable { return false }
        if let ready = node.condition("Ready") { return ready.status == "True" }
        return [RancherNodeState.active, .cordoned, .draining, .drained].contains(node.state)
    }

    /// etcd keeps working only while a majority of its members are healthy. Removing `node` from
    /// `n` members must leave at least ⌊n/2⌋+1 healthy ones, and never the last member.
    public static func etcdQuorumViolation(removing node: RancherNode, from nodes: [RancherNode]) -> String? {
        guard node.etcd else { return nil }
        let members = nodes.filter(\.etcd)
        let healthy = members.filter(isHealthy)
        let remaining = healthy.filter { $0.id != node.id }.count
        let needed = members.count / 2 + 1
        if members.count <= 1 { return "\(node.id) is the last etcd member" }
        guard remaining >= needed else {
            return "removing etcd member \(node.id) would leave \(remaining) healthy of \(members.count) members; quorum needs \(needed)"
        }
        return nil
    }

    public static func lastControlPlaneViolation(removing node: RancherNode, from nodes: [RancherNode]) -> String? {
        guard node.controlPlane else { return nil }
        let others = nodes.filter { $0.controlPlane && $0.id != node.id && isHealthy($0) }
        return others.isEmpty ? "\(node.id) is the last healthy control-plane node" : nil
    }

    /// The mass-deletion breaker: nodes already on their way out (Rancher `removing`, or instances
    /// the groups terminated within the window) plus this one must stay within the allowed share.
    public static func massDeletionViolation(
        removing node: RancherNode, from nodes: [RancherNode], recentTerminations: Int, breaker: MassDeletionBreaker
    ) -> String? {
        guard nodes.count > 0 else { return nil }
        // Terminations and `removing` nodes are often the same machines: count the larger, and add
        // back the terminated ones Rancher has already forgotten to size the cluster as it was.
        let leaving = nodes.filter { $0.state == .removing && $0.id != node.id }.count
        let removedInWindow = max(leaving, recentTerminations)
        let total = nodes.count + max(0, recentTerminations - leaving)
        let share = Double(removedInWindow + 1) / Double(total)
        guard removedInWindow + 1 > breaker.alwaysAllowed, share > breaker.maximumShare else { return nil }
        return "mass-deletion breaker: \(removedInWindow + 1) of \(total) nodes would be removed within \(breaker.windowSeconds / 60) min "
            + "(limit \(Int(breaker.maximumShare * 100))%)"
    }
}

/// Refuse to delete more than `maximumShare` of a cluster's nodes within `windowSeconds`
/// (cluster-autoscaler #7474 lost 24 of 25 nodes). Small clusters may always lose `alwaysAllowed`.
public struct MassDeletionBreaker: Sendable, Hashable, Codable {
    public var maximumShare: Double
    public var windowSeconds: Int
    public var alwaysAllowed: Int

    public init(maximumShare: Double = 0.34, windowSeconds: Int = 1800, alwaysAllowed: Int = 1) {
        self.maximumShare = maximumShare
        self.windowSeconds = windowSeconds
        self.alwaysAllowed = alwaysAllowed
    }
}

import RanchhandClients
import RanchhandEvents

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

    /// The scale-in budget: machines already removed within the window plus this one must stay
    /// within the allowed share of the cluster as it was. Each departing machine counts once,
    /// whichever evidence shows it — a Rancher node `removing`, or a terminated instance of the
    /// groups (scaling activities in the window) whose node is gone. An instance still waiting in
    /// its hook with its node in place has not been removed yet, so a burst of terminations is let
    /// through up to the share and the rest wait for the window to move on.
    public static func massDeletionViolation(
        removing node: RancherNode, from nodes: [RancherNode], recentTerminations: [InstanceID], budget: ScaleInBudget
    ) -> String? {
        guard nodes.count > 0 else { return nil }
        let count = budget.departures(excluding: node, nodes: nodes, recentTerminations: recentTerminations)
        let share = Double(count.removed + 1) / Double(count.clusterSize)
        guard count.removed + 1 > budget.alwaysAllowed, share > budget.maximumShare else { return nil }
        return "scale-in budget: \(count.removed + 1) of \(count.clusterSize) nodes would be removed within \(budget.windowSeconds / 60) min "
            + "(limit \(Int((budget.maximumShare * 100).rounded()))%)"
    }
}

/// The one rule on how fast a cluster may shrink: no more than `maximumShare` of its nodes within
/// `windowSeconds` (cluster-autoscaler #7474 lost 24 of 25 nodes); small clusters may always lose
/// `alwaysAllowed`. The scale-in handler refuses deletions past it; `ranchhand-capacity` asks it
/// how far it may scale in.
public struct ScaleInBudget: Sendable, Hashable, Codable {
    public var maximumShare: Double
    public var windowSeconds: Int
    public var alwaysAllowed: Int

    public init(maximumShare: Double = 0.34, windowSeconds: Int = 1800, alwaysAllowed: Int = 1) {
        self.maximumShare = maximumShare
        self.windowSeconds = windowSeconds
        self.alwaysAllowed = alwaysAllowed
    }

    public struct Departures: Sendable, Hashable {
        /// Machines removed within the window, each counted once.
        public var removed: Int
        /// The cluster as it was before them: the nodes Rancher lists plus those it has forgotten.
        public var clusterSize: Int
    }

    /// Counts each departing machine once, keyed by its instance id where one is known.
    public func departures(excluding node: RancherNode, nodes: [RancherNode], recentTerminations: [InstanceID]) -> Departures {
        let excluded = node.instanceID
        var departed = Set<String>()
        for other in nodes where other.state == .removing && other.id != node.id {
            departed.insert(other.instanceID?.rawValue ?? other.id.rawValue)
        }
        let listed = Set(nodes.compactMap(\.instanceID))
        let forgotten = Set(recentTerminations).subtracting(listed).filter { $0 != excluded }
        departed.formUnion(forgotten.map(\.rawValue))
        return Departures(removed: departed.count, clusterSize: nodes.count + forgotten.count)
    }

    /// How many more machines may go now: the most `k` with the budget still kept after them.
    public func allowance(clusterSize: Int, removed: Int) -> Int {
        guard clusterSize > 0 else { return 0 }
        var k = 0
        while removed + k + 1 <= clusterSize, Self.within(removed + k + 1, of: clusterSize, self) { k += 1 }
        return k
    }

    static func within(_ count: Int, of size: Int, _ budget: ScaleInBudget) -> Bool {
        count <= budget.alwaysAllowed || Double(count) / Double(size) <= budget.maximumShare
    }
}

extension RancherNode {
    /// The EC2 instance behind the node: the label the bootstrap agent stamps, else `providerId`.
    public var instanceID: InstanceID? {
        if let label = labels[NodeMatcher.instanceIDLabel], !label.isEmpty { return InstanceID(label) }
        return providerInstanceID.map(InstanceID.init(rawValue:))
    }
}

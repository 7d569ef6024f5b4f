import RanchhandClients
import RanchhandEvents

/// What the scale-in handler decided for one terminating instance.
public enum ScaleInVerdict: String, Sendable, Codable {
    /// Drain the node, remove it from Rancher, complete the hook with CONTINUE.
    case deregister
    /// Warm pool: drain but keep the node; the instance comes back later.
    case drainOnly = "drain-only"
    /// Nothing to remove (no matching node, not a terminate hook); complete at once where a hook waits.
    case skip
    /// Removing the node would break the cluster (etcd quorum, last control plane, mass deletion).
    case refuse
}

/// Why the handler holds a hook without completing it: the instance is about to be terminated
/// whatever ranchhand answers, so only an operator can save the cluster.
public struct HoldReason: Sendable, Hashable, Codable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public struct EvictionPlan: Sendable, Hashable, Codable {
    /// MaxDrainWait: seconds from the hook's start (not from this delivery) that evictions blocked by
    /// PodDisruptionBudgets or `ranchhand.io/do-not-disrupt` may wait before the node is deleted
    /// anyway, with an alert naming the pods left on it.
    public var maximumWaitSeconds: Int
    public var gracePeriodSeconds: Int?

    public init(maximumWaitSeconds: Int = 3600, gracePeriodSeconds: Int? = nil) {
        self.maximumWaitSeconds = maximumWaitSeconds
        self.gracePeriodSeconds = gracePeriodSeconds
    }
}

/// The leaving instance, as the node-pool DNS records name it.
public struct DNSWithdrawal: Sendable, Hashable {
    public var instanceID: InstanceID
    /// Its addresses (a simple pool record lists addresses, not instances).
    public var addresses: [String]
    /// How long the drain may wait for resolvers to forget the record; nil: 2 × TTL + 60 s.
    public var maximumWaitSeconds: Int?

    public init(instanceID: InstanceID, addresses: [String], maximumWaitSeconds: Int? = nil) {
        self.instanceID = instanceID
        self.addresses = addresses
        self.maximumWaitSeconds = maximumWaitSeconds
    }

    /// The wait's bound for a record of `ttl` seconds.
    public func waitBound(ttl: Int) -> Int { maximumWaitSeconds ?? 2 * ttl + 60 }
}

/// One step of a plan. Each is idempotent when applied: "already done" answers count as done.
public enum ScaleInStep: Sendable, Hashable {
    /// Take the instance out of the node-pool DNS records first, so no client is sent to a node
    /// being drained; the drain starts once the change is INSYNC and its TTL has passed.
    case withdrawFromDNS(DNSWithdrawal)
    case cordon(RancherNode.Reference)
    case drain(RancherNode.Reference, DrainOptions)
    case evict(RancherNode.Reference, EvictionPlan)
    case deleteNode(RancherNode.Reference)
    case deleteMachine(RancherNode.Reference, MachineRef)
    /// Heart-beat the hook and alert; never complete it.
    case hold(HoldReason)
    case completeLifecycleAction(LifecycleActionReference, LifecycleActionResult)

    public var action: String {
        switch self {
        case .withdrawFromDNS: "withdraw-dns"
        case .cordon: "cordon"
        case .drain: "drain"
        case .evict: "evict"
        case .deleteNode: "delete-node"
        case .deleteMachine: "delete-machine"
        case .hold: "hold"
        case .completeLifecycleAction: "complete-lifecycle-action"
        }
    }

    /// Steps after which the node cannot simply be put back.
    public var isDestructive: Bool {
        switch self {
        case .deleteNode, .deleteMachine: true
        default: false
        }
    }
}

extension RancherNode {
    /// The node a step acts on: its Rancher id and the Kubernetes node name (for the API path used
    /// when Rancher cannot act on a control-plane or etcd node).
    public struct Reference: Sendable, Hashable, Codable {
        public var id: RancherNodeID
        public var nodeName: String
        public init(id: RancherNodeID, nodeName: String) {
            self.id = id
            self.nodeName = nodeName
        }
    }

    public var reference: Reference { Reference(id: id, nodeName: nodeName) }
}

/// A plan is data: printed by `--dry-run`, compared in tests, logged before it is applied.
public struct ScaleInPlan: Sendable, Hashable {
    public var instanceID: InstanceID
    public var verdict: ScaleInVerdict
    public var reason: String
    public var node: RancherNode.Reference?
    public var steps: [ScaleInStep]

    public init(instanceID: InstanceID, verdict: ScaleInVerdict, reason: String, node: RancherNode.Reference? = nil, steps: [ScaleInStep]) {
        self.instanceID = instanceID
        self.verdict = verdict
        self.reason = reason
        self.node = node
        self.steps = steps
    }

    /// Whether the plan ends by completing the lifecycle action (a hold never does).
    public var completes: Bool {
        if case .completeLifecycleAction? = steps.last { return true }
        return false
    }
}

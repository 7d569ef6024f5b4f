import RanchhandClients
import RanchhandEvents

/// What the scale-in decision needs to know about the world, read right before deciding (and
/// re-read before each destructive step).
public struct ClusterSnapshot: Sendable, Hashable {
    /// Every node of the instance's cluster, as Rancher lists them (all pages).
    public var rancherNodes: [RancherNode]
    /// EC2's view of the instances involved, for matching by private IP or DNS name.
    public var instances: [InstanceAddress]
    /// The group's retention policy and hooks; nil when unknown (then a refusal holds).
    public var autoScalingGroup: GroupFacts?
    /// Instances of this cluster's groups terminated within the budget's window, from the groups'
    /// scaling activities: remembered by AWS, so a restart cannot forget them.
    public var recentTerminations: [InstanceID]
    /// For a cluster Rancher provisions with cluster-api (`c-m-…`): its Machines, read when a
    /// node's v3 mirror does not name its Machine, so the Machine is found by its node reference.
    public var machines: [RancherMachine]

    public init(rancherNodes: [RancherNode], instances: [InstanceAddress] = [], autoScalingGroup: GroupFacts? = nil,
                recentTerminations: [InstanceID] = [], machines: [RancherMachine] = []) {
        self.rancherNodes = rancherNodes
        self.instances = instances
        self.autoScalingGroup = autoScalingGroup
        self.recentTerminations = recentTerminations
        self.machines = machines
    }
}

public struct InstanceAddress: Sendable, Hashable, Codable {
    public var instanceId: InstanceID
    public var privateIpAddress: String?
    public var privateDnsName: String?
    public var publicIpAddress: String?

    public init(instanceId: InstanceID, privateIpAddress: String? = nil, privateDnsName: String? = nil, publicIpAddress: String? = nil) {
        self.instanceId = instanceId
        self.privateIpAddress = privateIpAddress
        self.privateDnsName = privateDnsName
        self.publicIpAddress = publicIpAddress
    }
}

public struct GroupFacts: Sendable, Hashable {
    public var name: AutoScalingGroupName
    /// `retain`: an abandoned terminate hook keeps the instance. Anything else terminates it.
    public var terminateHookAbandon: String?
    public var lifecycleHooks: [HookTimeouts]

    public init(name: AutoScalingGroupName, terminateHookAbandon: String? = nil, lifecycleHooks: [HookTimeouts] = []) {
        self.name = name
        self.terminateHookAbandon = terminateHookAbandon
        self.lifecycleHooks = lifecycleHooks
    }

    public var retainsAbandonedInstances: Bool { terminateHookAbandon == "retain" }
}

public struct HookTimeouts: Sendable, Hashable, Codable {
    public var name: LifecycleHookName
    public var heartbeatTimeout: Int
    public var globalTimeout: Int

    public init(name: LifecycleHookName, heartbeatTimeout: Int, globalTimeout: Int) {
        self.name = name
        self.heartbeatTimeout = heartbeatTimeout
        self.globalTimeout = globalTimeout
    }
}

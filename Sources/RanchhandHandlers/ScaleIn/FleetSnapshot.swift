import Foundation
import RanchhandClients
import RanchhandEvents

/// The whole cluster and its groups as the reconcile pass and the hook keeper read them: every
/// Rancher node (and Machine, for cluster-api clusters), every group with its instances, terminate
/// hook and recent terminate activities, and EC2's answer for each instance a node is stamped with.
public struct FleetSnapshot: Sendable, Equatable {
    /// Nodes, Machines and the groups' recent terminations (for the budget), across all groups.
    public var cluster: ClusterSnapshot
    public var groups: [FleetGroup]
    /// EC2's state for each instance id a node carries; an id EC2 did not return is absent.
    public var instanceStates: [InstanceID: InstanceState]
    /// How many instance ids were asked about; with `instanceStates` empty, EC2 answered nothing.
    public var instancesAsked: Int
    /// For a cluster-api cluster, whether Rancher deletes Machines whose node is gone; nil otherwise.
    public var rancherCleanup: MissingMachineCleanup?

    public init(cluster: ClusterSnapshot, groups: [FleetGroup], instanceStates: [InstanceID: InstanceState] = [:], instancesAsked: Int = 0,
                rancherCleanup: MissingMachineCleanup? = nil) {
        self.cluster = cluster
        self.groups = groups
        self.instanceStates = instanceStates
        self.instancesAsked = instancesAsked
        self.rancherCleanup = rancherCleanup
    }

    /// Every instance waiting in `Terminating:Wait`, with its group and its hook's window.
    public var waitingHooks: [WaitingHook] {
        groups.flatMap { group in
            group.instances.filter { $0.lifecycleState == "Terminating:Wait" }.map { instance in
                WaitingHook(group: group.name, instanceID: instance.instanceID, hook: group.terminateHook,
                            start: group.terminateStarts[instance.instanceID])
            }
        }
    }
}

public struct FleetGroup: Sendable, Equatable {
    public var name: AutoScalingGroupName
    public var terminateHookAbandon: String?
    /// The group's terminate lifecycle hook, if it has one.
    public var terminateHook: HookTimeouts?
    public var instances: [AutoScalingGroup.Instance]
    /// When each instance's terminate activity started: the start of its hook's wait.
    public var terminateStarts: [InstanceID: Date]

    public init(name: AutoScalingGroupName, terminateHookAbandon: String? = nil, terminateHook: HookTimeouts? = nil,
                instances: [AutoScalingGroup.Instance] = [], terminateStarts: [InstanceID: Date] = [:]) {
        self.name = name
        self.terminateHookAbandon = terminateHookAbandon
        self.terminateHook = terminateHook
        self.instances = instances
        self.terminateStarts = terminateStarts
    }

    public var facts: GroupFacts {
        GroupFacts(name: name, terminateHookAbandon: terminateHookAbandon, lifecycleHooks: terminateHook.map { [$0] } ?? [])
    }
}

/// One instance held by its terminate hook.
public struct WaitingHook: Sendable, Hashable {
    public var group: AutoScalingGroupName
    public var instanceID: InstanceID
    public var hook: HookTimeouts?
    /// From the terminate activity's StartTime; nil when AWS did not say.
    public var start: Date?

    /// Heartbeats cannot extend a hook past start + GlobalTimeout.
    public var deadline: Date? {
        guard let start, let hook else { return nil }
        return start.addingTimeInterval(TimeInterval(hook.globalTimeout))
    }

    public var reference: LifecycleActionReference? {
        hook.map { LifecycleActionReference(group: group, hook: $0.name, instanceID: instanceID, token: nil) }
    }
}

/// Which groups are the cluster's: named ones, and every group whose name starts with a prefix
/// (the stacks name them `<ClusterName>-…`).
public struct GroupSelection: Sendable, Hashable {
    public var names: [AutoScalingGroupName]
    public var prefix: String?

    public init(names: [AutoScalingGroupName] = [], prefix: String? = nil) {
        self.names = names
        self.prefix = prefix.flatMap { $0.isEmpty ? nil : $0 }
    }

    public var isEmpty: Bool { names.isEmpty && prefix == nil }

    public func contains(_ group: AutoScalingGroupName) -> Bool {
        names.contains(group) || prefix.map { group.rawValue.hasPrefix($0) } == true
    }
}

import Foundation
import RanchhandClients
import RanchhandEvents

/// Reads the world through the clients: the cluster's Rancher nodes (all pages, re-matched
/// client-side by the client), the instance's addresses from EC2, the group's retention policy and
/// hook timeouts, the recent terminations of the cluster's groups for the scale-in budget, and — for a cluster-api
/// cluster whose node mirror does not name its Machine — the cluster's Machines.
public struct LiveScaleInWorld: ScaleInWorld {
    public let rancher: any RancherClient
    public let ec2: any EC2Client
    public let autoScaling: any AutoScalingClient
    public let cluster: RancherClusterID
    public let budgetWindow: TimeInterval
    /// The cluster's groups, for reconcile and the hook keeper.
    public let groupSelection: GroupSelection
    public let now: @Sendable () -> Date

    public init(rancher: any RancherClient, ec2: any EC2Client, autoScaling: any AutoScalingClient, cluster: RancherClusterID,
                budgetWindow: TimeInterval, groups: GroupSelection = GroupSelection(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.rancher = rancher
        self.ec2 = ec2
        self.autoScaling = autoScaling
        self.cluster = cluster
        self.budgetWindow = budgetWindow
        self.groupSelection = groups
        self.now = now
    }

    public func snapshot(for event: LifecycleActionNotification) async throws(ClientError) -> ClusterSnapshot {
        let nodes = try await rancher.nodes(matching: RancherNodeFilter(clusterID: cluster))
        let instances = try await ec2.describeInstances(DescribeInstancesRequest(instanceIDs: [event.instanceID]))
        let group = try await autoScaling.describeAutoScalingGroups([event.groupName]).first
        let hooks = try await autoScaling.describeLifecycleHooks(event.groupName)
        var activities: [ScalingActivity] = []
        for name in try await budgetGroups(with: event.groupName) {
            activities += try await autoScaling.describeScalingActivities(name, maximum: 100)
        }
        var snapshot = ClusterSnapshot(
            rancherNodes: nodes,
            instances: instances.map {
                InstanceAddress(instanceId: $0.instanceID, privateIpAddress: $0.privateIPv4, privateDnsName: $0.privateDNSName, publicIpAddress: $0.publicIPv4)
            },
            autoScalingGroup: GroupFacts(
                name: event.groupName, terminateHookAbandon: group?.terminateHookAbandon,
                lifecycleHooks: hooks.map { HookTimeouts(name: $0.name, heartbeatTimeout: $0.heartbeatTimeout, globalTimeout: $0.globalTimeout) }),
            recentTerminations: Self.recentTerminations(activities, excluding: event.instanceID, since: now().addingTimeInterval(-budgetWindow)))
        if case .found(let node, _) = NodeMatcher.match(event.instanceID, in: nodes, instances: snapshot.instances), node.machine == nil {
            snapshot.machines = try await machines(of: cluster)
        }
        return snapshot
    }

    /// The groups whose recent terminations count against the budget: the budget is the cluster's, so
    /// every selected group's (a burst spread over several groups is one burst), the event's own too.
    func budgetGroups(with own: AutoScalingGroupName) async throws(ClientError) -> [AutoScalingGroupName] {
        var names = Set(groupSelection.names + [own])
        if groupSelection.prefix != nil {
            for group in try await autoScaling.describeAutoScalingGroups([]) where groupSelection.contains(group.name) { names.insert(group.name) }
        }
        return names.sorted { $0.rawValue < $1.rawValue }
    }

    /// The Machines of a cluster-api cluster, from its provisioning namespace, selected by the
    /// cluster-name label (node names repeat across clusters). Empty for any other cluster.
    func machines(of cluster: RancherClusterID) async throws(ClientError) -> [RancherMachine] {
        try await clusterAPI(cluster)?.machines ?? []
    }

    /// A cluster-api cluster's management facts, provisioning namespace and Machines; nil for any
    /// other cluster.
    func clusterAPI(_ cluster: RancherClusterID) async throws(ClientError) -> (facts: RancherCluster, namespace: String, machines: [RancherMachine])? {
        guard cluster.rawValue.hasPrefix("c-m-"), let facts = try await rancher.cluster(id: cluster) else { return nil }
        let namespace = Self.provisioningNamespace(of: facts)
        return (facts, namespace, try await rancher.machines(namespace: namespace).filter { $0.clusterName == facts.name })
    }

    /// Where Rancher keeps a cluster's provisioning objects and Machines: its fleet workspace.
    static func provisioningNamespace(of cluster: RancherCluster) -> String {
        cluster.fleetWorkspaceName.isEmpty ? "fleet-default" : cluster.fleetWorkspaceName
    }

    /// Instances AWS recorded terminating in the window, other than this one. Instances going back
    /// to a warm pool are not terminations and are not counted.
    static func recentTerminations(_ activities: [ScalingActivity], excluding instance: InstanceID?, since start: Date) -> [InstanceID] {
        activities.compactMap { activity in
            guard (activity.startTime?.date ?? .distantPast) >= start, let terminated = terminatedInstance(activity) else { return nil }
            return terminated == instance ? nil : terminated
        }
    }

    /// The instance a terminate activity (`Terminating EC2 instance: i-…`) is about; nil for any
    /// other activity, a warm-pool return, or one that was cancelled or failed.
    static func terminatedInstance(_ activity: ScalingActivity) -> InstanceID? {
        let text = activity.description.lowercased()
        guard text.hasPrefix("terminating ec2 instance"), !text.contains("warm pool"),
              activity.statusCode != "Cancelled" && activity.statusCode != "Failed",
              let id = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "-" }).first(where: { $0.hasPrefix("i-") })
        else { return nil }
        return InstanceID(String(id))
    }
}

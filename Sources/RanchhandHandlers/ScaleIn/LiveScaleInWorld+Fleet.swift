import Foundation
import RanchhandClients
import RanchhandEvents

extension LiveScaleInWorld {
    /// The selected groups (named ones, and every group under the prefix), each with its terminate
    /// hook and, from its scaling activities, when each instance's termination began.
    public func groups() async throws(ClientError) -> [FleetGroup] {
        guard !groupSelection.isEmpty else { return [] }
        var found = groupSelection.names.isEmpty ? [] : try await autoScaling.describeAutoScalingGroups(groupSelection.names)
        if groupSelection.prefix != nil {
            let named = Set(found.map(\.name))
            found += try await autoScaling.describeAutoScalingGroups([]).filter { groupSelection.contains($0.name) && !named.contains($0.name) }
        }
        var groups: [FleetGroup] = []
        for group in found.sorted(by: { $0.name.rawValue < $1.name.rawValue }) {
            let hook = try await autoScaling.describeLifecycleHooks(group.name).first { $0.transition == .terminating }
            var starts: [InstanceID: Date] = [:]
            if group.instances.contains(where: { $0.lifecycleState.hasPrefix("Terminating") }) || hook != nil {
                for activity in try await autoScaling.describeScalingActivities(group.name, maximum: 100) {
                    guard let instance = Self.terminatedInstance(activity), let start = activity.startTime?.date else { continue }
                    starts[instance] = min(starts[instance] ?? start, start)
                }
            }
            groups.append(FleetGroup(
                name: group.name, terminateHookAbandon: group.terminateHookAbandon,
                terminateHook: hook.map { HookTimeouts(name: $0.name, heartbeatTimeout: $0.heartbeatTimeout, globalTimeout: $0.globalTimeout) },
                instances: group.instances, terminateStarts: starts))
        }
        return groups
    }

    /// Interruption warnings carry only the instance id: the group comes from its tag. With no group
    /// selection configured every group counts as the cluster's (the node match decides).
    public func group(of instance: InstanceID) async throws(ClientError) -> (name: AutoScalingGroupName, isClusters: Bool)? {
        let found = try await ec2.describeInstances(DescribeInstancesRequest(filters: [EC2Filter(name: "instance-id", values: [instance.rawValue])]))
        guard let tag = found.first?.tags["aws:autoscaling:groupName"], !tag.isEmpty else { return nil }
        let name = AutoScalingGroupName(tag)
        return (name, groupSelection.isEmpty || groupSelection.contains(name))
    }

    /// Everything reconcile decides on: nodes (and Machines), groups, recent terminations across the
    /// groups, and EC2's state of every instance a node is stamped with.
    public func fleet() async throws(ClientError) -> FleetSnapshot {
        let nodes = try await rancher.nodes(matching: RancherNodeFilter(clusterID: cluster))
        let groups = try await groups()
        let windowStart = now().addingTimeInterval(-budgetWindow)
        let recent = groups.flatMap { group in group.terminateStarts.filter { $0.value >= windowStart }.map(\.key) }
        var snapshot = ClusterSnapshot(rancherNodes: nodes, recentTerminations: recent.sorted { $0.rawValue < $1.rawValue })
        // Every Machine, not only those no node names: a Machine whose node is gone is reconcile's too.
        let clusterAPI = try await clusterAPIFacts()
        snapshot.machines = clusterAPI?.machines ?? []
        let stamped = Array(Set(nodes.compactMap(\.instanceID))).sorted { $0.rawValue < $1.rawValue }
        var states: [InstanceID: InstanceState] = [:]
        // By filter, not by id: an id EC2 no longer knows fails a by-id request as a whole.
        for start in stride(from: 0, to: stamped.count, by: 150) {
            let ids = stamped[start..<min(start + 150, stamped.count)].map(\.rawValue)
            for instance in try await ec2.describeInstances(DescribeInstancesRequest(filters: [EC2Filter(name: "instance-id", values: ids)])) {
                if let state = instance.state { states[instance.instanceID] = state }
            }
        }
        return FleetSnapshot(cluster: snapshot, groups: groups, instanceStates: states, instancesAsked: stamped.count,
                             rancherCleanup: clusterAPI?.cleanup)
    }
}

extension LiveScaleInWorld {
    /// A cluster-api cluster's Machines, and whether Rancher itself deletes those whose node is gone
    /// (read from its provisioning cluster; a token that cannot read it leaves that unknown, not fatal).
    func clusterAPIFacts() async throws(ClientError) -> (machines: [RancherMachine], cleanup: MissingMachineCleanup)? {
        guard let (facts, namespace, machines) = try await clusterAPI(cluster) else { return nil }
        let cleanup: MissingMachineCleanup
        do {
            if let provisioning = try await rancher.provisioningCluster(namespace: namespace, name: facts.name) {
                cleanup = provisioning.missingMachineCleanup
            } else {
                cleanup = .unreadable("Rancher has no provisioning cluster \(namespace)/\(facts.name)")
            }
        } catch {
            cleanup = .unreadable("reading provisioning cluster \(namespace)/\(facts.name) failed: \(error)")
        }
        return (machines, cleanup)
    }
}

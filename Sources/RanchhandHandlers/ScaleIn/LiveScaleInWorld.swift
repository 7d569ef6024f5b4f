import Foundation
import RanchhandClients
import RanchhandEvents

/// Reads the world through the clients: the cluster's Rancher nodes (all pages, re-matched
/// client-side by the client), the instance's addresses from EC2, the group's retention policy and
/// hook timeouts, and the group's recent terminations for the mass-deletion breaker.
public struct LiveScaleInWorld: ScaleInWorld {
    public let rancher: any RancherClient
    public let ec2: any EC2Client
    public let autoScaling: any AutoScalingClient
    public let cluster: RancherClusterID
    public let breakerWindow: TimeInterval
    public let now: @Sendable () -> Date

    public init(rancher: any RancherClient, ec2: any EC2Client, autoScaling: any AutoScalingClient, cluster: RancherClusterID,
                breakerWindow: TimeInterval, now: @escaping @Sendable () -> Date = { Date() }) {
        self.rancher = rancher
        self.ec2 = ec2
        self.autoScaling = autoScaling
        self.cluster = cluster
        self.breakerWindow = breakerWindow
        self.now = now
    }

    public func snapshot(for event: LifecycleActionNotification) async throws(ClientError) -> ClusterSnapshot {
        let nodes = try await rancher.nodes(matching: RancherNodeFilter(clusterID: cluster))
        let instances = try await ec2.describeInstances(DescribeInstancesRequest(instanceIDs: [event.instanceID]))
        let group = try await autoScaling.describeAutoScalingGroups([event.groupName]).first
        let hooks = try await autoScaling.describeLifecycleHooks(event.groupName)
        let activities = try await autoScaling.describeScalingActivities(event.groupName, maximum: 100)
        return ClusterSnapshot(
            rancherNodes: nodes,
            instances: instances.map { InstanceAddress(instanceId: $0.instanceID, privateIpAddress: $0.privateIPv4, privateDnsName: $0.privateDNSName) },
            autoScalingGroup: GroupFacts(
                name: event.groupName, terminateHookAbandon: group?.terminateHookAbandon,
                lifecycleHooks: hooks.map { HookTimeouts(name: $0.name, heartbeatTimeout: $0.heartbeatTimeout, globalTimeout: $0.globalTimeout) }),
            recentTerminations: Self.recentTerminations(activities, excluding: event.instanceID, since: now().addingTimeInterval(-breakerWindow)))
    }

    /// Terminations AWS recorded in the window, other than this one. Instances going back to a warm
    /// pool are not terminations and are not counted.
    static func recentTerminations(_ activities: [ScalingActivity], excluding instance: InstanceID, since start: Date) -> Int {
        activities.filter { activity in
            let text = activity.description.lowercased()
            guard text.hasPrefix("terminating ec2 instance"), !text.contains(instance.rawValue.lowercased()),
                  !text.contains("warm pool"), activity.statusCode != "Cancelled" && activity.statusCode != "Failed" else { return false }
            return (activity.startTime?.date ?? .distantPast) >= start
        }.count
    }
}

import Foundation
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandTestSupport
import Testing

/// The scale-in budget is the cluster's: a burst spread over several groups is one burst. moto with
/// the lifecycle extension (its terminate activities) and the sandbox's Rancher, read through the
/// live world as the handler reads it.
@Suite struct BudgetAcrossGroupsTests {
    @Test func terminationsOfEverySelectedGroupCountAgainstTheBudget() async throws {
        let harness = try await ScaleInHarness.start()
        defer { Task { await harness.sandbox.stop() } }
        let fleet = ScaleInFleet(endpoint: try await MotoServer.shared.endpoints().moto)
        let name = MotoServer.uniqueName("budget")
        let created = try await fleet.create(name, groups: [ScaleInFleet.GroupSpec(suffix: "a", size: 4), ScaleInFleet.GroupSpec(suffix: "b", size: 4)])
        let (a, b) = (created.groups[0], created.groups[1])
        _ = await harness.addNodes(a.instanceIds + b.instanceIds, roles: .worker, prefix: "g")
        try await fleet.terminate(Array(a.instanceIds.prefix(2)) + [b.instanceIds[0]])
        let event = LifecycleActionNotification(transition: .terminating, hookName: "ranchhand-scale-in", groupName: AutoScalingGroupName(b.group),
                                                instanceID: InstanceID(b.instanceIds[0]), token: LifecycleActionToken("t"))

        let selected = try await world(harness, groups: GroupSelection(prefix: name + "-")).snapshot(for: event)
        #expect(Set(selected.recentTerminations.map(\.rawValue)) == Set(a.instanceIds.prefix(2)), "the other group's terminations count; this one's own does not")
        let named = try await world(harness, groups: GroupSelection(names: [AutoScalingGroupName(a.group)])).snapshot(for: event)
        #expect(Set(named.recentTerminations.map(\.rawValue)) == Set(a.instanceIds.prefix(2)))
        let alone = try await world(harness, groups: GroupSelection()).snapshot(for: event)
        #expect(alone.recentTerminations.isEmpty, "with no selection only the event's own group is known")
    }

    private func world(_ harness: ScaleInHarness, groups: GroupSelection) -> LiveScaleInWorld {
        LiveScaleInWorld(rancher: harness.rancher, ec2: LiveEC2Client(sender: harness.aws), autoScaling: LiveAutoScalingClient(sender: harness.aws),
                         cluster: harness.cluster, budgetWindow: 1800, groups: groups)
    }
}

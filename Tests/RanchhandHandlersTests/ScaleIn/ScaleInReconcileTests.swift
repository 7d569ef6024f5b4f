import Foundation
import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

/// The reconcile decision and the hook keeper's schedule, from fixtures: what is taken over, what is
/// removed, what is kept, and when the world is not trusted at all.
@Suite struct ScaleInReconcileTests {
    let policy = ScaleInPolicy()
    let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z

    @Test func nodesOfVanishedInstancesAreDeletedAndLiveOnesKept() throws {
        var nodes = (1...6).map { worker("m-\($0)", instance: "i-0\($0)") }
        for index in [0, 4, 5] { nodes[index] = notReady(nodes[index]) }
        let fleet = FleetSnapshot(cluster: cluster(nodes), groups: [],
                                  instanceStates: ["i-01": .terminated, "i-02": .running, "i-03": .running, "i-04": .running, "i-05": .shuttingDown],
                                  instancesAsked: 6)
        let items = try ScaleInReconcile.plan(fleet, policy: policy, now: now, takeOverAfter: 600)
        let deleted = items.compactMap { item -> String? in
            if case .staleNode(let plan) = item { return plan.node?.id.rawValue } else { return nil }
        }
        // i-01 terminated, i-05 shutting down, i-06 not returned by EC2 at all (long gone).
        #expect(deleted == ["c-abc12:m-1", "c-abc12:m-5"], "m-6 would take the third deletion past the 34 % budget: \(items)")
        #expect(items.contains(.keep(subject: "node c-abc12:m-6 (instance i-06 terminated or gone)",
                                     reason: "refused: scale-in budget: 3 of 6 nodes would be removed within 30 min (limit 34%)")))
        let plans = items.compactMap { item -> ScaleInPlan? in if case .staleNode(let plan) = item { plan } else { nil } }
        #expect(plans.allSatisfy { $0.steps.map(\.action) == ["delete-node"] && !$0.completes })
    }

    @Test func aNodeWhoseKubeletStillReportsReadyIsNeverStale() throws {
        // EC2 says terminated (or does not know the id) but the kubelet answers: the label is wrong, or
        // the host is in another account or region. Deleting it would be a wrong deletion.
        let nodes = (1...4).map { worker("m-\($0)", instance: "i-0\($0)") }
        let fleet = FleetSnapshot(cluster: cluster(nodes), groups: [], instanceStates: ["i-01": .terminated, "i-02": .running], instancesAsked: 4)
        let items = try ScaleInReconcile.plan(fleet, policy: policy, now: now, takeOverAfter: 600)
        #expect(!items.contains { if case .staleNode = $0 { true } else { false } }, "\(items)")
        #expect(items.filter { if case .keep(_, let reason) = $0 { reason == "its kubelet still reports Ready" } else { false } }.count == 3)
    }

    private func notReady(_ node: RancherNode) -> RancherNode {
        var node = node
        node.state = .unavailable
        node.conditions = [RancherCondition(type: "Ready", status: "Unknown")]
        return node
    }

    @Test func anEC2AnswerWithNoInstanceAtAllStopsThePass() {
        let nodes = (1...3).map { worker("m-\($0)", instance: "i-0\($0)") }
        let wrongRegion = FleetSnapshot(cluster: cluster(nodes), groups: [], instanceStates: [:], instancesAsked: 3)
        #expect(throws: ReconcileRefusal.self) { try ScaleInReconcile.plan(wrongRegion, policy: policy, now: now, takeOverAfter: 600) }
        let noNodes = FleetSnapshot(cluster: cluster([]), groups: [])
        #expect(throws: ReconcileRefusal.self) { try ScaleInReconcile.plan(noNodes, policy: policy, now: now, takeOverAfter: 600) }
    }

    @Test func hooksWaitingWithNobodyOnThemAreTakenOverOnlyOnceOldEnough() throws {
        let nodes = (1...4).map { worker("m-\($0)", instance: "i-0\($0)") }
        let hook = HookTimeouts(name: "ranchhand-scale-in", heartbeatTimeout: 3600, globalTimeout: 172_800)
        let group = FleetGroup(name: "prod-workers", terminateHook: hook,
                               instances: [waiting("i-01"), waiting("i-02"), waiting("i-03"), inService("i-04")],
                               terminateStarts: ["i-01": now.addingTimeInterval(-1800), "i-02": now.addingTimeInterval(-60)])
        let fleet = FleetSnapshot(cluster: cluster(nodes), groups: [group],
                                  instanceStates: ["i-01": .running, "i-02": .running, "i-03": .running, "i-04": .running], instancesAsked: 4)
        let items = try ScaleInReconcile.plan(fleet, policy: policy, now: now, takeOverAfter: 600)
        let taken = items.compactMap { item -> (String, Date?)? in
            if case .waitingHook(let event, let start) = item { return (event.instanceID.rawValue, start) } else { return nil }
        }
        // i-01 waited 30 min; i-03's start is unknown (AWS did not say): both taken over. i-02 is 1 min old.
        #expect(taken.map(\.0) == ["i-01", "i-03"])
        #expect(taken.first?.1 == now.addingTimeInterval(-1800), "the wait is anchored to the hook's start")
        #expect(!items.contains { if case .staleNode = $0 { true } else { false } }, "waiting instances are the hooks' to handle, not stale")
    }

    @Test func clusterAPINodeWithoutMachineIsNeverDeletedAsItsMirror() throws {
        var node = notReady(worker("machine-a", instance: "i-01"))
        node.clusterID = "c-m-4xkq7zp2"
        node.id = "c-m-4xkq7zp2:machine-a"
        let others = (2...6).map { index -> RancherNode in
            var other = worker("machine-\(index)", instance: "i-0\(index)")
            other.clusterID = "c-m-4xkq7zp2"
            return other
        }
        let fleet = FleetSnapshot(cluster: cluster([node] + others), groups: [], instanceStates: ["i-02": .running], instancesAsked: 6)
        let items = try ScaleInReconcile.plan(fleet, policy: ScaleInPolicy(budget: ScaleInBudget(maximumShare: 1)), now: now, takeOverAfter: 600)
        #expect(!items.contains { if case .staleNode = $0 { true } else { false } })
        #expect(items.contains(.keep(subject: "node c-m-4xkq7zp2:machine-a (instance i-01 terminated or gone)",
                                     reason: "no cluster-api Machine found for it; the v3 node is only Rancher's mirror")), "\(items)")
    }

    /// A Machine whose node is gone is never deleted by reconcile: with Rancher's annotation it is
    /// Rancher's to delete; without it (or when that cannot be read) an operator is alerted. Machines
    /// still mirrored, still joining or already deleting are not findings at all.
    @Test func machinesWhoseNodeIsGoneAreLeftToRancherOrAlertedNeverDeleted() throws {
        let nodes = (1...3).map { index -> RancherNode in
            var node = worker("machine-\(index)", instance: "i-0\(index)")
            node.clusterID = "c-m-4xkq7zp2"
            return node
        }
        var snapshot = cluster(nodes)
        let gone = RancherMachine(ref: MachineRef(namespace: "fleet-default", name: "custom-gone"), phase: "Running", nodeName: "node-machine-9")
        snapshot.machines = [
            gone,
            RancherMachine(ref: MachineRef(namespace: "fleet-default", name: "custom-1"), phase: "Running", nodeName: "node-machine-1"),
            RancherMachine(ref: MachineRef(namespace: "fleet-default", name: "custom-joining"), phase: "Provisioning", nodeName: nil),
            RancherMachine(ref: MachineRef(namespace: "fleet-default", name: "custom-deleting"), phase: "Deleting", nodeName: "node-x", isDeleting: true),
        ]
        let states: [InstanceID: InstanceState] = ["i-01": .running, "i-02": .running, "i-03": .running]
        let subject = "Machine fleet-default/custom-gone (its node node-machine-9 is gone)"
        func items(_ cleanup: MissingMachineCleanup?) throws -> [ReconcileItem] {
            try ScaleInReconcile.plan(FleetSnapshot(cluster: snapshot, groups: [], instanceStates: states, instancesAsked: 3, rancherCleanup: cleanup),
                                      policy: policy, now: now, takeOverAfter: 600)
        }
        #expect(try items(.after(seconds: 300, text: "5m")) == [.keep(subject: subject, reason:
            "left to Rancher, which deletes it 5m after its node went (rke.cattle.io/delete-missing-custom-machines-after)")])
        let off = try items(.off)
        #expect(off.count == 1)
        guard case .alert(subject, let reason)? = off.first else { Issue.record("\(off)"); return }
        #expect(reason.contains("Rancher keeps it") && reason.contains("rke.cattle.io/delete-missing-custom-machines-after"))
        #expect(try items(.unreadable("403")) == [.alert(subject: subject, reason: "kept; 403")])
        #expect(try items(nil).allSatisfy { if case .alert = $0 { true } else { false } })
    }

    @Test func keeperBeatsEveryWaitingHookWithinItsGlobalTimeoutAtAThirdOfTheShortestHeartbeat() {
        let short = HookTimeouts(name: "cp-terminate", heartbeatTimeout: 1200, globalTimeout: 7200)
        let long = HookTimeouts(name: "ranchhand-scale-in", heartbeatTimeout: 3600, globalTimeout: 172_800)
        let groups = [
            FleetGroup(name: "prod-cp", terminateHook: short, instances: [waiting("i-0c1")], terminateStarts: ["i-0c1": now.addingTimeInterval(-7300)]),
            FleetGroup(name: "prod-workers", terminateHook: long, instances: [waiting("i-0w1"), waiting("i-0w2"), inService("i-0w3")],
                       terminateStarts: ["i-0w1": now.addingTimeInterval(-4000)]),
            FleetGroup(name: "prod-nohook", instances: [waiting("i-0n1")]),
        ]
        let due = WaitingHookKeeper.due(groups, now: now)
        // i-0c1 is past start + GlobalTimeout: no heartbeat can extend it. i-0n1's group has no hook.
        #expect(due.map(\.instanceID) == ["i-0w1", "i-0w2"])
        #expect(due.allSatisfy { $0.token == nil && $0.hook == "ranchhand-scale-in" })
        #expect(WaitingHookKeeper.interval(groups, cap: .seconds(600)) == .seconds(400))
        #expect(WaitingHookKeeper.interval(groups, cap: .seconds(60)) == .seconds(60))
        #expect(WaitingHookKeeper.interval([], cap: .seconds(60)) == .seconds(60))
    }

    @Test func recentTerminationsAreReadFromTerminateActivitiesOnly() {
        let start = now.addingTimeInterval(-600)
        let stamp = Timestamp(parsing: "2027-01-15T07:55:00Z")!
        let activities = [
            ScalingActivity(activityID: "a1", description: "Terminating EC2 instance: i-0aaa111", cause: "", statusCode: "InProgress", startTime: stamp, endTime: nil),
            ScalingActivity(activityID: "a2", description: "Terminating EC2 instance: i-0bbb222", cause: "", statusCode: "Cancelled", startTime: stamp, endTime: nil),
            ScalingActivity(activityID: "a3", description: "Launching a new EC2 instance: i-0ccc333", cause: "", statusCode: "Successful", startTime: stamp, endTime: nil),
            ScalingActivity(activityID: "a4", description: "Terminating EC2 instance: i-0ddd444 (returning to warm pool)", cause: "", statusCode: "Successful", startTime: stamp, endTime: nil),
            ScalingActivity(activityID: "a5", description: "Terminating EC2 instance: i-0eee555", cause: "", statusCode: "Successful",
                            startTime: Timestamp(parsing: "2020-01-01T00:00:00Z"), endTime: nil),
        ]
        #expect(stamp.date > start)
        #expect(LiveScaleInWorld.recentTerminations(activities, excluding: nil, since: start) == ["i-0aaa111"])
        #expect(LiveScaleInWorld.recentTerminations(activities, excluding: "i-0aaa111", since: start) == [])
    }

    private func waiting(_ id: String) -> AutoScalingGroup.Instance {
        AutoScalingGroup.Instance(instanceID: InstanceID(id), lifecycleState: "Terminating:Wait", healthStatus: "Healthy", availabilityZone: "eu-west-1a")
    }

    private func inService(_ id: String) -> AutoScalingGroup.Instance {
        AutoScalingGroup.Instance(instanceID: InstanceID(id), lifecycleState: "InService", healthStatus: "Healthy", availabilityZone: "eu-west-1a")
    }
}

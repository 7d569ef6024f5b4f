import Foundation
import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

/// The decision table: every branch of the scale-in plan, from an event and a snapshot.
@Suite struct ScaleInDecisionTests {
    let policy = ScaleInPolicy()

    @Test func workerFoundByLabelIsDrainedThroughRancherAndDeleted() {
        let plan = ScaleInDecision.plan(for: terminating("i-0aaa"), cluster: cluster(worker("m-1", instance: "i-0aaa"), worker("m-2", instance: "i-0bbb")), policy: policy)
        #expect(plan.verdict == .deregister)
        #expect(plan.steps.map(\.action) == ["cordon", "drain", "evict", "delete-node", "complete-lifecycle-action"],
                "what a failed or timed-out drain leaves is evicted before the deletion")
        #expect(plan.node?.id == "c-abc12:m-1")
        #expect(plan.steps.last == .completeLifecycleAction(reference("i-0aaa"), .continue))
    }

    @Test func rke2NodeDeletesItsMachineNotTheMirror() {
        var node = worker("machine-x7k2p", instance: "i-0aaa")
        node.annotations = [MachineRef.machineAnnotation: "pool1-7d9f8-abcde", MachineRef.namespaceAnnotation: "fleet-default"]
        let plan = ScaleInDecision.plan(for: terminating("i-0aaa"), cluster: cluster(node, worker("machine-b", instance: "i-0bbb")), policy: policy)
        #expect(plan.steps.contains(.deleteMachine(node.reference, MachineRef(namespace: "fleet-default", name: "pool1-7d9f8-abcde"))))
        #expect(!plan.steps.contains { $0.action == "delete-node" })
    }

    @Test func missingNodeCompletesAtOnceWithContinue() {
        let plan = ScaleInDecision.plan(for: terminating("i-0zzz"), cluster: cluster(worker("m-1", instance: "i-0aaa")), policy: policy)
        #expect(plan.verdict == .skip)
        #expect(plan.steps == [.completeLifecycleAction(reference("i-0zzz"), .continue)])
    }

    @Test func ambiguousMatchTouchesNoNode() {
        let plan = ScaleInDecision.plan(for: terminating("i-0aaa"), cluster: cluster(worker("m-1", instance: "i-0aaa"), worker("m-2", instance: "i-0aaa")), policy: policy)
        #expect(plan.verdict == .skip)
        #expect(plan.steps.map(\.action) == ["complete-lifecycle-action"])
        #expect(plan.reason.contains("c-abc12:m-1, c-abc12:m-2"))
    }

    @Test func fallsBackToProviderIDThenPrivateIPThenDNSName() {
        var byProvider = worker("m-p", instance: nil)
        byProvider.providerID = "aws:///eu-west-1a/i-0aaa"
        #expect(ScaleInDecision.plan(for: terminating("i-0aaa"), cluster: cluster(byProvider, worker("m-o", instance: nil)), policy: policy).node?.id == byProvider.id)

        var byIP = worker("m-ip", instance: nil)
        byIP.ipAddress = "10.0.4.17"
        let address = InstanceAddress(instanceId: "i-0aaa", privateIpAddress: "10.0.4.17", privateDnsName: "ip-10-0-4-17.eu-west-1.compute.internal")
        #expect(ScaleInDecision.plan(for: terminating("i-0aaa"), cluster: cluster(byIP, worker("m-o", instance: nil), instances: [address]), policy: policy).node?.id == byIP.id)

        var byDNS = worker("m-dns", instance: nil)
        byDNS.hostname = "ip-10-0-4-17"
        #expect(ScaleInDecision.plan(for: terminating("i-0aaa"), cluster: cluster(byDNS, worker("m-o", instance: nil), instances: [address]), policy: policy).node?.id == byDNS.id)
    }

    @Test func etcdWithQuorumIsCordonedAndEvictedThroughKubernetes() {
        let members = (1...3).map { etcd("m-e\($0)", instance: "i-0e\($0)") }
        let plan = ScaleInDecision.plan(for: terminating("i-0e1"), cluster: cluster(members + [worker("m-w", instance: "i-0w")]), policy: policy)
        #expect(plan.verdict == .deregister)
        #expect(plan.steps.map(\.action) == ["cordon", "evict", "delete-node", "complete-lifecycle-action"])
    }

    @Test func etcdWithoutQuorumIsAbandonedWhenTheGroupRetainsInstances() {
        var members = (1...3).map { etcd("m-e\($0)", instance: "i-0e\($0)") }
        members[2].state = .unavailable
        let retain = GroupFacts(name: "etcd", terminateHookAbandon: "retain")
        let plan = ScaleInDecision.plan(for: terminating("i-0e1"), cluster: cluster(members, group: retain), policy: policy)
        #expect(plan.verdict == .refuse)
        #expect(plan.steps == [.completeLifecycleAction(reference("i-0e1"), .abandon)])
        #expect(plan.reason.contains("would leave 1 healthy of 3 members; quorum needs 2"))
    }

    @Test func etcdWithoutQuorumHoldsWhenAbandonWouldStillTerminate() {
        var members = (1...3).map { etcd("m-e\($0)", instance: "i-0e\($0)") }
        members[1].state = .removing
        for group in [GroupFacts(name: "etcd", terminateHookAbandon: "terminate"), nil] {
            let plan = ScaleInDecision.plan(for: terminating("i-0e1"), cluster: cluster(members, group: group), policy: policy)
            #expect(plan.verdict == .refuse)
            #expect(plan.steps.map(\.action) == ["cordon", "evict", "hold"], "the instance goes either way: drain it, hold the deletion")
            #expect(!plan.completes)
        }
    }

    @Test func lastEtcdMemberAndLastControlPlaneAreNeverRemoved() {
        let lone = etcd("m-e1", instance: "i-0e1")
        #expect(ScaleInDecision.plan(for: terminating("i-0e1"), cluster: cluster(lone, worker("m-w", instance: "i-0w")), policy: policy).verdict == .refuse)
        var cp = worker("m-cp", instance: "i-0cp")
        cp.worker = false
        cp.controlPlane = true
        var deadCP = worker("m-cp2", instance: "i-0cp2")
        deadCP.worker = false
        deadCP.controlPlane = true
        deadCP.state = .unavailable
        let plan = ScaleInDecision.plan(for: terminating("i-0cp"), cluster: cluster(cp, deadCP, worker("m-w", instance: "i-0w")), policy: policy)
        #expect(plan.verdict == .refuse)
        #expect(plan.reason.contains("last healthy control-plane node"))
    }

    @Test func warmPoolReturnDrainsButKeepsTheNode() {
        var event = terminating("i-0aaa")
        event.origin = .autoScalingGroup
        event.destination = .warmPool
        let plan = ScaleInDecision.plan(for: event, cluster: cluster(worker("m-1", instance: "i-0aaa")), policy: policy)
        #expect(plan.verdict == .drainOnly)
        #expect(plan.steps.map(\.action) == ["cordon", "drain", "evict", "complete-lifecycle-action"])
    }

    @Test func unavailableNodeIsEvictedWithoutARancherDrainThatCouldNeverFinish() {
        var dead = worker("m-1", instance: "i-0aaa")
        dead.state = .unavailable
        let plan = ScaleInDecision.plan(for: terminating("i-0aaa"), cluster: cluster(dead, worker("m-2", instance: "i-0b")), policy: policy)
        #expect(plan.steps.map(\.action) == ["evict", "delete-node", "complete-lifecycle-action"])
    }

    @Test func budgetCountsRemovingNodesAndTerminationsRancherHasForgotten() {
        var nodes = (1...10).map { worker("m-\($0)", instance: "i-0\($0)") }
        for index in 1...3 { nodes[index].state = .removing }
        let plan = ScaleInDecision.plan(for: terminating("i-01"), cluster: cluster(nodes), policy: policy)
        #expect(plan.verdict == .refuse)
        #expect(plan.reason.contains("4 of 10 nodes"))
        // Three terminations Rancher has already forgotten: the cluster was 12 nodes, 4 of 12 ≤ 34 %.
        let healthy = (1...9).map { worker("m-\($0)", instance: "i-0\($0)") }
        let gone: [InstanceID] = ["i-0x1", "i-0x2", "i-0x3", "i-0x4"]
        #expect(ScaleInDecision.plan(for: terminating("i-01"), cluster: cluster(healthy, recentTerminations: Array(gone.prefix(3))), policy: policy).verdict == .deregister)
        let refused = ScaleInDecision.plan(for: terminating("i-01"), cluster: cluster(healthy, recentTerminations: gone), policy: policy)
        #expect(refused.verdict == .refuse)
        #expect(refused.reason.contains("5 of 13 nodes"))
    }

    @Test func budgetCountsEachDepartingMachineOnce() {
        // i-02 and i-03 are removing in Rancher and also appear as terminations: two departures, not four.
        var nodes = (1...10).map { worker("m-\($0)", instance: "i-0\($0)") }
        nodes[1].state = .removing
        nodes[2].state = .removing
        let count = policy.budget.departures(excluding: nodes[0], nodes: nodes, recentTerminations: ["i-02", "i-03"])
        #expect(count == ScaleInBudget.Departures(removed: 2, clusterSize: 10))
        // Terminations still waiting in their hooks with their nodes in place have removed nothing yet.
        let waiting = policy.budget.departures(excluding: nodes[0], nodes: nodes, recentTerminations: ["i-04", "i-05", "i-06"])
        #expect(waiting == ScaleInBudget.Departures(removed: 2, clusterSize: 10))
        #expect(ScaleInDecision.plan(for: terminating("i-01"), cluster: cluster(nodes, recentTerminations: ["i-02", "i-03", "i-04"]), policy: policy).verdict == .deregister)
    }

    @Test func budgetLetsABurstThroughUpToItsShareOnly() {
        // 12 of 23 terminated at once, 34 %: deletions 1…7 pass (7/23 = 30 %), the 8th (35 %) waits.
        var nodes = (1...23).map { worker("m-\($0)", instance: "i-\($0)") }
        var allowed = 0
        for index in 0..<12 {
            let plan = ScaleInDecision.plan(for: terminating("i-\(index + 1)"), cluster: cluster(nodes), policy: policy)
            if plan.verdict == .deregister {
                allowed += 1
                nodes[index].state = .removing
            } else {
                #expect(plan.verdict == .refuse)
                #expect(plan.steps.map(\.action) == ["cordon", "drain", "evict", "hold"], "refused workers are still drained")
            }
        }
        #expect(allowed == 7)
        #expect(policy.budget.allowance(clusterSize: 23, removed: 0) == 7)
        #expect(policy.budget.allowance(clusterSize: 23, removed: 7) == 0)
        #expect(ScaleInBudget(maximumShare: 0.1, windowSeconds: 60, alwaysAllowed: 1).allowance(clusterSize: 3, removed: 0) == 1)
    }

    @Test func emptyNodeListIsNeverReadAsNotInTheCluster() {
        let plan = ScaleInDecision.plan(for: terminating("i-0aaa"), cluster: cluster([]), policy: policy)
        #expect(!plan.completes)
        #expect(plan.steps.map(\.action) == ["hold"])
        #expect(plan.reason.contains("lists no nodes"))
    }

    @Test func clusterAPINodeWithoutAnnotationsIsRemovedThroughTheMachineOfItsNodeRef() {
        var node = worker("machine-x7k2p", instance: "i-0aaa")
        node.id = "c-m-4xkq7zp2:machine-x7k2p"
        node.clusterID = "c-m-4xkq7zp2"
        var other = worker("machine-b", instance: "i-0bbb")
        other.clusterID = "c-m-4xkq7zp2"
        let machine = RancherMachine(ref: MachineRef(namespace: "fleet-default", name: "custom-0a1b"), phase: "Running", nodeName: node.nodeName)
        var snapshot = cluster(node, other)
        snapshot.machines = [machine, RancherMachine(ref: MachineRef(namespace: "fleet-default", name: "custom-9z"), phase: "Running", nodeName: "elsewhere")]
        let plan = ScaleInDecision.plan(for: terminating("i-0aaa"), cluster: snapshot, policy: policy)
        #expect(plan.steps.contains(.deleteMachine(node.reference, machine.ref)))

        snapshot.machines = []
        let held = ScaleInDecision.plan(for: terminating("i-0aaa"), cluster: snapshot, policy: policy)
        #expect(held.steps.map(\.action) == ["cordon", "drain", "evict", "hold"], "drained, never the v3 mirror deleted")
        #expect(!held.completes)
    }

    @Test func launchHooksAreNotTheScaleInHandlers() {
        var event = terminating("i-0aaa")
        event.transition = .launching
        let plan = ScaleInDecision.plan(for: event, cluster: cluster(worker("m-1", instance: "i-0aaa")), policy: policy)
        #expect(plan.verdict == .skip)
        #expect(plan.steps.isEmpty)
    }

    @Test func planPrintsAsDocumentedJSON() throws {
        let plan = ScaleInDecision.plan(for: terminating("i-0aaa"), cluster: cluster(worker("m-1", instance: "i-0aaa"), worker("m-2", instance: "i-0b")), policy: policy)
        let json = try JSONValue.parse(plan.jsonLine)
        #expect(json["version"] == JSONValue.number(1))
        #expect(json["decision"]?.stringValue == "deregister")
        let steps = try #require(json["steps"]?.arrayValue)
        #expect(steps[1]["action"]?.stringValue == "drain")
        #expect(steps[1]["node"]?.stringValue == "c-abc12:m-1")
        #expect(steps[1]["drain"]?["timeout"] == JSONValue.number(600))
        #expect(steps[2]["eviction"]?["maximumWaitSeconds"] == JSONValue.number(3600))
        #expect(steps[4]["result"]?.stringValue == "CONTINUE")
        #expect(steps[4]["hook"]?.stringValue == "ranchhand-terminate")
    }
}

/// With the node pool's DNS managed, every plan that drains starts by withdrawing the instance's record.
@Suite struct ScaleInDNSFirstTests {
    var policy: ScaleInPolicy {
        var policy = ScaleInPolicy()
        policy.withdrawsFromDNS = true
        return policy
    }
    let addresses = [InstanceAddress(instanceId: "i-0aaa", privateIpAddress: "10.0.1.5", publicIpAddress: "203.0.113.5")]

    @Test func dnsGoesFirstThenDrainDeleteComplete() throws {
        let plan = ScaleInDecision.plan(for: terminating("i-0aaa"), cluster: cluster(worker("m-1", instance: "i-0aaa"), worker("m-2", instance: "i-0b"),
                                                                                      instances: addresses), policy: policy)
        #expect(plan.steps.map(\.action) == ["withdraw-dns", "cordon", "drain", "evict", "delete-node", "complete-lifecycle-action"])
        #expect(plan.steps.first == .withdrawFromDNS(DNSWithdrawal(instanceID: "i-0aaa", addresses: ["10.0.1.5", "203.0.113.5"])))
        let step = try #require(try JSONValue.parse(plan.jsonLine)["steps"]?.arrayValue?.first)
        #expect(step["instanceId"]?.stringValue == "i-0aaa" && step["addresses"]?.arrayValue?.count == 2 && step["maximumWaitSeconds"] == nil)
    }

    @Test func theWaitIsBoundedByTwiceTheTTLAndAMinute() {
        #expect(DNSWithdrawal(instanceID: "i-0aaa", addresses: []).waitBound(ttl: 60) == 180)
        #expect(DNSWithdrawal(instanceID: "i-0aaa", addresses: [], maximumWaitSeconds: 10).waitBound(ttl: 60) == 10)
    }

    @Test func everyDrainingPlanWithdrawsAndAKeptNodeDoesNot() {
        var members = (1...3).map { etcd("m-e\($0)", instance: "i-0e\($0)") }
        members[1].state = .removing
        let held = ScaleInDecision.plan(for: terminating("i-0e1"), cluster: cluster(members, group: GroupFacts(name: "etcd", terminateHookAbandon: "terminate")),
                                        policy: policy)
        #expect(held.steps.map(\.action) == ["withdraw-dns", "cordon", "evict", "hold"], "the instance goes either way")
        let kept = ScaleInDecision.plan(for: terminating("i-0e1"), cluster: cluster(members, group: GroupFacts(name: "etcd", terminateHookAbandon: "retain")),
                                        policy: policy)
        #expect(kept.steps.map(\.action) == ["complete-lifecycle-action"], "ABANDON on a retaining group keeps the node, and its record")
        let missing = ScaleInDecision.plan(for: terminating("i-0zzz"), cluster: cluster(worker("m-1", instance: "i-0aaa")), policy: policy)
        #expect(missing.steps.map(\.action) == ["complete-lifecycle-action"], "no node: ranchhand-dns's own sync removes any record")
        #expect(!ScaleInDecision.plan(for: terminating("i-0aaa"), cluster: cluster(worker("m-1", instance: "i-0aaa"), worker("m-2", instance: "i-0b")),
                                      policy: ScaleInPolicy()).steps.contains { $0.action == "withdraw-dns" }, "off unless a zone is configured")
    }

    @Test func aSpotInterruptionWaitsTenSecondsAtMost() {
        let plan = InterruptionDecision.plan(.spotInterruption, instance: "i-0aaa", cluster: cluster(worker("m-1", instance: "i-0aaa"), instances: addresses),
                                             policy: policy)
        #expect(plan.steps.first == .withdrawFromDNS(DNSWithdrawal(instanceID: "i-0aaa", addresses: ["10.0.1.5", "203.0.113.5"], maximumWaitSeconds: 10)))
        let rebalance = InterruptionDecision.plan(.rebalance, instance: "i-0aaa", cluster: cluster(worker("m-1", instance: "i-0aaa")), policy: policy)
        #expect(rebalance.steps.map(\.action) == ["cordon"], "a cordoned node leaves ranchhand-dns's pool on its next sync")
    }
}

func terminating(_ instance: String) -> LifecycleActionNotification {
    LifecycleActionNotification(transition: .terminating, hookName: "ranchhand-terminate", groupName: "rancher-workers",
                                instanceID: InstanceID(instance), token: "3f2a6d1e-8b4c-4e0f-9a7d-5c6b2e1f0a9d")
}

func reference(_ instance: String) -> LifecycleActionReference {
    LifecycleActionReference(terminating(instance))
}

func worker(_ name: String, instance: String?) -> RancherNode {
    RancherNode(id: RancherNodeID("c-abc12:\(name)"), name: name, nodeName: "node-\(name)",
                labels: instance.map { [NodeMatcher.instanceIDLabel: $0] } ?? [:], worker: true, state: .active,
                conditions: [RancherCondition(type: "Ready", status: "True")])
}

func etcd(_ name: String, instance: String) -> RancherNode {
    var node = worker(name, instance: instance)
    node.worker = false
    node.etcd = true
    node.controlPlane = true
    return node
}

func cluster(_ nodes: RancherNode..., instances: [InstanceAddress] = [], group: GroupFacts? = nil, recentTerminations: [InstanceID] = []) -> ClusterSnapshot {
    cluster(nodes, instances: instances, group: group, recentTerminations: recentTerminations)
}

func cluster(_ nodes: [RancherNode], instances: [InstanceAddress] = [], group: GroupFacts? = nil, recentTerminations: [InstanceID] = []) -> ClusterSnapshot {
    ClusterSnapshot(rancherNodes: nodes, instances: instances, autoScalingGroup: group, recentTerminations: recentTerminations)
}

import Foundation
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// A drain is done when the pods are gone. moto (with the launcher's lifecycle hooks) holds the
/// instance in Terminating:Wait; the sandbox's Rancher fails drains as kubectl does (a bare pod
/// without `force`), its Eviction API honours PodDisruptionBudgets, and it logs what was still bound
/// to each node when its deletion was requested.
@Suite struct ScaleInDrainTests {
    @Test func failedRancherDrainIsFinishedThroughTheEvictionAPIBeforeTheNodeIsDeleted() async throws {
        let harness = try await ScaleInHarness.start()
        defer { Task { await harness.sandbox.stop() } }
        let (group, victim, nodeName, _) = try await terminatedWorker(harness, prefix: "dfail")
        await harness.sandbox.world.addPod(SandboxPod(namespace: "shop", name: "web-7d9f-a", nodeName: nodeName), in: harness.cluster)
        await harness.sandbox.world.addPod(SandboxPod(namespace: "batch", name: "one-off", nodeName: nodeName, ownerKind: nil), in: harness.cluster)
        await harness.sandbox.world.addPod(SandboxPod(namespace: "kube-system", name: "proxy-x", nodeName: nodeName, ownerKind: "DaemonSet"), in: harness.cluster)

        let seed = harness.seed
        let released = try await harness.pollUntil(queue: try #require(group.queueUrl), handler: harness.handler()) {
            try await seed.ec2States([victim])[victim] == "terminated"
        }

        #expect(released, "the hook was never completed")
        let deletions = await harness.sandbox.world.deletionLog.filter { $0.nodeName == nodeName }
        #expect(deletions.count == 1)
        #expect(deletions.first?.podsBound == [], "deleted with pods still bound: \(deletions)")
        let evictions = await harness.sandbox.requests().filter { $0.method == "POST" && $0.path.hasSuffix("/eviction") }.map(\.path)
        #expect(evictions.contains { $0.contains("/namespaces/batch/pods/one-off/") }, "the pod the drain refused was evicted: \(evictions)")
        #expect(!evictions.contains { $0.contains("proxy-x") }, "DaemonSet pods are never evicted")
    }

    @Test func podsThatCannotLeaveHoldTheDeletionUntilMaxDrainWaitThenAreNamed() async throws {
        let harness = try await ScaleInHarness.start()
        defer { Task { await harness.sandbox.stop() } }
        let (group, victim, nodeName, terminatedAt) = try await terminatedWorker(harness, prefix: "dpdb")
        let world = harness.sandbox.world
        await world.addPod(SandboxPod(namespace: "db", name: "primary-0", nodeName: nodeName, labels: ["app": "db"], ownerKind: "StatefulSet"), in: harness.cluster)
        await world.addDisruptionBudget(SandboxDisruptionBudget(namespace: "db", name: "db", matchLabels: ["app": "db"], minAvailable: 1), in: harness.cluster)
        await world.addPod(SandboxPod(namespace: "ml", name: "train-5c-q", nodeName: nodeName, annotations: [Pod.doNotDisruptAnnotation: "true"]),
                           in: harness.cluster)
        await world.addPod(SandboxPod(namespace: "shop", name: "web-7d9f-b", nodeName: nodeName), in: harness.cluster)
        let results = ResultLog()
        // The drain's own timeout far past MaxDrainWait, so a deletion at MaxDrainWait (plus a loaded
        // CI box's slowness) cannot be confused with one at the drain timeout.
        var policy = ScaleInPolicy(drain: DrainOptions(timeout: 180))
        policy.eviction.maximumWaitSeconds = 8

        let seed = harness.seed
        let handler = harness.handler(policy: policy, observers: [results])
        let released = try await harness.pollUntil(queue: try #require(group.queueUrl), handler: handler, timeout: .seconds(150)) {
            try await seed.ec2States([victim])[victim] == "terminated"
        }

        #expect(released)
        let forcedPods: [NamespacedName] = [NamespacedName(namespace: "db", name: "primary-0"), NamespacedName(namespace: "ml", name: "train-5c-q")]
        let reported = await results.all
        #expect(reported.contains(.completedForced(.continue, pods: forcedPods)), "results: \(reported)")
        let deletion = await world.deletionLog.first { $0.nodeName == nodeName }
        #expect(deletion?.podsBound == ["db/primary-0", "ml/train-5c-q"], "only the pods that could not leave were still bound")
        // MaxDrainWait counts from the hook's start (the notification's time), not from the delivery.
        let waited = try #require(deletion).at.timeIntervalSince(terminatedAt)
        #expect(waited >= 7 && waited < 90, "deleted \(waited) s after the termination; MaxDrainWait is 8 s, the drain timeout 180 s")
        let evictions = await harness.sandbox.requests().filter { $0.method == "POST" && $0.path.hasSuffix("/eviction") }.map(\.path)
        #expect(!evictions.contains { $0.contains("train-5c-q") }, "a do-not-disrupt pod is not evicted before MaxDrainWait")
        let text = ScaleInAnnouncement.text(terminatingEvent(victim, group: group.group), plan: planStub(victim),
                                            result: .completedForced(.continue, pods: forcedPods))
        #expect(text?.contains("db/primary-0, ml/train-5c-q") == true)
    }

    @Test func notReadyWorkerStillHasItsPodsEvictedWhileItsInstanceLives() async throws {
        let harness = try await ScaleInHarness.start()
        defer { Task { await harness.sandbox.stop() } }
        let (group, victim, nodeName, _) = try await terminatedWorker(harness, prefix: "dnr", notReady: true)
        await harness.sandbox.world.addPod(SandboxPod(namespace: "shop", name: "web-7d9f-c", nodeName: nodeName), in: harness.cluster)

        let seed = harness.seed
        let released = try await harness.pollUntil(queue: try #require(group.queueUrl), handler: harness.handler()) {
            try await seed.ec2States([victim])[victim] == "terminated"
        }

        #expect(released)
        let evictions = await harness.sandbox.requests().filter { $0.method == "POST" && $0.path.hasSuffix("/eviction") }.map(\.path)
        #expect(evictions.contains { $0.contains("web-7d9f-c") })
        #expect(await harness.sandbox.world.deletionLog.first { $0.nodeName == nodeName }?.podsBound == [])
    }

    /// A group of three workers (plus three etcd nodes elsewhere) whose first instance is terminated
    /// and waits on its hook; returns it and its node's name.
    private func terminatedWorker(_ harness: ScaleInHarness, prefix: String, notReady: Bool = false) async throws -> (Seed.Group, String, String, Date) {
        let group = try await harness.seed.group("\(prefix)-\(UUID().uuidString.prefix(8))", desired: 3,
                                                 hook: Seed.Hook(name: "ranchhand-scale-in", heartbeatTimeout: 60), queue: true)
        let victim = group.instanceIds[0]
        let workers = await harness.addNodes(group.instanceIds, roles: .worker, prefix: prefix, notReady: notReady ? [victim] : [])
        _ = await harness.addNodes(["i-0etcd000000000001", "i-0etcd000000000002", "i-0etcd000000000003"], roles: [.etcd, .controlPlane], prefix: "cp")
        let nodeName = try #require(await harness.sandbox.world.node(workers[0])?.nodeName)
        let terminatedAt = Date()
        try await harness.seed.terminate(victim)
        return (group, victim, nodeName, terminatedAt)
    }

    private func terminatingEvent(_ instance: String, group: String) -> LifecycleActionNotification {
        LifecycleActionNotification(transition: .terminating, hookName: "ranchhand-scale-in", groupName: AutoScalingGroupName(group),
                                    instanceID: InstanceID(instance), token: "")
    }

    private func planStub(_ instance: String) -> ScaleInPlan {
        ScaleInPlan(instanceID: InstanceID(instance), verdict: .deregister, reason: "", steps: [])
    }
}

/// Collects every scale-in result the handler reports.
actor ResultLog: ScaleInObserver {
    private(set) var all: [ScaleInResult] = []
    func scaleIn(_ event: LifecycleActionNotification, plan: ScaleInPlan, result: ScaleInResult) async { all.append(result) }
}

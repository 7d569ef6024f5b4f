import Foundation
import RanchhandClients
import RanchhandHandlers
import RanchhandSandbox
import RanchhandTestSupport
import Testing
@testable import ranchhand_scale_in

extension FleetScenarios {
    /// The fleet's failure paths in poll and in Lambda mode (FleetDriver), with the stack's settings
    /// ÷ 60 (FleetScenario): moto with the lifecycle extension (its terminate activities feed the
    /// budget's window), the sandbox's Rancher, the DynamoDB deletion lease.
    @Suite("Fleet failure paths (moto, sandbox, stack settings ×60)", .serialized)
    struct FleetFailurePathTests {
        /// The queue as the stack creates it: its visibility timeout and its redrive to a dead-letter queue.
        static func queue(_ settings: StackSettings) -> ScaleInFleet.QueueSpec {
            ScaleInFleet.QueueSpec(visibilityTimeout: Int(settings.visibilityTimeout.rounded()), maxReceiveCount: settings.maxReceiveCount)
        }

        /// Twenty workers and three etcd nodes; twelve workers terminated at once. The budget lets
        /// its share go in the first window and holds the rest — drained, hooks kept alive — until
        /// the window has moved past the first terminations.
        @Test(arguments: FleetDriver.allCases)
        func twelveOfTwentyThreeNodesLeaveOneBudgetWindowAtATime(_ driver: FleetDriver) async throws {
            let nodeNames = (0..<20).map { "worker-\($0)" }
            let scenario = try await FleetScenario.start(nodeNames: nodeNames, seed: 41, failing: 0.25, https: driver == .lambda, label: "test.fleet.budget")
            defer { Task { await scenario.sandbox.stop() } }
            let created = try await scenario.fleet.create(scenario.name, groups: [ScaleInFleet.GroupSpec(suffix: "a", size: 20)],
                                                          heartbeatTimeout: Int(scenario.settings.heartbeatTimeout), queue: Self.queue(scenario.settings))
            let session = try await FleetSession.start(driver, scenario, created)
            defer { session.stop() }
            let instances = created.groups[0].instanceIds
            await scenario.addWorkers(instances, names: nodeNames, subnet: 9)
            let victims = Array(instances.prefix(12))
            let (options, _) = try FleetScenario.toolDefaults()
            let window = Double(options.breakerWindow) / FleetScenario.factor
            let budget = ScaleInBudget(maximumShare: options.breakerMaxShare, windowSeconds: Int(window))
            let share = budget.allowance(clusterSize: 23, removed: 0)
            #expect(share == 7, "0.34 of 23 nodes")

            let started = Date()
            try await scenario.fleet.terminate(victims)
            let released = try await session.run(timeout: .seconds(Int64(3 * window + 60)),
                                                 until: scenario.allTerminated(victims, groups: [created.groups[0].group]))

            #expect(released, "not every victim was released in \(Int(Date().timeIntervalSince(started))) s")
            let deletions = await scenario.sandbox.world.deletionLog.sorted { $0.at < $1.at }
            let offsets = deletions.map { $0.at.timeIntervalSince(started) }
            // The window counts from each termination's start (its activity's StartTime, after `started`).
            #expect(offsets.filter { $0 < window }.count == share, "deletions at \(offsets.map { Int($0) }) s; window \(Int(window)) s")
            #expect(deletions.count == victims.count, "\(deletions.map(\.nodeName))")
            #expect(deletions.allSatisfy { $0.podsBound.isEmpty }, "every one drained: \(deletions.filter { !$0.podsBound.isEmpty })")
            let victimNames = Set(victims.map { nodeNames[instances.firstIndex(of: $0)!] })
            #expect(Set(deletions.map(\.nodeName)) == victimNames)
            let timedOut = try await MotoLifecycleStats.read().timedOut.filter { victims.contains($0.instanceId) }
            #expect(timedOut.isEmpty, "held hooks were kept alive: \(timedOut)")
            #expect(try await session.deadLettered() == 0, "a held hook's message must not spend the queue's receives")
            if let statistics = await session.statistics { #expect(statistics.failedInvocations == 0, "\(statistics.errors)") }
            print("fleet budget (\(driver)): 12 of 23 nodes, share \(share) per \(Int(window)) s window: deletions at \(offsets.map { Int($0) }) s")
        }

        /// Twenty of sixty workers terminated together, a quarter of the drains ending Drained=False;
        /// on three victims a pod cannot leave (two behind PodDisruptionBudgets, one marked
        /// do-not-disrupt). Nothing is deleted with a pod bound unless MaxDrainWait forced it, and
        /// then the result and its announcement name the pods.
        @Test(arguments: FleetDriver.allCases)
        func aQuarterOfTwentyDrainsFailAndOnlyMaxDrainWaitForcesADeletionNamingThePods(_ driver: FleetDriver) async throws {
            let nodeNames = (0..<60).map { "worker-\($0)" }
            let scenario = try await FleetScenario.start(nodeNames: nodeNames, seed: 43, failing: 0.25, https: driver == .lambda, label: "test.fleet.drains")
            defer { Task { await scenario.sandbox.stop() } }
            let created = try await scenario.fleet.create(scenario.name, groups: [ScaleInFleet.GroupSpec(suffix: "a", size: 60)],
                                                          heartbeatTimeout: Int(scenario.settings.heartbeatTimeout), queue: Self.queue(scenario.settings))
            let instances = created.groups[0].instanceIds
            await scenario.addWorkers(instances, names: nodeNames, subnet: 10)
            let world = scenario.sandbox.world
            let victims = Array(instances.prefix(20))
            let stuck = [0: NamespacedName(namespace: "db", name: "primary-0"), 1: NamespacedName(namespace: "db", name: "replica-1"),
                         2: NamespacedName(namespace: "ml", name: "train-5c-q")]
            for (index, pod) in stuck {
                let owner = pod.namespace == "db" ? "StatefulSet" : "ReplicaSet"
                let annotations = pod.namespace == "ml" ? [Pod.doNotDisruptAnnotation: "true"] : [:]
                await world.addPod(SandboxPod(namespace: pod.namespace, name: pod.name, nodeName: nodeNames[index], labels: ["app": pod.name],
                                              ownerKind: owner, annotations: annotations), in: scenario.cluster)
                if pod.namespace == "db" {
                    await world.addDisruptionBudget(SandboxDisruptionBudget(namespace: "db", name: pod.name, matchLabels: ["app": pod.name],
                                                                            minAvailable: 1), in: scenario.cluster)
                }
            }
            let maxDrainWait = scenario.settings.maxDrainWait
            let session = try await FleetSession.start(driver, scenario, created)
            defer { session.stop() }

            let started = Date()
            try await scenario.fleet.terminate(victims)
            let released = try await session.run(timeout: .seconds(Int64(maxDrainWait * 2 + 60)),
                                                 until: scenario.allTerminated(victims, groups: [created.groups[0].group]))

            #expect(released)
            let deletions = await world.deletionLog
            #expect(Set(deletions.map(\.nodeName)) == Set(victims.indices.map { nodeNames[$0] }))
            let forcedNodes = Set(stuck.keys.map { nodeNames[$0] })
            for deletion in deletions where !deletion.podsBound.isEmpty {
                #expect(forcedNodes.contains(deletion.nodeName), "\(deletion.nodeName) deleted with \(deletion.podsBound) bound, not forced")
                #expect(deletion.at.timeIntervalSince(started) >= maxDrainWait, "\(deletion.nodeName) forced before MaxDrainWait")
            }
            // The alert: one critical line per forced node, naming the pods left on it.
            let forced = session.logLines("MaxDrainWait reached: removing the node with pods still bound")
            #expect(forced.allSatisfy { $0["level"] == "critical" })
            let named = Dictionary(forced.compactMap { line in line["instance_id"].map { ($0, line["pods"] ?? "") } }) { first, _ in first }
            #expect(Set(named.keys) == Set(stuck.keys.map { victims[$0] }), "forced: \(named)")
            for (index, pod) in stuck { #expect(named[victims[index]] == pod.description, "\(victims[index]) names \(pod)") }
            let failedDrains = FleetScenario.drainScripts(nodeNames, seed: 43, failing: 0.25).filter { victims.indices.map { nodeNames[$0] }.contains($0.key) && $0.value.failure != nil }
            #expect(failedDrains.count >= 3, "the scenario exercises failed drains (\(failedDrains.count) of 20)")
            let timedOut = try await MotoLifecycleStats.read().timedOut.filter { victims.contains($0.instanceId) }
            #expect(timedOut.isEmpty, "hooks that timed out: \(timedOut)")
            #expect(try await session.deadLettered() == 0)
            if let statistics = await session.statistics { #expect(statistics.failedInvocations == 0, "\(statistics.errors)") }
        }
    }
}

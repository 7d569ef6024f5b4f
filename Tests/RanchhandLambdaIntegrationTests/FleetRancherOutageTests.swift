import Foundation
import RanchhandClients
import RanchhandHandlers
import RanchhandSandbox
import RanchhandTestSupport
import Testing

extension FleetScenarios {
    /// Rancher goes wrong under a fleet, in poll and in Lambda mode (FleetDriver; moto with the
    /// lifecycle extension and SSM, the sandbox's Rancher, stack settings ÷ 60): the token loses its
    /// role on the cluster, so every node list is empty (and a function that starts now cannot read
    /// the cluster); then the token is rotated (the old one answers 401) and the new one put in the
    /// SSM parameter the handler reads.
    @Suite("Fleet under a Rancher outage (moto, sandbox, stack settings ×60)", .serialized)
    struct FleetRancherOutageTests {
        @Test(arguments: FleetDriver.allCases)
        func anEmptyNodeListCompletesNoHookAndARotatedTokenIsRecoveredFrom(_ driver: FleetDriver) async throws {
            let nodeNames = (0..<10).map { "worker-\($0)" }
            let scenario = try await FleetScenario.start(nodeNames: nodeNames, seed: 47, failing: 0.25, https: driver == .lambda, label: "test.fleet.outage")
            defer { Task { await scenario.sandbox.stop() } }
            let settings = scenario.settings
            let created = try await scenario.fleet.create(
                scenario.name, groups: [ScaleInFleet.GroupSpec(suffix: "a", size: 10)], heartbeatTimeout: Int(settings.heartbeatTimeout),
                queue: ScaleInFleet.QueueSpec(visibilityTimeout: Int(settings.visibilityTimeout.rounded()), maxReceiveCount: settings.maxReceiveCount))
            let instances = created.groups[0].instanceIds, group = created.groups[0].group
            await scenario.addWorkers(instances, names: nodeNames, subnet: 11)
            let world = scenario.sandbox.world
            let cluster = scenario.cluster
            await world.update { $0.clustersOutOfSight = [cluster] }
            let victims = Array(instances.prefix(3))
            let session = try await FleetSession.start(driver, scenario, created)
            defer { session.stop() }

            // Longer than a heartbeat timeout: only the keeper's heartbeats keep the hooks alive.
            let outage = settings.heartbeatTimeout * 1.2
            try await scenario.fleet.terminate(victims)
            let fleet = scenario.fleet
            let outageOver = Date().addingTimeInterval(outage)
            let ended = try await session.run(timeout: .seconds(Int64(outage) + 30)) {
                guard Date() >= outageOver else { return false }
                let states = try await fleet.states(groups: [group], instanceIDs: victims)
                return victims.allSatisfy { states.lifecycle[$0] == "Terminating:Wait" }
            }

            #expect(ended, "every hook still waiting after \(Int(outage)) s of empty node lists")
            #expect(await world.deletionLog.isEmpty, "nothing deleted on an empty list")
            let stats = try await MotoLifecycleStats.read()
            #expect(stats.completed.filter { victims.contains($0.instanceId) }.isEmpty, "no hook completed on the empty list: \(stats.completed)")
            #expect(stats.timedOut.filter { victims.contains($0.instanceId) }.isEmpty, "hooks that timed out: \(stats.timedOut)")
            // The alert: a critical line per held hook, saying why.
            let held = session.logLines("scale-in refused; hook held for an operator").filter { $0["reason"]?.contains("lists no nodes") == true }
            #expect(Set(held.compactMap { $0["instance_id"] }) == Set(victims), "each held for the empty list: \(held)")
            #expect(held.allSatisfy { $0["level"] == "critical" })
            if driver == .lambda {
                // Functions started during the outage: they start anyway and keep the hooks alive.
                let startups = session.logLines().filter { $0["message"]?.contains("starting anyway") == true }
                #expect(!startups.isEmpty && startups.allSatisfy { $0["level"] == "critical" }, "no cold start reported the unreadable cluster")
            }

            let rotated = "token-rot47:" + String(repeating: "r", count: 54)
            await world.rotateAPIToken(to: rotated)
            try await AWSTestContext.seed().parameters([Seed.Parameter(name: scenario.tokenParameter, type: "SecureString", value: rotated)])
            await world.update { $0.clustersOutOfSight = [] }
            let recovered = try await session.run(timeout: .seconds(Int64(settings.maxDrainWait + 60)),
                                                  until: scenario.allTerminated(victims, groups: [group]))

            #expect(recovered, "the hooks were handled once the rotated token was read")
            let deletions = await world.deletionLog
            #expect(Set(deletions.map(\.nodeName)) == Set(victims.indices.map { nodeNames[$0] }), "\(deletions.map(\.nodeName))")
            #expect(deletions.allSatisfy { $0.podsBound.isEmpty }, "drained before deletion: \(deletions)")
            let statuses = await scenario.sandbox.requests().map(\.status)
            let firstRejection = try #require(statuses.firstIndex(of: 401), "the old token was rejected")
            #expect(statuses[firstRejection...].contains(200), "and the re-read one accepted")
            let timedOut = try await MotoLifecycleStats.read().timedOut.filter { victims.contains($0.instanceId) }
            #expect(timedOut.isEmpty, "hooks that timed out: \(timedOut)")
            #expect(try await session.deadLettered() == 0, "held hooks did not spend the queue's receives")
            if let statistics = await session.statistics { #expect(statistics.failedInvocations == 0, "\(statistics.errors)") }
        }
    }
}

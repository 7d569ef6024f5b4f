import Foundation
import Logging
import RanchhandClients
import RanchhandHandlers
import RanchhandSandbox
import RanchhandTestSupport
import Testing

extension FleetScenarios {
    /// Rancher goes wrong under a fleet in poll mode (moto with the lifecycle extension and SSM, the
    /// sandbox's Rancher, stack settings ÷ 60): the token loses its role on the cluster, so every
    /// node list is empty; then the token is rotated (the old one answers 401) and the new one put in
    /// the SSM parameter the function reads.
    @Suite("Fleet under a Rancher outage in poll mode (moto, sandbox, stack settings ×60)", .serialized)
    struct FleetRancherOutageTests {
        @Test func anEmptyNodeListCompletesNoHookAndARotatedTokenIsRecoveredFrom() async throws {
            var logger = Logger(label: "test.fleet.outage")
            logger.logLevel = .warning
            let nodeNames = (0..<10).map { "worker-\($0)" }
            let parameter = "/ranchhand/outage-\(UUID().uuidString.prefix(8))/scale-in/rancher-token"
            let scenario = try await FleetScenario.start(nodeNames: nodeNames, seed: 47, failing: 0.25, tokenParameter: parameter, logger: logger)
            defer { Task { await scenario.sandbox.stop() } }
            let settings = scenario.settings
            let created = try await scenario.fleet.create(scenario.name, groups: [ScaleInFleet.GroupSpec(suffix: "a", size: 10)],
                                                          heartbeatTimeout: Int(settings.heartbeatTimeout))
            let instances = created.groups[0].instanceIds, group = created.groups[0].group
            await scenario.addWorkers(instances, names: nodeNames, subnet: 11)
            let world = scenario.sandbox.world
            let cluster = scenario.cluster
            await world.update { $0.clustersOutOfSight = [cluster] }
            let victims = Array(instances.prefix(3))
            let results = FleetResults()

            // Longer than a heartbeat timeout: only the keeper's heartbeats keep the hooks alive.
            let outage = settings.heartbeatTimeout * 1.2
            try await scenario.fleet.terminate(victims)
            let fleet = scenario.fleet
            let outageOver = Date().addingTimeInterval(outage)
            let ended = try await scenario.poll(queue: created.queueUrl, observers: [results], timeout: .seconds(Int64(outage) + 30)) {
                guard Date() >= outageOver else { return false }
                let states = try await fleet.states(groups: [group], instanceIDs: victims)
                return victims.allSatisfy { states.lifecycle[$0] == "Terminating:Wait" }
            }

            #expect(ended, "every hook still waiting after \(Int(outage)) s of empty node lists")
            #expect(await world.deletionLog.isEmpty, "nothing deleted on an empty list")
            let stats = try await MotoLifecycleStats.read()
            #expect(stats.completed.filter { victims.contains($0.instanceId) }.isEmpty, "no hook completed on the empty list: \(stats.completed)")
            #expect(stats.timedOut.filter { victims.contains($0.instanceId) }.isEmpty, "hooks that timed out: \(stats.timedOut)")
            let held = await results.all.filter { victims.contains($0.instance) && $0.plan.reason.contains("lists no nodes") }
            #expect(Set(held.map(\.instance)) == Set(victims), "each held for the empty list: \(held.map(\.instance))")
            #expect(held.allSatisfy { if case .unfinished = $0.result { true } else { false } }, "\(held.map(\.result))")

            let rotated = "token-rot47:" + String(repeating: "r", count: 54)
            await world.rotateAPIToken(to: rotated)
            try await AWSTestContext.seed().parameters([Seed.Parameter(name: parameter, type: "SecureString", value: rotated)])
            await world.update { $0.clustersOutOfSight = [] }
            let recovered = try await scenario.poll(queue: created.queueUrl, observers: [results], timeout: .seconds(Int64(settings.maxDrainWait + 60)),
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
        }
    }
}

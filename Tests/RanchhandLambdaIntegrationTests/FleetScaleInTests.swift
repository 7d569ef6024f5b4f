import Foundation
import Logging
import RanchhandClients
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda
import RanchhandSandbox
import RanchhandTestSupport
import Testing
@testable import ranchhand_scale_in

extension FleetScenarios {
    /// Fleet-scale scale-in in poll mode, with the stack's own settings compressed ×60 (FleetScenario):
    /// moto with the lifecycle extension, the sandbox's Rancher, the DynamoDB deletion lease.
    @Suite("Fleet scale-in (moto, sandbox, stack settings ×60)", .serialized)
    struct FleetScaleInTests {
        @Test func fiftyOfHundredSixtyWorkersLeaveTogetherWithNoHookLostAndNoUndrainedDeletion() async throws {
            let groups = [ScaleInFleet.GroupSpec(suffix: "a", size: 54), ScaleInFleet.GroupSpec(suffix: "b", size: 53),
                          ScaleInFleet.GroupSpec(suffix: "c", size: 53)]
            let nodeNames = (0..<160).map { "worker-\($0)" }
            let scenario = try await FleetScenario.start(nodeNames: nodeNames, seed: 13, failing: 0.25, label: "test.fleet")
            defer { Task { await scenario.sandbox.stop() } }
            let created = try await scenario.fleet.create(scenario.name, groups: groups, heartbeatTimeout: Int(scenario.settings.heartbeatTimeout))
            let instances = created.groups.flatMap(\.instanceIds)
            #expect(instances.count == 160)
            let world = scenario.sandbox.world
            await scenario.addWorkers(instances, names: nodeNames, subnet: 8)
            var random = SandboxRandom(seed: 50)
            let victims = Array(instances.shuffled(using: &random).prefix(50))
            let victimNames = Set(victims.map { nodeNames[instances.firstIndex(of: $0)!] })
            let reconcileEvery = scenario.settings.reconcilePeriod
            let started = Date()
            try await scenario.fleet.terminate(victims)
            let longest = FleetScenario.drainScripts(nodeNames, seed: 13, failing: 0.25).filter { victimNames.contains($0.key) }
                .map { Double($0.value.duration.components.seconds) }.max() ?? 0
            let bound = ceil(Double(victims.count) / Double(scenario.settings.concurrency)) * max(longest, scenario.settings.drainTimeout) * 1.5
                + reconcileEvery
            let finished = try await scenario.poll(queue: created.queueUrl, timeout: .seconds(Int64(bound + 60)),
                                                   until: scenario.allTerminated(victims, groups: created.groups.map(\.group)))
            let elapsed = Date().timeIntervalSince(started)

            #expect(finished, "not every victim was released within \(Int(bound + 60)) s")
            let deletions = await world.deletionLog
            let deleted = Set(deletions.map(\.nodeName))
            #expect(deleted == victimNames, "wrong or missing deletions: extra \(deleted.subtracting(victimNames)), missing \(victimNames.subtracting(deleted))")
            let undrained = deletions.filter { !$0.podsBound.isEmpty }
            #expect(undrained.isEmpty, "deleted with pods bound: \(undrained)")
            let left = await world.nodes(in: scenario.cluster).map(\.nodeName)
            let stale = left.filter { victimNames.contains($0) }
            #expect(stale.isEmpty, "stale nodes: \(stale)")
            #expect(elapsed <= bound, "took \(Int(elapsed)) s; the bound is \(Int(bound)) s")
            let timedOut = try await MotoLifecycleStats.read().timedOut.filter { victims.contains($0.instanceId) }
            #expect(timedOut.isEmpty, "hooks that timed out: \(timedOut)")
            let offsets = deletions.map { Int($0.at.timeIntervalSince(started)) }.sorted()
            print("fleet scale-in: 50 of 160 workers, concurrency \(scenario.settings.concurrency): \(Int(elapsed)) s (bound \(Int(bound)) s), "
                  + "\(deletions.count) deletions (at \(offsets.first ?? 0)-\(offsets.last ?? 0) s), \(timedOut.count) hooks timed out")
        }
    }
}

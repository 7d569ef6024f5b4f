import Foundation
import Logging
import RanchhandClients
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport
import Testing

extension FleetScenarios {
    /// Two of three etcd members terminated at once, through the same deployed shape as the fleet
    /// scenario (LambdaFleetScaleInTests: the packaged binary under the RIE behind the emulated
    /// mapping, ten executions, stack settings ÷ 60): both hooks are handled concurrently, so only
    /// the deletion lease keeps the second removal from breaking quorum. The control-plane group
    /// retains instances on ABANDON, as infra/ sets it.
    @Suite("Two of three etcd members in Lambda mode (RIE, emulated SQS mapping, stack settings ×60)", .serialized)
    struct LambdaFleetEtcdTests {
        @Test func twoOfThreeEtcdMembersLeavingTogetherRemoveOneAndRetainTheOther() async throws {
            let etcdNames = ["etcd-a", "etcd-b", "etcd-c"], workerNames = (0..<6).map { "worker-\($0)" }
            let scenario = try await FleetScenario.start(nodeNames: etcdNames + workerNames, seed: 23, failing: 0, https: true, label: "test.fleet.etcd")
            defer { Task { await scenario.sandbox.stop() } }
            let settings = scenario.settings
            let created = try await scenario.fleet.create(
                scenario.name, groups: [ScaleInFleet.GroupSpec(suffix: "cp", size: 3, retain: true), ScaleInFleet.GroupSpec(suffix: "w", size: 6)],
                heartbeatTimeout: Int(settings.heartbeatTimeout),
                queue: ScaleInFleet.QueueSpec(visibilityTimeout: Int(settings.visibilityTimeout.rounded()), maxReceiveCount: settings.maxReceiveCount))
            let members = created.groups[0].instanceIds, workers = created.groups[1].instanceIds
            let world = scenario.sandbox.world
            for (index, instance) in members.enumerated() {
                _ = await world.addNode(SandboxNodeSpec(name: etcdNames[index], roles: [.etcd, .controlPlane], ipAddress: "10.5.0.\(index + 10)",
                                                        instanceID: instance), to: scenario.cluster)
            }
            for (index, instance) in workers.enumerated() {
                _ = await world.addNode(SandboxNodeSpec(name: workerNames[index], roles: .worker, ipAddress: "10.5.1.\(index + 10)", instanceID: instance),
                                        to: scenario.cluster)
            }
            let function = try await LambdaFunction.deploy(scenario)
            defer { function.cleanUp() }
            let mapping = try await function.mapping(from: created, scenario)
            defer { mapping.stop() }

            let victims = Array(members.prefix(2))
            try await scenario.fleet.terminate(victims)
            let fleet = scenario.fleet
            let groups = created.groups.map(\.group)
            // Settled: each victim either terminated or retained.
            let settled: @Sendable () async -> Bool = {
                guard let states = try? await fleet.states(groups: groups, instanceIDs: victims) else { return false }
                return victims.allSatisfy { states.ec2[$0] == "terminated" || states.lifecycle[$0] == "Terminating:Retained" }
            }
            let limit = Date().addingTimeInterval(settings.maxDrainWait + 3 * settings.functionTimeout)
            await mapping.run(shouldStop: { await settled() || Date() > limit })

            let states = try await fleet.states(groups: groups, instanceIDs: victims)
            let statistics = await mapping.statistics
            #expect(victims.filter { states.ec2[$0] == "terminated" }.count == 1, "states: \(states); mapping: \(statistics)")
            #expect(victims.filter { states.lifecycle[$0] == "Terminating:Retained" }.count == 1, "states: \(states)")
            let deleted = await world.deletionLog.map(\.nodeName)
            #expect(deleted.count == 1 && deleted.allSatisfy(etcdNames.contains), "deletions: \(deleted)")
            #expect(await world.etcdMembers(of: scenario.cluster).count == 2, "quorum of the remaining two")
            let retained = victims.first { states.lifecycle[$0] == "Terminating:Retained" }
            let retainedName = retained.flatMap { members.firstIndex(of: $0) }.map { etcdNames[$0] }
            #expect(await world.nodes(in: scenario.cluster).contains { $0.nodeName == retainedName }, "the retained member's node stays")
            // The alert: the EMF line CloudWatch turns into a metric names the refusal, whichever way it came.
            let output = mapping.output(tail: Int.max)
            #expect(output.contains(#""Decision":"refuse""#) || output.contains(#""Outcome":"refused-abandon""#), "no refusal metric in the function's output")
            #expect(statistics.failedInvocations == 0, "\(statistics.errors)")
            let timedOut = try await MotoLifecycleStats.read().timedOut.filter { victims.contains($0.instanceId) }
            #expect(timedOut.isEmpty, "hooks that timed out: \(timedOut)")
        }
    }
}

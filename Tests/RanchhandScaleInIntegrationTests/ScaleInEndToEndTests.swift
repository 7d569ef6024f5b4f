import Foundation
import RanchhandClients
import RanchhandHandlers
import RanchhandLambda
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// The scale-in handler end to end, in poller mode: moto's Auto Scaling group with a terminating
/// hook notifies its SQS queue; the handler drains and deletes the node in the sandbox's Rancher,
/// completes the hook, and moto terminates the instance.
@Suite struct ScaleInEndToEndTests {
    @Test func terminatedWorkerIsDrainedDeletedAndItsHookCompleted() async throws {
        let harness = try await ScaleInHarness.start()
        defer { Task { await harness.sandbox.stop() } }
        let group = try await harness.seed.group("si-\(UUID().uuidString.prefix(8))", desired: 3,
                                                 hook: Seed.Hook(name: "ranchhand-scale-in", heartbeatTimeout: 60), queue: true)
        let workers = await harness.addNodes(group.instanceIds, roles: .worker, prefix: "worker")
        _ = await harness.addNodes(["i-0etcd000000000001", "i-0etcd000000000002", "i-0etcd000000000003"], roles: [.etcd, .controlPlane], prefix: "cp")
        let victim = group.instanceIds[0]
        try await harness.seed.terminate(victim)
        #expect(try await harness.seed.groupStates(group.group)[victim] == "Terminating:Wait")

        let poller = harness.poller(queue: try #require(group.queueUrl), handler: harness.handler())
        let seed = harness.seed
        let stopped = Task { await poller.run(shouldStop: { (try? await seed.ec2States([victim])[victim]) == "terminated" }) }
        // Waits, not bounds (see pollUntil): on CI's loaded cores the hook completed 23 s into a 30 s window, and the poller stopped on the last check.
        let finished = try await ScaleInHarness.eventually(timeout: .seconds(90)) { try await seed.ec2States([victim])[victim] == "terminated" }
        _ = await stopped.value

        #expect(finished, "the instance was never released by a completed lifecycle action")
        #expect(await harness.sandbox.world.node(workers[0]) == nil, "the victim's Rancher node is still there")
        for survivor in workers.dropFirst() { #expect(await harness.sandbox.world.node(survivor) != nil) }
        let drains = await harness.sandbox.requests().filter { request in request.query.contains { $0.name == "action" && $0.value == "drain" } }
        #expect(drains.count == 1)
        #expect(try await seed.queueCounts(try #require(group.queueUrl)).visible == 0)
    }

    @Test func twoEtcdTerminationsTogetherNeverBreakQuorum() async throws {
        let harness = try await ScaleInHarness.start()
        defer { Task { await harness.sandbox.stop() } }
        let group = try await harness.seed.group("etcd-\(UUID().uuidString.prefix(8))", desired: 3,
                                                 hook: Seed.Hook(name: "ranchhand-scale-in", heartbeatTimeout: 60), queue: true)
        _ = await harness.addNodes(group.instanceIds, roles: [.etcd, .controlPlane], prefix: "etcd")
        _ = await harness.addNodes(["i-0work000000000001"], roles: .worker, prefix: "w")
        try await harness.seed.terminate(group.instanceIds[0])
        try await harness.seed.terminate(group.instanceIds[1])

        let poller = harness.poller(queue: try #require(group.queueUrl), handler: harness.handler(), concurrency: 2)
        let seed = harness.seed
        let firstDone = Task { () -> Bool in
            await poller.run(shouldStop: {
                let states = (try? await seed.ec2States(Array(group.instanceIds.prefix(2)))) ?? [:]
                return states.values.contains("terminated")
            })
            return true
        }
        let oneFinished = try await ScaleInHarness.eventually(timeout: .seconds(90)) {
            try await seed.ec2States(Array(group.instanceIds.prefix(2))).values.contains("terminated")
        }
        _ = await firstDone.value
        // Give the second message another full round: it must be refused again, not deleted.
        let secondRound = harness.poller(queue: try #require(group.queueUrl), handler: harness.handler())
        let rounds = ContinuousClock.now + .seconds(4)
        await secondRound.run(shouldStop: { ContinuousClock.now > rounds })

        #expect(oneFinished)
        let members = await harness.sandbox.world.etcdMembers(of: harness.cluster)
        #expect(members.count == 2, "etcd members: \(members)")
        let states = try await seed.ec2States(Array(group.instanceIds.prefix(2)))
        #expect(states.values.filter { $0 == "terminated" }.count == 1, "states: \(states)")
        let waiting = try await seed.groupStates(group.group).values.filter { $0 == "Terminating:Wait" }
        #expect(waiting.count == 1, "the refused instance must still be waiting on its hook")
    }

    @Test func refusalIsAnsweredWithAbandonWhenTheGroupRetainsInstances() async throws {
        let harness = try await ScaleInHarness.start()
        defer { Task { await harness.sandbox.stop() } }
        let group = try await harness.seed.group("retain-\(UUID().uuidString.prefix(8))", desired: 3,
                                                 hook: Seed.Hook(name: "ranchhand-scale-in", heartbeatTimeout: 60), queue: true, retain: true)
        // One of the three etcd members is already down: removing a healthy one would lose quorum.
        let members = await harness.addNodes(group.instanceIds, roles: [.etcd, .controlPlane], prefix: "etcd", notReady: [group.instanceIds[2]])
        _ = await harness.addNodes(["i-0work000000000002"], roles: .worker, prefix: "w")
        let victim = group.instanceIds[0]
        try await harness.seed.terminate(victim)

        let poller = harness.poller(queue: try #require(group.queueUrl), handler: harness.handler())
        let seed = harness.seed
        let groupName = group.group
        let stop = Task { await poller.run(shouldStop: { (try? await seed.groupStates(groupName)[victim]) == "Terminating:Retained" }) }
        let retained = try await ScaleInHarness.eventually(timeout: .seconds(90)) { try await seed.groupStates(groupName)[victim] == "Terminating:Retained" }
        _ = await stop.value

        #expect(retained, "the refused instance should have been abandoned into Terminating:Retained")
        #expect(await harness.sandbox.world.node(members[0]) != nil, "the etcd member must not be deleted")
        #expect(await harness.sandbox.world.etcdMembers(of: harness.cluster).count == 3)
        #expect(try await seed.ec2States([victim])[victim] == "running")
    }
}

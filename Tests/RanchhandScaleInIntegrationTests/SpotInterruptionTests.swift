import Foundation
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandLambda
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// A Spot interruption warning as EventBridge delivers it (the recorded fixture, its instance and
/// time replaced), handled against moto (the instance's group tag) and the sandbox; then the
/// instance's terminate hook arrives for the same instance and must not drain it a second time.
@Suite struct SpotInterruptionTests {
    @Test func aWarningDrainsWithinTwoMinutesAndTheLaterHookDoesNotDrainAgain() async throws {
        let harness = try await ScaleInHarness.start(drainDuration: .seconds(2))
        defer { Task { await harness.sandbox.stop() } }
        let group = try await harness.seed.group("spot-\(UUID().uuidString.prefix(8))", desired: 3,
                                                 hook: Seed.Hook(name: "ranchhand-scale-in", heartbeatTimeout: 60), queue: true)
        let victim = group.instanceIds[0]
        let nodes = await harness.addNodes(group.instanceIds, roles: .worker, prefix: "spot")
        _ = await harness.addNodes(["i-0etcd000000000001", "i-0etcd000000000002", "i-0etcd000000000003"], roles: [.etcd, .controlPlane], prefix: "cp")
        let handler = harness.handler()
        let started = Date()

        let outcome = await handler.handle(try Self.warning(for: victim, at: started), context: HandlingContext(deadline: started.addingTimeInterval(300), logger: harness.logger))

        #expect(outcome.keepsMessage == false, "\(outcome)")
        #expect(Date().timeIntervalSince(started) < 120, "drained within the warning's two minutes")
        let drained = await harness.sandbox.world.node(nodes[0])
        #expect(drained?.unschedulable == true && drained?.drain == .succeeded, "\(String(describing: drained))")
        #expect(await harness.sandbox.world.deletionLog.isEmpty, "an interruption never deletes the node itself")

        // Another cluster's instance is left alone.
        let stranger = await handler.handle(try Self.warning(for: "i-0ffffffffffffffff", at: started), context: HandlingContext(deadline: started.addingTimeInterval(60), logger: harness.logger))
        #expect(stranger == .ignored("spot-interruption for i-0ffffffffffffffff, which is not in one of this cluster's groups"))

        try await harness.seed.terminate(victim)
        let seed = harness.seed
        let released = try await harness.pollUntil(queue: try #require(group.queueUrl), handler: handler) {
            try await seed.ec2States([victim])[victim] == "terminated"
        }
        #expect(released)
        let drains = await harness.sandbox.requests().filter { $0.query.contains { $0.name == "action" && $0.value == "drain" } }
        #expect(drains.count == 1, "one drain for the warning and the hook together, got \(drains.count)")
        #expect(await harness.sandbox.world.node(nodes[0]) == nil, "the hook removed the node once the instance went")
    }

    /// The recorded EventBridge warning, about `instance`, sent at `time`.
    static func warning(for instance: String, at time: Date) throws -> EventRecord {
        let fixture = try String(contentsOfFile: Self.repository + "/events/aws.ec2/spot-interruption-warning/eventbridge.json", encoding: .utf8)
        let stamp = ISO8601DateFormatter().string(from: time)
        let json = fixture.replacingOccurrences(of: "i-00834bfe2bf4575c4", with: instance).replacingOccurrences(of: "2025-05-02T03:17:40Z", with: stamp)
        return try #require(try EventDecoder.decode(Array(json.utf8)).first)
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

import Foundation
import RanchhandClients
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport
import Testing

extension FleetScenarios {
    /// Spot interruptions across a fleet, in poll and in Lambda mode (FleetDriver; moto with the
    /// lifecycle extension, the sandbox's Rancher, stack settings ÷ 60): the warnings come as the
    /// stack's EventBridge rule puts them in the scale-in queue (the recorded event, its instance and
    /// time replaced); two minutes later, as AWS does, the instances are terminated and their hooks
    /// arrive.
    @Suite("Fleet Spot interruptions (moto, sandbox, stack settings ×60)", .serialized)
    struct FleetSpotTests {
        @Test(arguments: FleetDriver.allCases)
        func sixSpotWarningsDrainWithinTheirTwoMinutesAndTheHooksDoNotDrainAgain(_ driver: FleetDriver) async throws {
            let nodeNames = (0..<20).map { "worker-\($0)" }
            let scenario = try await FleetScenario.start(nodeNames: nodeNames, seed: 53, failing: 0, https: driver == .lambda, label: "test.fleet.spot")
            defer { Task { await scenario.sandbox.stop() } }
            let settings = scenario.settings, f = FleetScenario.factor
            let created = try await scenario.fleet.create(
                scenario.name, groups: [ScaleInFleet.GroupSpec(suffix: "spot", size: 20)], heartbeatTimeout: Int(settings.heartbeatTimeout),
                queue: ScaleInFleet.QueueSpec(visibilityTimeout: Int(settings.visibilityTimeout.rounded()), maxReceiveCount: settings.maxReceiveCount))
            let instances = created.groups[0].instanceIds, group = created.groups[0].group
            await scenario.addWorkers(instances, names: nodeNames, subnet: 12)
            let world = scenario.sandbox.world
            let victims = Array(instances.prefix(6))
            let victimNames = Set(victims.indices.map { nodeNames[$0] })
            // A drain under a Spot warning evicts with a 25 s grace period: that long, compressed.
            let regular = FleetScenario.drainScripts(nodeNames, seed: 53, failing: 0)
            await world.update { behaviour in
                behaviour.drainScript = { name in
                    victimNames.contains(name) ? SandboxDrainScript(duration: .milliseconds(Int64(25_000 / f))) : regular[name] ?? SandboxDrainScript(duration: .seconds(1))
                }
            }
            let session = try await FleetSession.start(driver, scenario, created)
            defer { session.stop() }

            // The warnings arrive while the handler runs; each one's clock starts when it is in the
            // queue (EventBridge's delivery, not the test's sending).
            let seed = try await AWSTestContext.seed(), queueURL = created.queueUrl
            let sending = Task {
                var delivered: [String: Date] = [:]
                try await Task.sleep(for: .milliseconds(500))
                for (index, victim) in victims.enumerated() {
                    try await seed.send(queueURL: queueURL, body: try Self.warning(for: victim, at: Date()))
                    delivered[nodeNames[index]] = Date()
                }
                return delivered
            }
            let cluster = scenario.cluster
            let drainedAt = DrainWatch()
            let watch = Task {
                while !Task.isCancelled, await drainedAt.count < victims.count {
                    for node in await world.nodes(in: cluster) where victimNames.contains(node.nodeName) && node.unschedulable && node.drain == .succeeded {
                        await drainedAt.note(node.nodeName)
                    }
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            let budget = 120 / f
            let allDrained = try await session.run(timeout: .seconds(Int64(budget * 10))) { await drainedAt.count == victims.count }
            watch.cancel()
            let delivered = try await sending.value
            let drainTimes = await drainedAt.times
            #expect(allDrained, "drained: \(drainTimes.keys.sorted())")
            let spans = drainTimes.map { ($0.key, $0.value.timeIntervalSince(delivered[$0.key]!)) }
            #expect(spans.allSatisfy { $0.1 <= budget }, "drained later than the warning's \(budget) s: \(spans)")
            #expect(await world.deletionLog.isEmpty, "a warning never deletes the node itself")

            let last = delivered.values.max() ?? Date()
            try await Task.sleep(for: .milliseconds(Int64(max(0, budget - Date().timeIntervalSince(last)) * 1000)))
            try await scenario.fleet.terminate(victims)
            let released = try await session.run(timeout: .seconds(Int64(settings.maxDrainWait + 60)),
                                                 until: scenario.allTerminated(victims, groups: [group]))

            #expect(released)
            let drains = await scenario.sandbox.requests().filter { $0.query.contains { $0.name == "action" && $0.value == "drain" } }
            let drainsPerNode = Dictionary(grouping: drains, by: { $0.path }).mapValues(\.count)
            #expect(drainsPerNode.count == victims.count && drainsPerNode.values.allSatisfy { $0 == 1 },
                    "one drain per instance for the warning and the hook together: \(drainsPerNode)")
            let deletions = await world.deletionLog
            #expect(Set(deletions.map(\.nodeName)) == victimNames, "the hooks removed the nodes once the instances went")
            #expect(deletions.allSatisfy { $0.podsBound.isEmpty })
            let timedOut = try await MotoLifecycleStats.read().timedOut.filter { victims.contains($0.instanceId) }
            #expect(timedOut.isEmpty, "hooks that timed out: \(timedOut)")
            if let statistics = await session.statistics { #expect(statistics.failedInvocations == 0, "\(statistics.errors)") }
            let shown = spans.map { String(format: "%.2f", $0.1) }.sorted()
            print("fleet spot (\(driver)): 6 warnings, each drained \(shown) s after its delivery (budget \(budget) s)")
        }

        /// The recorded EventBridge warning, about `instance`, sent at `time`.
        static func warning(for instance: String, at time: Date) throws -> String {
            let fixture = try String(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent("events/aws.ec2/spot-interruption-warning/eventbridge.json"),
                                     encoding: .utf8)
            return fixture.replacingOccurrences(of: "i-00834bfe2bf4575c4", with: instance)
                .replacingOccurrences(of: "2025-05-02T03:17:40Z", with: ISO8601DateFormatter().string(from: time))
        }
    }
}

/// When each node was first seen cordoned with its drain succeeded.
private actor DrainWatch {
    private(set) var times: [String: Date] = [:]
    var count: Int { times.count }
    func note(_ name: String) { if times[name] == nil { times[name] = Date() } }
}

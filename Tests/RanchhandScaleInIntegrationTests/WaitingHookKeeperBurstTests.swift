import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandTestSupport
import Testing

/// The hook keeper as Lambda runs it: only while a record is handled, so its ticks are cut short
/// whenever an invocation hands its record back. moto with the lifecycle extension (which counts
/// each instance's heartbeats), reached through the fault proxy, which slows this test's heartbeats
/// (a loaded API) or refuses one hook's; the sandbox's Rancher is only the world's cluster read.
/// Found by the Lambda fleet scenario on CI: ticks that always started at the same first hooks let
/// the last ones of the list expire.
@Suite struct WaitingHookKeeperBurstTests {
    /// Sixteen invocations, each handing back once its keeper has had eight heartbeats accepted —
    /// counted, not timed, so a loaded machine cuts the same ticks short. Each tick is numbered
    /// from an injected clock one interval apart. Without rotation every tick reaches the same
    /// first eight to twelve of the 32 hooks; with it, sixteen starts leave no gap wider than three.
    @Test func keeperCutShortEveryBurstStillReachesEveryWaitingHook() async throws {
        let setup = try await KeeperSetup.start(hooks: 32, faultFor: { group, _ in
            [FaultProxy.Rule(match: .init(action: "RecordLifecycleActionHeartbeat", bodyContains: group), fault: .delay(milliseconds: 150))]
        })
        defer { Task { await setup.harness.sandbox.stop() } }
        let start = Date()
        for burst in 0..<16 {
            let keeper = setup.keeper(now: { start.addingTimeInterval(Double(burst)) })
            let before = setup.counted.heartbeats.accepted
            _ = await keeper.whileRunning { await setup.counted.heartbeats.waitForAccepted(before + 8, atMost: .seconds(60)) }
        }
        let heartbeats = try await MotoLifecycleStats.read().heartbeats
        let missed = setup.instances.filter { (heartbeats[$0] ?? 0) == 0 }
        #expect(missed.isEmpty, "hooks never heart-beaten in sixteen cut-short ticks: \(missed.count) of 32; counts \(setup.instances.map { heartbeats[$0] ?? 0 })")
    }

    /// One hook whose every heartbeat AWS refuses (Throttling, past the sender's retries) costs the
    /// tick one slot for a while and no other hook its heartbeat.
    @Test func aHookWhoseHeartbeatsAreRefusedHoldsUpNoOther() async throws {
        let setup = try await KeeperSetup.start(hooks: 12, faultFor: { _, instances in
            [FaultProxy.Rule(match: .init(action: "RecordLifecycleActionHeartbeat", bodyContains: instances[0]), fault: .preset("query-throttling"))]
        })
        defer { Task { await setup.harness.sandbox.stop() } }
        let (groups, beats) = await setup.keeper(now: { Date() }).tick()
        #expect(groups.count == 1)
        #expect(beats == 11)
        let heartbeats = try await MotoLifecycleStats.read().heartbeats
        #expect(heartbeats[setup.instances[0]] == nil, "the refused hook reached moto")
        let others = setup.instances.dropFirst().filter { (heartbeats[$0] ?? 0) == 0 }
        #expect(others.isEmpty, "hooks left without a heartbeat behind the refused one: \(others)")
    }
}

/// One terminated group in moto, every hook waiting, and keepers over it through the fault proxy.
private struct KeeperSetup {
    let harness: ScaleInHarness
    let world: LiveScaleInWorld
    let counted: CountingAutoScaling
    let instances: [String]

    static func start(hooks: Int, faultFor: (_ group: String, _ instances: [String]) -> [FaultProxy.Rule]) async throws -> KeeperSetup {
        let harness = try await ScaleInHarness.start()
        let endpoints = try await MotoServer.shared.endpoints()
        let fleet = ScaleInFleet(endpoint: endpoints.moto)
        let created = try await fleet.create(MotoServer.uniqueName("keeper"), groups: [ScaleInFleet.GroupSpec(suffix: "a", size: hooks)])
        let group = created.groups[0]
        try await fleet.terminate(group.instanceIds)
        // The rules match only this test's group or instance, so they may outlive it in the shared proxy.
        try await FaultProxy(url: endpoints.faultProxy, transport: AWSTestContext.transport).add(faultFor(group.group, group.instanceIds))
        let autoScaling = LiveAutoScalingClient(sender: AWSTestContext.sender(endpoint: endpoints.faultProxy))
        let world = LiveScaleInWorld(rancher: harness.rancher, ec2: LiveEC2Client(sender: AWSTestContext.sender(endpoint: endpoints.faultProxy)),
                                     autoScaling: autoScaling, cluster: harness.cluster, budgetWindow: 1800,
                                     groups: GroupSelection(names: [AutoScalingGroupName(group.group)]))
        return KeeperSetup(harness: harness, world: world, counted: CountingAutoScaling(autoScaling), instances: group.instanceIds)
    }

    func keeper(now: @escaping @Sendable () -> Date) -> WaitingHookKeeper {
        WaitingHookKeeper(world: world, autoScaling: counted,
                          timing: ScaleInTiming(now: now, heartbeatInterval: .seconds(1), pollInterval: .milliseconds(100)),
                          logger: Logger(label: "test.keeper"))
    }
}

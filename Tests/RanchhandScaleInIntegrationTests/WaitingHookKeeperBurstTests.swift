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
/// each instance's heartbeats), reached through the fault proxy, which slows this group's
/// heartbeats to 300 ms each — a loaded API; the sandbox's Rancher is never asked. Found by the Lambda fleet scenario on CI: ticks that
/// always started at the same first hooks let the last ones of the list expire.
@Suite struct WaitingHookKeeperBurstTests {
    @Test func keeperCutShortEveryBurstStillReachesEveryWaitingHook() async throws {
        let harness = try await ScaleInHarness.start()
        defer { Task { await harness.sandbox.stop() } }
        let endpoints = try await MotoServer.shared.endpoints()
        let fleet = ScaleInFleet(endpoint: endpoints.moto)
        let name = MotoServer.uniqueName("keeper")
        let created = try await fleet.create(name, groups: [ScaleInFleet.GroupSpec(suffix: "a", size: 16)])
        let group = created.groups[0]
        try await fleet.terminate(group.instanceIds)
        let proxy = FaultProxy(url: endpoints.faultProxy, transport: AWSTestContext.transport)
        try await proxy.add([FaultProxy.Rule(match: .init(action: "RecordLifecycleActionHeartbeat", bodyContains: group.group),
                                             fault: .delay(milliseconds: 300))])
        let aws = AWSTestContext.sender(endpoint: endpoints.faultProxy)
        let autoScaling = LiveAutoScalingClient(sender: aws)
        let world = LiveScaleInWorld(rancher: harness.rancher, ec2: LiveEC2Client(sender: aws), autoScaling: autoScaling,
                                     cluster: harness.cluster, budgetWindow: 1800,
                                     groups: GroupSelection(names: [AutoScalingGroupName(group.group)]))
        let keeper = WaitingHookKeeper(world: world, autoScaling: autoScaling,
                                       timing: ScaleInTiming(heartbeatInterval: .seconds(1), pollInterval: .milliseconds(100)),
                                       logger: Logger(label: "test.keeper"))
        // Ten invocations, each handing its record back after 0.7 s, one a second: about one tick
        // each, long enough for a few of the sixteen heartbeats.
        for _ in 0..<10 {
            _ = await keeper.whileRunning { try? await Task.sleep(for: .milliseconds(700)) }
            try await Task.sleep(for: .milliseconds(400))
        }
        let heartbeats = try await MotoLifecycleStats.read().heartbeats
        let missed = group.instanceIds.filter { (heartbeats[$0] ?? 0) == 0 }
        #expect(missed.isEmpty, "hooks never heart-beaten in ten cut-short ticks: \(missed.count) of 16; counts \(group.instanceIds.map { heartbeats[$0] ?? 0 })")
    }

    @Test func everyHookLeadsSomeTickWithinAFewTicks() {
        let hooks = (0..<50).map { LifecycleActionReference(group: "g", hook: "h", instanceID: InstanceID("i-\($0)"), token: nil) }
        for base in [0, 1_733_300_000, 29_000_017] {
            // Each tick reaching only its first fifth still reaches every hook within eight ticks.
            let reached = (0..<8).reduce(into: Set<InstanceID>()) { reached, tick in
                reached.formUnion(WaitingHookKeeper.rotated(hooks, tick: base + tick).prefix(10).map(\.instanceID))
            }
            #expect(reached.count == 50, "from tick \(base): \(reached.count) of 50")
        }
        #expect(WaitingHookKeeper.rotated(hooks, tick: 7).count == 50)
        #expect(Set(WaitingHookKeeper.rotated(hooks, tick: 7)) == Set(hooks))
    }
}

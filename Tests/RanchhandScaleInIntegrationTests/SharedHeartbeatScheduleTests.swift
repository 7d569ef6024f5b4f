import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandTestSupport
import Testing

/// Hook keepers of several processes sharing one tick schedule through the lease table (moto's
/// DynamoDB, conditional UpdateItem): one tick per interval for all of them, not one each.
@Suite struct SharedHeartbeatScheduleTests {
    @Test func threeKeepersSharingTheScheduleTickAboutOncePerIntervalBetweenThem() async throws {
        let table = "ranchhand-keeper-\(UUID().uuidString.prefix(8).lowercased())"
        try await AWSTestContext.seed().leaseTable(table)
        let sender = try await AWSTestContext.motoSender()
        let ticks = TickLog()
        let interval = 1.0, running = 4.5
        let keepers = (0..<3).map { index in
            WaitingHookKeeper(world: CountingWorld(ticks: ticks, keeper: index), autoScaling: LiveAutoScalingClient(sender: sender),
                              timing: ScaleInTiming(heartbeatInterval: .seconds(interval), pollInterval: .milliseconds(100)),
                              logger: Logger(label: "test.keeper"),
                              schedule: .init(store: LiveDynamoDBLeaseStore(sender: sender, table: table), cluster: "c-shared", holder: "process-\(index)"))
        }
        await withTaskGroup(of: Void.self) { group in
            for keeper in keepers {
                group.addTask { _ = await keeper.whileRunning { try? await Task.sleep(for: .seconds(running)) } }
            }
        }
        // Unshared, three keepers would tick 3 × ⌈4.5 / 1⌉ = 15 times; shared, a turn lasts 0.9 s, so at
        // most ⌈4.5 / 0.9⌉ + 1 ticks (fewer when moto answers slowly).
        let count = await ticks.count
        #expect((2...6).contains(count), "ticks: \(count)")
    }

    @Test func aKeeperWhoseScheduleCannotBeReadHeartBeatsAnyway() async throws {
        let ticks = TickLog()
        let sender = try await AWSTestContext.motoSender()
        let keeper = WaitingHookKeeper(world: CountingWorld(ticks: ticks, keeper: 0), autoScaling: LiveAutoScalingClient(sender: sender),
                                       timing: ScaleInTiming(heartbeatInterval: .seconds(1), pollInterval: .milliseconds(100)),
                                       logger: Logger(label: "test.keeper"),
                                       schedule: .init(store: LiveDynamoDBLeaseStore(sender: sender, table: "no-such-table-\(UUID().uuidString.prefix(6))"),
                                                       cluster: "c-x", holder: "lonely"))
        _ = await keeper.whileRunning { try? await Task.sleep(for: .milliseconds(1500)) }
        #expect(await ticks.count >= 2, "a missing table must not stop the heartbeats")
    }
}

/// Counts the keeper's reads of the groups: one per tick.
private struct CountingWorld: ScaleInWorld {
    let ticks: TickLog
    let keeper: Int
    private let recorded = RecordedScaleInWorld(ClusterSnapshot(rancherNodes: []))

    init(ticks: TickLog, keeper: Int) {
        self.ticks = ticks
        self.keeper = keeper
    }

    func snapshot(for event: LifecycleActionNotification) async throws(ClientError) -> ClusterSnapshot { try await recorded.snapshot(for: event) }
    func fleet() async throws(ClientError) -> FleetSnapshot { try await recorded.fleet() }
    func groups() async throws(ClientError) -> [FleetGroup] {
        await ticks.record(keeper)
        return []
    }
    func group(of instance: InstanceID) async throws(ClientError) -> (name: AutoScalingGroupName, isClusters: Bool)? { nil }
}

private actor TickLog {
    private(set) var count = 0
    func record(_ keeper: Int) { count += 1 }
}

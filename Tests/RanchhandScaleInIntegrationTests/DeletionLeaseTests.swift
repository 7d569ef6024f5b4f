import Foundation
import Logging
import RanchhandClients
import RanchhandHandlers
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// The cross-process deletion lease on moto's DynamoDB (conditional UpdateItem), with the sandbox's
/// Rancher as the thing deleted. The two holders run in one test process but share nothing but
/// the table: each has its own store, id and clock reads, as two Lambda invocations would.
@Suite struct DeletionLeaseTests {
    @Test func twoHoldersRacingHundredRoundsNeverOverlapTheirDeletions() async throws {
        let harness = try await ScaleInHarness.start()
        defer { Task { await harness.sandbox.stop() } }
        let table = "ranchhand-lease-\(UUID().uuidString.prefix(8).lowercased())"
        try await harness.seed.leaseTable(table)
        let nodes = await harness.addNodes((0..<200).map { String(format: "i-0lease%011d", $0) }, roles: .worker, prefix: "l")
        let timing = ScaleInTiming(pollInterval: .milliseconds(5))
        // 20 s: long against moto's latency on a loaded 2-core CI box, so renewals keep it; a take
        // that still comes back too late is retaken by `acquire`, and the body asks `stillHeld`
        // before its destructive call, as the executor does.
        let leases = try await (0..<2).asyncMap { index in
            DeletionLease(store: LiveDynamoDBLeaseStore(sender: try await AWSTestContext.motoSender(), table: table), holder: "holder-\(index)",
                          duration: .seconds(20), timing: timing, logger: harness.logger)
        }
        let log = IntervalLog()
        let rancher = harness.rancher
        let cluster = harness.cluster.rawValue
        await withThrowingTaskGroup(of: Void.self) { group in
            for (index, lease) in leases.enumerated() {
                group.addTask {
                    for round in 0..<100 {
                        await log.barrier(round: round, parties: 2)
                        let victim = nodes[round * 2 + index]
                        var deleted = false
                        while !deleted {
                            deleted = try await lease.withLease(for: cluster, until: Date().addingTimeInterval(60)) { held in
                                guard held.stillHeld else { return false }
                                let start = Date()
                                _ = try? await rancher.deleteNode(victim)
                                await log.record(holder: index, fence: held.fence, start: start, end: Date())
                                return true
                            } ?? false
                        }
                    }
                }
            }
        }
        let intervals = await log.intervals.sorted { $0.start < $1.start }
        #expect(intervals.count == 200)
        for (earlier, later) in zip(intervals, intervals.dropFirst()) {
            #expect(earlier.end <= later.start, "deletions under the lease overlapped: \(earlier) and \(later)")
            #expect(earlier.fence < later.fence, "each deletion runs under a later take, with a higher fencing number")
        }
        #expect(await harness.sandbox.world.deletionLog.count == 200)
    }

    @Test func aHolderThatPausedPastItsLeaseMustNotAct() async throws {
        let harness = try await ScaleInHarness.start()
        defer { Task { await harness.sandbox.stop() } }
        let table = "ranchhand-lease-\(UUID().uuidString.prefix(8).lowercased())"
        try await harness.seed.leaseTable(table)
        let live = LiveDynamoDBLeaseStore(sender: try await AWSTestContext.motoSender(), table: table)
        // A frozen process: its renewals never reach the table, and its clock is moved by hand, so
        // the verdicts do not depend on how long moto takes to answer on a loaded machine.
        let pausedClock = StoppedClock()
        let frozen = DeletionLease(store: FrozenRenewals(live), holder: "frozen", duration: .seconds(1),
                                   timing: ScaleInTiming(now: { pausedClock.now() }), logger: harness.logger)
        // A longer lease for the next holder: its take must not come back past its own margin on a
        // loaded machine (acquire would take it again, with the next fence).
        let other = DeletionLease(store: live, holder: "other", duration: .seconds(20), timing: ScaleInTiming(pollInterval: .milliseconds(50)),
                                  logger: harness.logger)
        let verdicts = try await frozen.withLease(for: "c-1", until: Date().addingTimeInterval(5)) { held -> [Bool] in
            let before = held.stillHeld
            try? await Task.sleep(for: .milliseconds(1300))
            pausedClock.advance(by: 1.3)
            return [before, held.stillHeld]
        }
        #expect(verdicts == [true, false], "past its expiry the holder is told it no longer holds the lease")
        let taken = try await other.withLease(for: "c-1", until: Date().addingTimeInterval(30)) { held in held.fence }
        #expect(taken == 2, "the next holder takes the expired lease with a higher fence")
        #expect(try await live.renew("cluster/c-1/deletions", holder: "frozen", fence: 1, until: Date().addingTimeInterval(60)) == false)
    }
}

/// A clock that stands still until the test moves it: the frozen process's view of time.
private final class StoppedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date()
    func now() -> Date { lock.withLock { current } }
    func advance(by seconds: TimeInterval) { lock.withLock { current.addTimeInterval(seconds) } }
}

private struct FrozenRenewals: LeaseStore {
    let store: any LeaseStore
    init(_ store: any LeaseStore) { self.store = store }
    func take(_ name: String, holder: String, until expires: Date, now: Date) async throws(ClientError) -> Int? {
        try await store.take(name, holder: holder, until: expires, now: now)
    }
    func renew(_ name: String, holder: String, fence: Int, until expires: Date) async throws(ClientError) -> Bool {
        try? await Task.sleep(for: .seconds(3600))
        return false
    }
    func release(_ name: String, holder: String, fence: Int) async throws(ClientError) {
        try await store.release(name, holder: holder, fence: fence)
    }
}

private actor IntervalLog {
    struct Interval: Sendable, CustomStringConvertible {
        var holder: Int
        var fence: Int
        var start: Date
        var end: Date
        var description: String { "holder \(holder) fence \(fence) [\(start.timeIntervalSince1970), \(end.timeIntervalSince1970)]" }
    }

    private(set) var intervals: [Interval] = []
    private var arrived: [Int: Int] = [:]
    private var waiting: [Int: [CheckedContinuation<Void, Never>]] = [:]

    func record(holder: Int, fence: Int, start: Date, end: Date) {
        intervals.append(Interval(holder: holder, fence: fence, start: start, end: end))
    }

    /// Both holders start each round together, so every round is a real race for the lease.
    func barrier(round: Int, parties: Int) async {
        arrived[round, default: 0] += 1
        if arrived[round] == parties {
            for continuation in waiting.removeValue(forKey: round) ?? [] { continuation.resume() }
            return
        }
        await withCheckedContinuation { waiting[round, default: []].append($0) }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

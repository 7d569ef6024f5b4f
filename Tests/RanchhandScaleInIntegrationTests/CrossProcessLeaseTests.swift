import Foundation
import RanchhandClients
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// The deletion lease across processes: two `lease-drill` processes (the production lease, store
/// and Rancher client) meet at a file barrier each round and race to delete their node under the
/// cluster's lease in moto's DynamoDB. The sandbox records when each DELETE came in and was
/// answered (every one held 25 ms by an injected latency, so two unguarded deletions of a round
/// overlap), and no two of them overlap. The same drill without the lease shows they would.
@Suite(.serialized) struct CrossProcessLeaseTests {
    @Test func twoProcessesRacingHundredRoundsNeverOverlapTheirDeletions() async throws {
        let (overlaps, count) = try await race(rounds: 100, lease: true)
        #expect(count == 200, "every round's two deletions reached Rancher")
        #expect(overlaps.isEmpty, "deletions under the lease overlapped: \(overlaps.prefix(5))")
    }

    @Test func withoutTheLeaseTheSameRaceOverlaps() async throws {
        let (overlaps, count) = try await race(rounds: 10, lease: false)
        #expect(count == 20)
        #expect(overlaps.count >= 5, "the check would not see unguarded deletions overlap: \(overlaps.count) of 10 rounds")
    }

    /// Runs two drills of `rounds` rounds and returns the overlapping DELETE pairs the sandbox saw.
    private func race(rounds: Int, lease: Bool) async throws -> (overlaps: [(RecordedRequest, RecordedRequest)], count: Int) {
        let harness = try await ScaleInHarness.start()
        defer { Task { await harness.sandbox.stop() } }
        let table = "ranchhand-xlease-\(UUID().uuidString.prefix(8).lowercased())"
        try await harness.seed.leaseTable(table)
        let nodes = await harness.addNodes((0..<(rounds * 2)).map { String(format: "i-0xlease%010d", $0) }, roles: .worker, prefix: "x")
        await harness.sandbox.faults.inject(.latency(.milliseconds(25)), on: .path("/v3/nodes/", method: "DELETE"), probability: 1)
        let barrier = FileManager.default.temporaryDirectory.appendingPathComponent("lease-drill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: barrier, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: barrier) }
        let arguments = [
            "--moto", try await MotoServer.shared.endpoints().moto, "--table", table, "--rancher", harness.sandbox.httpURL!,
            "--token", harness.sandbox.apiToken, "--cluster", harness.cluster.rawValue, "--barrier", barrier.path,
            "--rounds", "\(rounds)", "--parties", "2", "--nodes", nodes.map(\.rawValue).joined(separator: ","),
        ] + (lease ? [] : ["--no-lease"])
        let drill = ChildProcess.builtProduct("lease-drill")
        async let first = ChildProcess.run(drill, arguments + ["--index", "0"])
        async let second = ChildProcess.run(drill, arguments + ["--index", "1"])
        for output in try await [first, second] {
            #expect(output.status == 0, "lease-drill failed: \(output.standardError.suffix(2000))")
        }
        let deletions = await harness.sandbox.requests().filter { $0.method == "DELETE" && $0.path.hasPrefix("/v3/nodes/") }
            .sorted { $0.receivedAt < $1.receivedAt }
        var overlaps: [(RecordedRequest, RecordedRequest)] = []
        for (earlier, later) in zip(deletions, deletions.dropFirst()) where (earlier.answeredAt ?? .distantFuture) > later.receivedAt {
            overlaps.append((earlier, later))
        }
        return (overlaps, deletions.count)
    }
}

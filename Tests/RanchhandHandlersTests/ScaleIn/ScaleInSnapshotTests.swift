import Foundation
import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

/// Offline replay: a recorded snapshot (a /v3/nodes collection as Rancher returns it) and recorded
/// events decide exactly as the live path would.
@Suite struct ScaleInSnapshotTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func load(_ path: String) throws -> Data { try Data(contentsOf: Self.root.appendingPathComponent(path)) }

    @Test func snapshotOfAnRKE1ClusterPlansTheRecordedTermination() throws {
        let snapshot = try ClusterSnapshotFile.load(load("Tests/Fixtures/scale-in/rke1-cluster-snapshot.json")).snapshot
        #expect(snapshot.rancherNodes.count == 6)
        #expect(snapshot.autoScalingGroup?.lifecycleHooks.first?.globalTimeout == 30000)
        let record = try #require(try EventDecoder.decode(Array(load("events/aws.autoscaling/lifecycle-terminating/eventbridge.json"))).first)
        guard case .lifecycleAction(let event)? = record.payload else { Issue.record("not a lifecycle event"); return }
        let plan = ScaleInDecision.plan(for: event, cluster: snapshot, policy: ScaleInPolicy())
        #expect(plan.verdict == .deregister)
        #expect(plan.node?.id == "c-d8f82:m-7f3e2d1c0b92")
        #expect(plan.steps.map(\.action) == ["cordon", "drain", "evict", "delete-node", "complete-lifecycle-action"])
    }

    @Test func etcdMemberOfTheSnapshotIsRemovedOnlyWhileQuorumHolds() throws {
        var snapshot = try ClusterSnapshotFile.load(load("Tests/Fixtures/scale-in/rke1-cluster-snapshot.json")).snapshot
        let event = LifecycleActionNotification(transition: .terminating, hookName: "ranchhand-scale-in", groupName: "rancher-prod-cp",
                                                instanceID: "i-0c1d2e3f4a5b6c701", token: "0b9d3c1e-5f2a-4c6e-8d7b-1a2b3c4d5e6f")
        #expect(ScaleInDecision.plan(for: event, cluster: snapshot, policy: ScaleInPolicy()).verdict == .deregister)
        snapshot.rancherNodes[1].state = .unavailable
        let refused = ScaleInDecision.plan(for: event, cluster: snapshot, policy: ScaleInPolicy())
        #expect(refused.verdict == .refuse)
        #expect(refused.steps.map(\.action) == ["cordon", "evict", "hold"], "the snapshot's group terminates abandoned instances, so the hook is held")
    }

    @Test func metricsCountOutcomesAndEmitEmbeddedMetricFormat() async throws {
        let lines = LineCollector()
        let metrics = ScaleInMetrics(emitEmbeddedMetrics: { line in lines.append(line) }, now: { Date(timeIntervalSince1970: 1_800_000_000) })
        let plan = ScaleInPlan(instanceID: "i-0aaa", verdict: .deregister, reason: "test", steps: [])
        await metrics.scaleIn(terminating("i-0aaa"), plan: plan, result: .completed(.continue, "done"))
        let line = try #require(lines.all.first)
        let json = try JSONValue.parse(line)
        #expect(json["_aws"]?["Timestamp"] == JSONValue.number(1_800_000_000_000))
        #expect(json["Outcome"]?.stringValue == "completed-continue")
        #expect(await metrics.prometheusText().contains(#"ranchhand_scale_in_total{decision="deregister",outcome="completed-continue"} 1"#))
    }
}

final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

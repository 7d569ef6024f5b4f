import Foundation
import RanchhandClients
import RanchhandHandlers
import RanchhandLambda
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// Reconcile beside Rancher's own clean-up of custom Machines whose Node is gone
/// (`rke.cattle.io/delete-missing-custom-machines-after`), on moto (EC2, Auto Scaling) and the
/// sandbox's Rancher over HTTP: ranchhand never deletes such a Machine — it alerts while nobody
/// will, and leaves it to Rancher once the annotation is set — and still removes the Machine of a
/// node whose instance is gone, which Rancher's clean-up does not touch while the node exists.
@Suite struct RancherMachineCleanupTests {
    @Test func reconcileAlertsWithoutTheAnnotationAndLeavesOrphanedMachinesToRancherWithIt() async throws {
        let harness = try await ScaleInHarness.start(distro: .rke2, removalDuration: .milliseconds(300))
        defer { Task { await harness.sandbox.stop() } }
        let world = harness.sandbox.world
        let group = try await harness.seed.group("rmc-\(UUID().uuidString.prefix(8))", desired: 3)
        _ = await harness.addNodes(group.instanceIds, roles: [.etcd, .controlPlane, .worker], prefix: "live")
        // Two hosts whose Nodes a cloud controller manager deleted after their instances went; one
        // host gone whose Node is still there, NotReady.
        let ghosts = ["i-0orphan00000001", "i-0orphan00000002"]
        _ = await harness.addNodes(ghosts, roles: .worker, prefix: "orphan")
        var orphans: [MachineRef] = []
        for name in ["orphan-0", "orphan-1"] {
            orphans.append(try #require(await world.node(named: name, in: harness.cluster)?.machine))
            await world.deleteKubernetesNode(named: name, in: harness.cluster)
        }
        _ = await harness.addNodes(["i-0stale000000001"], roles: .worker, prefix: "stale", notReady: ["i-0stale000000001"])
        let staleMachine = try #require(await world.node(named: "stale-0", in: harness.cluster)?.machine)
        var policy = ScaleInPolicy(drain: DrainOptions(timeout: 60))
        policy.budget.maximumShare = 1  // this test is about who deletes what, not the breaker
        let handler = harness.handler(policy: policy)
        let context = { HandlingContext(deadline: Date().addingTimeInterval(60), logger: harness.logger) }

        let unannotated = try await handler.reconcile(dryRun: false, now: Date(), context: context()).get()
        let alerts = unannotated.filter { $0.action == "alert" }
        #expect(alerts.map(\.subject) == ["Machine \(orphans[0]) (its node orphan-0 is gone)", "Machine \(orphans[1]) (its node orphan-1 is gone)"]
                    .sorted(), "\(unannotated)")
        #expect(unannotated.contains { $0.subject.contains("i-0stale000000001") && $0.action == "delete-machine" }, "\(unannotated)")
        let staleGone = await ScaleInHarness.eventually { await world.machine(staleMachine) == nil }
        #expect(staleGone, "the Machine of the node whose instance is gone is ranchhand's to delete")
        for machine in orphans { #expect(await world.machine(machine)?.phase == "Running", "Rancher keeps it, and so does ranchhand") }

        await world.annotateProvisioningCluster(harness.cluster, ProvisioningCluster.deleteMissingMachinesAnnotation, "1h")
        let annotated = try await handler.reconcile(dryRun: false, now: Date(), context: context()).get()
        #expect(!annotated.contains { $0.action == "alert" }, "\(annotated)")
        #expect(annotated.filter { $0.outcome.hasPrefix("left to Rancher, which deletes it 1h after") }.count == 2, "\(annotated)")
        // Shortened (on the live clock an hour is too long to wait for): Rancher now deletes them.
        await world.annotateProvisioningCluster(harness.cluster, ProvisioningCluster.deleteMissingMachinesAnnotation, "1s")
        let orphaned = orphans
        let rancherDidIt = await ScaleInHarness.eventually(timeout: .seconds(15)) {
            for machine in orphaned where await world.machine(machine) != nil { return false }
            return true
        }
        #expect(rancherDidIt)
        let deletions = await harness.sandbox.requests().filter { $0.method == "DELETE" }.map(\.path)
        #expect(deletions == ["/v1/cluster.x-k8s.io.machines/\(staleMachine.namespace)/\(staleMachine.name)"],
                "ranchhand sent one deletion, the stale node's; the orphans went by Rancher's own hand: \(deletions)")
        let live = await world.nodes(in: harness.cluster).map(\.nodeName).sorted()
        #expect(live == ["live-0", "live-1", "live-2"])
    }
}

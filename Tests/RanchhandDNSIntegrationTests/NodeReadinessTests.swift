import Foundation
import Logging
import RanchhandClients
import RanchhandHandlers
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// Node-pool records follow the Kubernetes Nodes, not only Auto Scaling: moto for the group, its
/// instances and Route53; the sandbox's Kubernetes API (through its Rancher proxy, as
/// `--rancher-url` reads it) for the Nodes. A NotReady or cordoned node, and an instance whose node
/// has not joined, get no record; each gets one once Ready; an empty Node list changes nothing.
@Suite struct NodeReadinessTests {
    @Test func notReadyCordonedAndUnjoinedInstancesAreLeftOutUntilTheirNodeIsReady() async throws {
        let harness = try await DNSHarness.make("ready")
        let group = try await harness.seed.group(MotoServer.uniqueName("dns-ready"), desired: 4)
        let ids = group.instanceIds
        let sandbox = try await Sandbox.start(SandboxConfiguration())
        defer { Task { await sandbox.stop() } }
        let cluster = RancherClusterID("c-m-dnsready")
        await sandbox.world.addCluster(id: cluster, name: "dns-ready", distro: .rke2)
        // ids[0] Ready, ids[1] NotReady, ids[2] cordoned, ids[3] launched but not joined yet.
        for (index, id) in ids.prefix(3).enumerated() {
            let node = await sandbox.world.addNode(SandboxNodeSpec(name: "pool-\(index)", ipAddress: "10.9.0.\(index + 1)", instanceID: id,
                                                                   awsProviderID: true, ready: index != 1), to: cluster)
            if index == 2 { await sandbox.world.updateNode(node.id) { $0.unschedulable = true } }
        }
        let kubernetes = LiveKubernetesClient(
            configuration: KubernetesConfiguration(baseURL: "\(sandbox.httpURL!)/k8s/clusters/\(cluster)", bearerToken: sandbox.apiToken,
                                                   retryPolicy: AWSTestContext.fastRetries),
            transport: AWSTestContext.transport)
        let syncer = harness.syncer(group: group.group, kubernetes: kubernetes)
        func pool() async throws -> Set<String> {
            Set(try await harness.records().filter { $0.name == "nodes.\(harness.zoneName)." && $0.type == "A" }.compactMap(\.setIdentifier))
        }

        _ = try await syncer.sync(dryRun: false)
        #expect(try await pool() == [ids[0]])

        await sandbox.world.updateNode(try #require(await sandbox.world.node(named: "pool-1", in: cluster)).id) { $0.ready = true }
        await sandbox.world.addNode(SandboxNodeSpec(name: "pool-3", ipAddress: "10.9.0.4", instanceID: ids[3], awsProviderID: true), to: cluster)
        _ = try await syncer.sync(dryRun: false)
        #expect(try await pool() == [ids[0], ids[1], ids[3]], "ready and joined now; the cordoned one still out")

        // A cluster that lists no Nodes (a wrong id, a token that sees none) is a failed read.
        let empty = RancherClusterID("c-m-dnsempty")
        await sandbox.world.addCluster(id: empty, name: "dns-empty", distro: .rke2)
        let blind = LiveKubernetesClient(
            configuration: KubernetesConfiguration(baseURL: "\(sandbox.httpURL!)/k8s/clusters/\(empty)", bearerToken: sandbox.apiToken,
                                                   retryPolicy: AWSTestContext.fastRetries),
            transport: AWSTestContext.transport)
        await #expect(throws: ClientError.self) { _ = try await harness.syncer(group: group.group, kubernetes: blind).sync(dryRun: false) }
        #expect(try await pool() == [ids[0], ids[1], ids[3]], "nothing deleted on an empty Node list")
    }
}

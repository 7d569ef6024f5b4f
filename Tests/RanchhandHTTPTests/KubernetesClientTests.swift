import RanchhandClients
import RanchhandHTTP
import RanchhandSandbox
import Testing

@Suite("Kubernetes client against the sandbox")
struct KubernetesClientTests {
    static let edge = SandboxWorld.standardRKE2Cluster
    static let shop = NamespacedName(namespace: "default", name: "shop")

    func standard(_ harness: SandboxHarness) async {
        await harness.world.loadStandardScenario()
    }

    @Test func listsIngressesAcrossContinuePages() async throws {
        try await SandboxHarness.run { harness async throws in
            await standard(harness)
            let list = try await harness.kubernetes(cluster: Self.edge, pageLimit: 1).ingresses(namespace: nil)
            #expect(list.items.map(\.id.description) == ["default/shop", "tools/grafana"])
            #expect(list.items[0].ruleHosts == ["shop.example.com"] && list.items[0].loadBalancer.first?.hostname?.hasSuffix(".elb.eu-west-1.amazonaws.com") == true)
            #expect(!list.resourceVersion.isEmpty)
            let pages = await harness.sandbox.requests().filter { $0.path.hasSuffix("/ingresses") }
            #expect(pages.count == 2 && pages[1].queryValue("continue") != nil)
            #expect(pages.allSatisfy { $0.path.hasPrefix("/k8s/clusters/\(Self.edge)/") })
            let tools = try await harness.kubernetes(cluster: Self.edge).ingresses(namespace: "tools")
            #expect(tools.items.map(\.metadata.name) == ["grafana"])
        }
    }

    @Test func watchDeliversChangesAndBookmarks() async throws {
        try await SandboxHarness.run { harness async throws in
            await standard(harness)
            let client = harness.kubernetes(cluster: Self.edge)
            let list = try await client.ingresses(namespace: nil)
            await harness.world.putIngress(SandboxIngress(name: "api", hosts: ["api.example.com"], loadBalancerIPs: ["203.0.113.9"]), in: Self.edge)
            var shop = try #require(await harness.world.ingresses(in: Self.edge).first { $0.name == "shop" })
            shop.hosts.append("www.shop.example.com")
            await harness.world.putIngress(shop, in: Self.edge)
            await harness.world.deleteIngress(NamespacedName(namespace: "tools", name: "grafana"), in: Self.edge)
            let batch = try await client.watchIngresses(namespace: nil, from: list.resourceVersion, timeoutSeconds: 5)
            #expect(!batch.expired)
            guard batch.events.count == 4, case .added(let api) = batch.events[0], case .modified(let modified) = batch.events[1],
                  case .deleted(let deleted) = batch.events[2], case .bookmark(let version) = batch.events[3] else {
                Issue.record("unexpected events \(batch.events)")
                return
            }
            #expect(api.loadBalancer == [Ingress.LoadBalancerIngress(ip: "203.0.113.9")])
            #expect(modified.ruleHosts == ["shop.example.com", "www.shop.example.com"] && deleted.metadata.name == "grafana")
            #expect(batch.resourceVersion == version)
            let request = try #require(await harness.sandbox.requests().last)
            #expect(request.queryValue("watch") == "1" && request.queryValue("allowWatchBookmarks") == "true" && request.queryValue("timeoutSeconds") == "5")
            let quiet = try await client.watchIngresses(namespace: nil, from: batch.resourceVersion, timeoutSeconds: 5)
            #expect(quiet.events == [.bookmark(resourceVersion: batch.resourceVersion)])
        }
    }

    @Test(arguments: [false, true])
    func theMirrorRelistsAfterGone(httpStatus: Bool) async throws {
        try await SandboxHarness.run({ $0.behaviour.expiredWatchAsHTTPStatus = httpStatus }) { harness async throws in
            await standard(harness)
            let client = harness.kubernetes(cluster: Self.edge)
            var mirror = IngressMirror()
            #expect(try await mirror.sync(using: client).listed)
            #expect(mirror.ingresses.count == 2)
            await harness.world.putIngress(SandboxIngress(name: "api", hosts: ["api.example.com"]), in: Self.edge)
            #expect(try await mirror.sync(using: client).changed)
            #expect(mirror.ingresses.count == 3)

            // A change the mirror has not seen is compacted away: resuming would miss it.
            await harness.world.deleteIngress(Self.shop, in: Self.edge)
            await harness.world.compactWatchHistory(of: Self.edge)
            let expired = try await mirror.sync(using: client)
            #expect(expired.expired && mirror.resourceVersion == nil)
            let relisted = try await mirror.sync(using: client)
            #expect(relisted.listed && relisted.changed)
            #expect(mirror.ingresses.keys.sorted().map(\.name) == ["api", "grafana"] && mirror.listCount == 2)
        }
    }

    @Test func nodesAreReadLabelledAndCordoned() async throws {
        try await SandboxHarness.run { harness async throws in
            await standard(harness)
            let client = harness.kubernetes(cluster: Self.edge)
            let name = KubernetesNodeName("edge-cp-1")
            let node = try #require(try await client.node(named: name))
            #expect(node.providerID == "aws:///eu-west-1a/i-0e1d2c3b4a5f60001" && node.ready == "True" && !node.unschedulable)
            #expect(node.addresses.contains(KubernetesNode.Address(type: "InternalIP", address: "10.0.2.11")))
            #expect(try await client.node(named: "nope") == nil)

            let labelled = try await client.labelNode(name, set: ["ranchhand.io/draining": "true"], remove: [SandboxNodeSpec.instanceIDLabel])
            #expect(labelled.metadata.labels["ranchhand.io/draining"] == "true" && labelled.metadata.labels[SandboxNodeSpec.instanceIDLabel] == nil)
            #expect(try await client.setUnschedulable(name, true).unschedulable)
            // The same node seen through Rancher is now cordoned.
            let rancherNode = try #require(try await harness.rancher().nodes(matching: RancherNodeFilter(nodeName: "edge-cp-1")).first)
            #expect(rancherNode.state == .cordoned)
            #expect(try await client.setUnschedulable(name, false).unschedulable == false)
            let patch = try #require(await harness.sandbox.requests().last)
            #expect(patch.method == "PATCH" && patch.header("Content-Type") == "application/merge-patch+json")
        }
    }

    @Test func drainingAControlPlaneNodeByEviction() async throws {
        try await SandboxHarness.run { harness async throws in
            await standard(harness)
            let client = harness.kubernetes(cluster: Self.edge)
            let pods = try await client.pods(onNode: "edge-worker-1")
            #expect(Set(pods.map(\.metadata.name)) == ["web-7d4b9c-0", "web-7d4b9c-2", "canal-edge-worker-1"])
            #expect(pods.allSatisfy { $0.nodeName == "edge-worker-1" && $0.phase == "Running" })
            let evictable = pods.filter { !$0.isDaemonSetPod && !$0.isMirrorPod }
            #expect(evictable.map(\.metadata.name) == ["web-7d4b9c-0", "web-7d4b9c-2"])
            #expect(try await client.evict(evictable[0].ref, options: EvictionOptions(gracePeriodSeconds: 30)) == .evicted)
            guard case .blockedByDisruptionBudget(let message) = try await client.evict(evictable[1].ref, options: EvictionOptions()) else {
                Issue.record("the budget should refuse the second eviction")
                return
            }
            #expect(message.contains("disruption budget"))
            // Refused once, not retried by the client: the caller owns the waiting.
            #expect(await harness.sandbox.requests().filter { $0.path.hasSuffix("/eviction") }.map(\.status) == [201, 429])
            #expect(try await client.evict(evictable[0].ref, options: EvictionOptions()) == .alreadyGone)
            #expect(try await client.evict(evictable[1].ref, options: EvictionOptions(dryRun: true)) != .evicted)
        }
    }

    @Test func deploymentScaleIsReadAndSet() async throws {
        try await SandboxHarness.run { harness async throws in
            await standard(harness)
            let client = harness.kubernetes(cluster: Self.edge)
            let web = NamespacedName(namespace: "default", name: "web")
            let scale = try #require(try await client.scale(ofDeployment: web))
            #expect(scale.replicas == 3 && scale.selector == "app=web" && scale.deployment == web)
            #expect(try await client.setScale(ofDeployment: web, replicas: 5).replicas == 5)
            #expect(await harness.world.deployment(web, in: Self.edge)?.replicas == 5)
            #expect(try await client.scale(ofDeployment: NamespacedName(namespace: "default", name: "nope")) == nil)
        }
    }

    @Test func directAccessAndTypedErrors() async throws {
        try await SandboxHarness.run({ $0.directKubernetesCluster = SandboxWorld.standardRKE2Cluster }) { harness async throws in
            await standard(harness)
            let direct = harness.kubernetes()
            #expect(try await direct.node(named: "edge-worker-2")?.name == "edge-worker-2")
            #expect(await harness.sandbox.requests().last?.path == "/api/v1/nodes/edge-worker-2")
            await harness.sandbox.faults.inject(.status(503), on: .path("/api/v1/nodes"), times: 10)
            let error = await expectClientError { () async throws(ClientError) in try await direct.node(named: "edge-worker-2") }
            #expect(error?.service == "kubernetes" && error?.statusCode == 503 && error?.code == "ServiceUnavailable")
        }
    }
}

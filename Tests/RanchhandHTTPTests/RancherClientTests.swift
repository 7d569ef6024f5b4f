import RanchhandClients
import RanchhandHTTP
import RanchhandSandbox
import Testing

@Suite("Rancher client against the sandbox")
struct RancherClientTests {
    static let home = RancherClusterID("c-home")
    static let edge = RancherClusterID("c-m-edge")

    func populate(_ world: SandboxWorld, workers: Int = 5) async {
        await world.addCluster(id: Self.home, name: "home", distro: .rke1)
        await world.addCluster(id: Self.edge, name: "edge", distro: .rke2)
        await world.addNode(SandboxNodeSpec(name: "cp-1", roles: [.etcd, .controlPlane], ipAddress: "10.0.0.1"), to: Self.home)
        for index in 1...workers {
            await world.addNode(SandboxNodeSpec(name: "w-\(index)", ipAddress: "10.0.1.\(index)", instanceID: "i-000\(index)",
                                                awsProviderID: true), to: Self.home)
        }
        await world.addNode(SandboxNodeSpec(name: "edge-1", roles: .all, ipAddress: "10.0.2.1"), to: Self.edge)
    }

    @Test func listsEveryPageWhenTheServerPagesByTwo() async throws {
        try await SandboxHarness.run({ $0.behaviour.defaultPageLimit = 2 }) { harness async throws in
            await populate(harness.world)
            let nodes = try await harness.rancher().nodes(matching: RancherNodeFilter(clusterID: Self.home))
            #expect(nodes.count == 6)
            #expect(nodes.map(\.id.rawValue) == nodes.map(\.id.rawValue).sorted())
            let pages = await harness.sandbox.requests().filter { $0.path == "/v3/nodes" }
            #expect(pages.count == 3)
            #expect(pages.dropFirst().allSatisfy { $0.queryValue("marker") != nil && $0.queryValue("clusterId") == "c-home" })
        }
    }

    @Test func sendsTheConfiguredPageLimit() async throws {
        try await SandboxHarness.run { harness async throws in
            await populate(harness.world)
            let nodes = try await harness.rancher(pageLimit: 4).nodes(matching: RancherNodeFilter())
            #expect(nodes.count == 7)
            #expect(await harness.sandbox.requests().filter { $0.path == "/v3/nodes" }.map { $0.queryValue("limit") } == ["4", "4"])
        }
    }

    @Test func rematchesWhenRancherIgnoresAFilter() async throws {
        try await SandboxHarness.run({ $0.behaviour.unsupportedFilters = ["providerId"] }) { harness async throws in
            await populate(harness.world)
            let filter = RancherNodeFilter(clusterID: Self.home, providerID: "aws:///eu-west-1a/i-0003")
            let nodes = try await harness.rancher().nodes(matching: filter)
            #expect(nodes.map(\.nodeName) == ["w-3"])
            // The server really did send everything back.
            #expect(await harness.sandbox.requests().last?.queryValue("providerId") == "aws:///eu-west-1a/i-0003")
            let labelled = try await harness.rancher().nodes(matching: RancherNodeFilter(labels: [SandboxNodeSpec.instanceIDLabel: "i-0004"]))
            #expect(labelled.map(\.nodeName) == ["w-4"])
        }
    }

    @Test func clustersByIDAndName() async throws {
        try await SandboxHarness.run { harness async throws in
            await populate(harness.world)
            let client = harness.rancher()
            #expect(try await client.clusters().map(\.name).sorted() == ["edge", "home"])
            #expect(try await client.cluster(id: Self.edge)?.isProvisionedByRancherV2 == true)
            #expect(try await client.cluster(id: "c-nope") == nil)
            #expect(try await client.cluster(named: "home")?.driver == "rancherKubernetesEngine")
            #expect(try await client.cluster(named: "away") == nil)
            #expect(try await client.serverVersion() == "v2.9.3")
            #expect(try await client.setting("nope") == nil)
        }
    }

    @Test func cordonTwiceIsATypedInvalidAction() async throws {
        try await SandboxHarness.run { harness async throws in
            await populate(harness.world)
            let client = harness.rancher()
            let worker = try #require(try await client.nodes(matching: RancherNodeFilter(nodeName: "w-1")).first)
            try await client.cordon(worker.id)
            #expect(try await client.node(id: worker.id)?.state == .cordoned)
            let again = await expectClientError { () async throws(ClientError) in try await client.cordon(worker.id) }
            #expect(again?.isRancherInvalidAction == true)
            #expect(again?.service == "rancher" && again?.message == "Invalid action: cordon")
            try await client.uncordon(worker.id)
            #expect(try await client.node(id: worker.id)?.state == .active)
            let request = try #require(await harness.sandbox.requests().last)
            #expect(request.header("User-Agent") == "ranchhand/1.0")
            #expect(request.header("Authorization") == "Bearer \(harness.sandbox.apiToken)")
        }
    }

    @Test func drainIsPolledToDrainedOnTheVirtualClock() async throws {
        try await SandboxHarness.run({ $0.behaviour.drainDuration = .seconds(45) }) { harness async throws in
            await populate(harness.world)
            let client = harness.rancher()
            let worker = try #require(try await client.nodes(matching: RancherNodeFilter(nodeName: "w-2")).first)
            try await client.drain(worker.id, options: DrainOptions(deleteLocalData: true, force: true, gracePeriod: 30, timeout: 300))
            let body = try #require(await harness.sandbox.requests().last?.body)
            #expect(String(decoding: body, as: UTF8.self) == #"{"deleteLocalData":true,"force":true,"gracePeriod":30,"ignoreDaemonSets":true,"timeout":300}"#)
            var polls = 0
            while try await client.node(id: worker.id)?.state == .draining {
                polls += 1
                try await harness.sandbox.clock.sleep(for: .seconds(10))
            }
            #expect(polls == 5)
            let drained = try #require(try await client.node(id: worker.id))
            #expect(drained.state == .drained && drained.condition("Drained")?.status == "True")
        }
    }

    @Test func etcdNodesCannotBeDrainedThroughRancher() async throws {
        try await SandboxHarness.run { harness async throws in
            await populate(harness.world)
            let client = harness.rancher()
            let etcd = try #require(try await client.nodes(matching: RancherNodeFilter(nodeName: "cp-1")).first)
            #expect(!etcd.offers(.drain))
            let error = await expectClientError { () async throws(ClientError) in try await client.drain(etcd.id, options: DrainOptions()) }
            #expect(error?.isRancherInvalidAction == true)
        }
    }

    @Test func deleteIsGoneOrGoingAndMissingIsNil() async throws {
        try await SandboxHarness.run({ $0.behaviour.removalDuration = .seconds(10) }) { harness async throws in
            await populate(harness.world)
            let client = harness.rancher()
            let etcd = try #require(try await client.nodes(matching: RancherNodeFilter(nodeName: "cp-1")).first)
            #expect(try await client.deleteNode(etcd.id) == .accepted)
            #expect(try await client.node(id: etcd.id)?.state == .removing)
            harness.sandbox.clock.advance(by: .seconds(10))
            #expect(try await client.node(id: etcd.id) == nil)
            #expect(try await client.deleteNode(etcd.id) == .alreadyGone)
            #expect(await harness.world.etcdMembers(of: Self.home) == [])
        }
    }

    @Test func rke2NodesAreDeletedThroughTheirMachine() async throws {
        try await SandboxHarness.run({ $0.behaviour.removalDuration = .seconds(10) }) { harness async throws in
            await populate(harness.world)
            let client = harness.rancher()
            let node = try #require(try await client.nodes(matching: RancherNodeFilter(clusterID: Self.edge)).first)
            let machine = try #require(node.machine)
            #expect(try await client.machine(machine)?.phase == "Running")
            #expect(try await client.deleteMachine(machine) == .accepted)
            #expect(try await client.machine(machine)?.isDeleting == true)
            harness.sandbox.clock.advance(by: .seconds(10))
            #expect(try await client.machine(machine) == nil)
            #expect(try await client.nodes(matching: RancherNodeFilter(clusterID: Self.edge)).isEmpty)
            #expect(try await client.deleteMachine(machine) == .alreadyGone)
        }
    }

    @Test func registrationTokenIsPolledUntilItsCommandsAreFilled() async throws {
        try await SandboxHarness.run({ $0.behaviour.registrationCommandDelay = .seconds(7) }) { harness async throws in
            await harness.world.addCluster(id: Self.edge, name: "edge", distro: .rke2, withDefaultToken: false)
            let client = harness.rancher()
            let started = harness.sandbox.clock.now
            let token = try await client.readyRegistrationToken(cluster: Self.edge, timeout: .seconds(30))
            #expect(token.isReady && token.clusterID == Self.edge)
            #expect(token.nodeCommand.contains("system-agent-install.sh") && token.nodeCommand.contains("--token \(token.token)"))
            #expect(token.nodeCommand.hasSuffix("--ca-checksum \(harness.sandbox.certificateAuthority.caChecksum)"))
            #expect(started.duration(to: harness.sandbox.clock.now) == .seconds(9))
            #expect(await harness.sandbox.requests().filter { $0.method == "POST" }.count == 1)
            // A second call finds the ready token and creates none.
            #expect(try await client.readyRegistrationToken(cluster: Self.edge, timeout: .seconds(1)).id == token.id)
            #expect(await harness.sandbox.requests().filter { $0.method == "POST" }.count == 1)
        }
    }

    @Test func registrationTokenPollGivesUpAtTheTimeout() async throws {
        try await SandboxHarness.run({ $0.behaviour.registrationCommandDelay = .seconds(60) }) { harness async throws in
            await harness.world.addCluster(id: Self.home, name: "home", distro: .rke1, withDefaultToken: false)
            let client = harness.rancher()
            let error = await expectClientError { () async throws(ClientError) in
                try await client.readyRegistrationToken(cluster: Self.home, timeout: .seconds(10))
            }
            #expect(error?.kind == .timeout)
        }
    }

    @Test func aWrongTokenIsATypedUnauthorized() async throws {
        try await SandboxHarness.run { harness async throws in
            let client = harness.rancher(token: "token-wrong:nope")
            let error = await expectClientError { () async throws(ClientError) in try await client.clusters() }
            #expect(error?.statusCode == 401 && error?.code == "Unauthorized" && error?.kind == .service)
            #expect(error.map { "\($0)" }?.contains("nope") == false)
        }
    }

    /// The provisioning cluster over real HTTP: Rancher's Machine clean-up is read from its
    /// annotation; a cluster with no provisioning object (RKE1) is nil, not an error.
    @Test func provisioningClusterCarriesRanchersMachineCleanUp() async throws {
        try await SandboxHarness.run { harness async throws in
            await populate(harness.world)
            let client = harness.rancher()
            let plain = try #require(try await client.provisioningCluster(namespace: "fleet-default", name: "edge"))
            #expect(plain.managementClusterID == Self.edge && plain.missingMachineCleanup == .off)
            await harness.world.annotateProvisioningCluster(Self.edge, ProvisioningCluster.deleteMissingMachinesAnnotation, "1h30m")
            let annotated = try #require(try await client.provisioningCluster(namespace: "fleet-default", name: "edge"))
            #expect(annotated.missingMachineCleanup == .after(seconds: 5400, text: "1h30m"))
            await harness.world.annotateProvisioningCluster(Self.edge, ProvisioningCluster.deleteMissingMachinesAnnotation, "soon")
            let wrong = try #require(try await client.provisioningCluster(namespace: "fleet-default", name: "edge"))
            #expect({ if case .unreadable = wrong.missingMachineCleanup { true } else { false } }())
            #expect(try await client.provisioningCluster(namespace: "fleet-default", name: "home") == nil)
        }
    }
}

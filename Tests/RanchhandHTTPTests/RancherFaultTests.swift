import RanchhandClients
import RanchhandHTTP
import RanchhandSandbox
import Testing

/// The sandbox's faults against the shared retry policy: what is retried, what is not, and what
/// the caller finally sees.
@Suite("Rancher client under injected faults")
struct RancherFaultTests {
    static let cluster = RancherClusterID("c-faults")

    @discardableResult
    func prepare(_ harness: SandboxHarness) async -> SandboxNode {
        await harness.world.addCluster(id: Self.cluster, name: "faults", distro: .rke1)
        return await harness.world.addNode(SandboxNodeSpec(name: "w-1"), to: Self.cluster)
    }

    @Test func twoFailedDrainsAreRetriedAndTheThirdStarts() async throws {
        try await SandboxHarness.run { harness async throws in
            let node = await prepare(harness)
            await harness.sandbox.faults.inject(.status(503), on: .rancherAction("drain"), times: 2)
            try await harness.rancher().drain(node.id, options: DrainOptions())
            let drains = await harness.sandbox.requests().filter { $0.queryValue("action") == "drain" }
            #expect(drains.map(\.status) == [503, 503, 200])
            #expect(await harness.world.node(node.id)?.state == .draining)
        }
    }

    @Test func throttlingIsRetriedForEveryCall() async throws {
        try await SandboxHarness.run { harness async throws in
            await prepare(harness)
            await harness.sandbox.faults.inject(.status(429), on: .path("/v3/clusterregistrationtokens", method: "POST"), times: 1)
            let token = try await harness.rancher().createRegistrationToken(cluster: Self.cluster)
            #expect(token.clusterID == Self.cluster)
            #expect(await harness.sandbox.requests().filter { $0.method == "POST" }.map(\.status) == [429, 201])
        }
    }

    @Test func aFailureThatOutlastsTheAttemptsIsThrownTyped() async throws {
        try await SandboxHarness.run { harness async throws in
            let node = await prepare(harness)
            await harness.sandbox.faults.inject(.status(500), on: .path("/v3/nodes/"), times: 10)
            let error = await expectClientError { () async throws(ClientError) in try await harness.rancher().node(id: node.id) }
            #expect(error?.statusCode == 500 && error?.code == "ServerError")
            #expect(await harness.sandbox.requests().count == SandboxHarness.retries.maximumAttempts)
        }
    }

    @Test func droppedConnectionsAreRetriedOnlyWhenSafe() async throws {
        try await SandboxHarness.run { harness async throws in
            await prepare(harness)
            let client = harness.rancher()
            await harness.sandbox.faults.inject(.dropConnection, on: .path("/v3/clusters", method: "GET"), times: 1)
            #expect(try await client.clusters().count == 1)
            await harness.sandbox.faults.inject(.dropConnection, on: .path("/v3/clusterregistrationtokens", method: "POST"), times: 1)
            let error = await expectClientError { () async throws(ClientError) in try await client.createRegistrationToken(cluster: Self.cluster) }
            #expect(error?.kind == .connectionLost)
            #expect(await harness.sandbox.requests().filter { $0.method == "POST" }.count == 1)
        }
    }

    @Test func aSlowAnswerTimesOutThenTheRetrySucceeds() async throws {
        try await SandboxHarness.run { harness async throws in
            await prepare(harness)
            await harness.sandbox.faults.inject(.latency(.seconds(6)), on: .path("/v3/clusters"), times: 1)
            let clusters = try await harness.rancher(timeout: .milliseconds(1500)).clusters()
            #expect(clusters.count == 1)
            // The slow answer timed out and was retried; a loaded CI machine may need one retry more.
            #expect(await harness.sandbox.requests().filter { $0.path == "/v3/clusters" }.count >= 2)
        }
    }

    @Test func aMalformedBodyIsAnInvalidResponse() async throws {
        try await SandboxHarness.run { harness async throws in
            await prepare(harness)
            await harness.sandbox.faults.inject(.malformedBody, on: .path("/v3/clusters"), times: 1)
            let error = await expectClientError { () async throws(ClientError) in try await harness.rancher().clusters() }
            #expect(error?.kind == .invalidResponse && error?.statusCode == 200)
            // Not retried: the policy retries garbled bodies only on 5xx, where the server may not have acted.
            #expect(await harness.sandbox.requests().count == 1)
        }
    }

    @Test func seededRandomServerErrorsAreAbsorbedByRetries() async throws {
        try await SandboxHarness.run({ $0.seed = 42; $0.behaviour.defaultPageLimit = 1 }) { harness async throws in
            await prepare(harness)
            for index in 2...6 { await harness.world.addNode(SandboxNodeSpec(name: "w-\(index)"), to: Self.cluster) }
            await harness.sandbox.faults.inject(.status(500), on: .path("/v3/nodes", method: "GET"), probability: 0.3)
            let nodes = try await harness.rancher().nodes(matching: RancherNodeFilter(clusterID: Self.cluster))
            #expect(nodes.count == 6)
            let statuses = await harness.sandbox.requests().map(\.status)
            #expect(statuses.filter { $0 == 200 }.count == 6 && statuses.contains(500))
        }
    }
}

import RanchhandClients
import RanchhandHTTP
import RanchhandSandbox
import Testing

/// HTTPS against the sandbox's own CA: checksum pinning the way Rancher's agent does it, a CA
/// bundle, the system trust store (which must refuse), and `--insecure`.
@Suite("Rancher client TLS trust")
struct RancherTLSTests {
    static let cluster = RancherClusterID("c-tls")

    func prepare(_ harness: SandboxHarness) async {
        await harness.world.addCluster(id: Self.cluster, name: "tls", distro: .rke1)
        await harness.world.addNode(SandboxNodeSpec(name: "w-1"), to: Self.cluster)
    }

    @Test func theRightChecksumPinsTheCAForEveryLaterRequest() async throws {
        try await SandboxHarness.run { harness async throws in
            await prepare(harness)
            let checksum = harness.sandbox.certificateAuthority.caChecksum
            #expect(RancherCAChecksum.of(caCertificates: harness.sandbox.certificateAuthority.caPEM) == checksum)
            let client = harness.rancher(https: true, trust: .caChecksum(checksum.uppercased()))
            let nodes = try await client.nodes(matching: RancherNodeFilter(clusterID: Self.cluster))
            #expect(nodes.map(\.nodeName) == ["w-1"])
            try await client.cordon(nodes[0].id)
            #expect(try await client.resolvedTrust() == .only(pemBundle: harness.sandbox.certificateAuthority.caPEM))
            let requests = await harness.sandbox.requests()
            #expect(requests.map(\.path) == ["/v3/settings/cacerts", "/v3/nodes", "/v3/nodes/\(nodes[0].id)"])
            #expect(requests.allSatisfy { $0.scheme == "https" })
            // The unverified CA fetch carries no credentials; everything after it does.
            #expect(requests[0].header("Authorization") == nil)
            #expect(requests.dropFirst().allSatisfy { $0.header("Authorization") != nil })
        }
    }

    @Test func aWrongChecksumStopsBeforeAnyCredentialOrBodyIsSent() async throws {
        try await SandboxHarness.run { harness async throws in
            await prepare(harness)
            let node = try #require(await harness.world.nodes(in: Self.cluster).first)
            let client = harness.rancher(https: true, trust: .caChecksum(String(repeating: "ab", count: 32)))
            let error = await expectClientError { () async throws(ClientError) in
                try await client.drain(node.id, options: DrainOptions())
            }
            #expect(error?.kind == .configuration)
            #expect(error?.message.contains(harness.sandbox.certificateAuthority.caChecksum) == true)
            let requests = await harness.sandbox.requests()
            #expect(requests.map(\.path) == ["/v3/settings/cacerts"])
            #expect(requests.allSatisfy { $0.header("Authorization") == nil && $0.body.isEmpty })
            #expect(await harness.world.node(node.id)?.drain == nil)
            // And it stays refused: no later call slips through.
            _ = await expectClientError { () async throws(ClientError) in try await client.clusters() }
            #expect(await harness.sandbox.requests().allSatisfy { $0.path == "/v3/settings/cacerts" })
        }
    }

    @Test func aCABundleIsTrusted() async throws {
        try await SandboxHarness.run { harness async throws in
            await prepare(harness)
            let client = harness.rancher(https: true, trust: .caBundle(pem: harness.sandbox.certificateAuthority.caPEM))
            #expect(try await client.clusters().map(\.id) == [Self.cluster])
        }
    }

    @Test func theSystemTrustStoreRefusesThePrivateCA() async throws {
        try await SandboxHarness.run { harness async throws in
            await prepare(harness)
            // AsyncHTTPClient keeps trying new connections until the request's deadline; keep it short.
            let client = harness.rancher(https: true, trust: .system, retries: .never, timeout: .seconds(2))
            let error = await expectClientError { () async throws(ClientError) in try await client.clusters() }
            #expect(error?.kind == .connectionFailed)
            #expect(error?.message.contains("CERTIFICATE_VERIFY_FAILED") == true)
            #expect(await harness.sandbox.requests().isEmpty)
        }
    }

    @Test func insecureSkipsVerificationWhenAskedTo() async throws {
        try await SandboxHarness.run { harness async throws in
            await prepare(harness)
            #expect(try await harness.rancher(https: true, trust: .insecure).clusters().count == 1)
        }
    }
}

import Foundation
import Logging
import RanchhandClients
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// A Rancher token rotated while a function is warm: moto's SSM holds the token (a SecureString,
/// as the stack keeps it), the sandbox's Rancher starts answering 401 to the old one, and the live
/// clients re-read the parameter once and carry on — the Kubernetes client through Rancher's proxy too.
@Suite struct TokenRotationTests {
    @Test func a401ReReadsTheTokenParameterOnceAndRecovers() async throws {
        let harness = try await ScaleInHarness.start()
        defer { Task { await harness.sandbox.stop() } }
        let parameter = "/ranchhand/rot-\(UUID().uuidString.prefix(8))/scale-in/rancher-token"
        try await harness.seed.parameters([Seed.Parameter(name: parameter, type: "SecureString", value: harness.sandbox.apiToken)])
        let aws = harness.aws
        let reread: @Sendable () async throws(ClientError) -> String = { () async throws(ClientError) -> String in
            try await LiveSSMClient(sender: aws).getParameter(parameter, decrypt: true).value
        }
        let configuration = RancherConfiguration(baseURL: harness.sandbox.httpURL!, token: RancherAPIToken(harness.sandbox.apiToken),
                                                 retryPolicy: AWSTestContext.fastRetries, tokenReread: reread)
        let rancher = LiveRancherClient(configuration: configuration, transport: AWSTestContext.transport, logger: harness.logger)
        let kubernetes = LiveKubernetesClient(configuration: .throughRancher(configuration, cluster: harness.cluster, trust: .systemRoots),
                                              transport: AWSTestContext.transport)
        _ = await harness.addNodes(["i-0rot0000000000001"], roles: .worker, prefix: "rot")
        #expect(try await rancher.nodes(matching: RancherNodeFilter(clusterID: harness.cluster)).count == 1)

        let rotated = "token-rot42:" + String(repeating: "q", count: 54)
        await harness.sandbox.world.rotateAPIToken(to: rotated)
        try await harness.seed.parameters([Seed.Parameter(name: parameter, type: "SecureString", value: rotated)])

        #expect(try await rancher.nodes(matching: RancherNodeFilter(clusterID: harness.cluster)).count == 1)
        _ = try await kubernetes.pods(onNode: KubernetesNodeName("rot-0"))
        let statuses = await harness.sandbox.requests().map(\.status)
        #expect(statuses.filter { $0 == 401 }.count == 1, "one 401, then the re-read token for both clients: \(statuses)")
    }

    @Test func withoutAParameterToReReadThe401IsTheTypedError() async throws {
        let harness = try await ScaleInHarness.start()
        defer { Task { await harness.sandbox.stop() } }
        await harness.sandbox.world.rotateAPIToken(to: "token-other:" + String(repeating: "z", count: 54))
        do {
            _ = try await harness.rancher.nodes(matching: RancherNodeFilter(clusterID: harness.cluster))
            Issue.record("a rejected token must fail")
        } catch {
            #expect(error.statusCode == 401)
        }
    }
}

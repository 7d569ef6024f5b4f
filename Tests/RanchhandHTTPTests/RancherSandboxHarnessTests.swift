import RanchhandClients
import RanchhandHTTP
import RanchhandSandbox
import Testing

/// A sandbox on ephemeral ports and live clients pointed at it, sharing the sandbox's virtual
/// clock: retries and polls "wait" instantly, and waiting long enough completes the sandbox's
/// drains and deletions. (This file holds the harness the Rancher and Kubernetes tests share.)
struct SandboxHarness {
    let sandbox: Sandbox
    let transport: AsyncHTTPTransport

    /// Fast, deterministic retries: 5 attempts, no real waiting.
    static let retries = RetryPolicy(maximumAttempts: 5, baseDelay: .milliseconds(100), maximumDelay: .seconds(2), maximumTotal: .seconds(60))

    static func run(
        _ configure: (inout SandboxConfiguration) -> Void = { _ in },
        _ body: (SandboxHarness) async throws -> Void
    ) async throws {
        var configuration = SandboxConfiguration()
        configure(&configuration)
        let sandbox = try await Sandbox.start(configuration)
        let harness = SandboxHarness(sandbox: sandbox, transport: try AsyncHTTPTransport())
        do {
            try await body(harness)
        } catch {
            await harness.transport.shutdown()
            await sandbox.stop()
            throw error
        }
        await harness.transport.shutdown()
        await sandbox.stop()
    }

    var world: SandboxWorld { sandbox.world }

    func rancher(
        https: Bool = false, trust: RancherTrustMode = .system, token: String? = nil, pageLimit: Int? = nil,
        retries: RetryPolicy = SandboxHarness.retries, timeout: Duration = .seconds(10)
    ) -> LiveRancherClient<SandboxClock> {
        let url = https ? sandbox.httpsURL! : sandbox.httpURL!
        let configuration = RancherConfiguration(
            baseURL: url, token: RancherAPIToken(token ?? sandbox.apiToken), trust: trust, requestTimeout: timeout,
            retryPolicy: retries, pageLimit: pageLimit)
        return LiveRancherClient(configuration: configuration, transport: transport, clock: sandbox.clock, unitRandom: { 0.5 })
    }

    func kubernetes(cluster: RancherClusterID? = nil, pageLimit: Int = 500, retries: RetryPolicy = SandboxHarness.retries) -> LiveKubernetesClient<SandboxClock> {
        let base = cluster.map { "\(sandbox.httpURL!)/k8s/clusters/\($0)" } ?? sandbox.httpURL!
        let configuration = KubernetesConfiguration(baseURL: base, bearerToken: sandbox.apiToken, retryPolicy: retries, listPageLimit: pageLimit)
        return LiveKubernetesClient(configuration: configuration, transport: transport, clock: sandbox.clock, unitRandom: { 0.5 })
    }
}

/// The expected error, or a recorded issue.
func expectClientError<T>(_ body: () async throws(ClientError) -> T) async -> ClientError? {
    do {
        _ = try await body()
        Issue.record("expected a ClientError")
        return nil
    } catch {
        return error
    }
}

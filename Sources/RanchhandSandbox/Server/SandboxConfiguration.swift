import RanchhandClients

/// How to start a sandbox. The defaults suit tests: ephemeral ports on loopback, virtual time, an
/// empty world.
public struct SandboxConfiguration: Sendable {
    /// Listen on this port for plain HTTP (0: any free port; nil: no HTTP listener).
    public var httpPort: Int? = 0
    /// Listen on this port for HTTPS with the generated CA (0: any free port; nil: none).
    public var httpsPort: Int? = 0
    /// Seeds tokens, ids and fault probabilities.
    public var seed: UInt64 = 1
    /// The API token the fake Rancher accepts; nil makes one (`token-xxxxx:<54 chars>`).
    public var apiToken: String?
    public var behaviour = SandboxBehaviour()
    public var imds = IMDSConfiguration()
    /// The cluster whose API answers at `/api` and `/apis` (as a directly reached API server);
    /// nil: the first cluster by id. Every cluster is also at `/k8s/clusters/<id>/`.
    public var directKubernetesCluster: RancherClusterID?
    /// Virtual time (tests) or the machine's clock (the standalone server).
    public var clock: SandboxClock = .virtual()

    public init() {}
}

import RanchhandClients

/// Where and how to reach a cluster's API server: directly (API server URL, bearer token, CA) or
/// through Rancher's authenticating proxy (`<rancher>/k8s/clusters/<id>`, Rancher token, Rancher's CA).
public struct KubernetesConfiguration: Sendable {
    /// `https://10.0.0.10:6443` or `https://rancher.example.com/k8s/clusters/c-m-xxxx`.
    public var baseURL: String
    public var bearerToken: String
    /// Shared with the Rancher client when going through its proxy, so a rotated token is re-read once.
    public var tokenSource: BearerTokenSource
    public var trust: TLSTrust
    public var userAgent: String
    public var requestTimeout: Duration
    public var retryPolicy: RetryPolicy
    /// `limit=` for list pages (the client follows `continue`).
    public var listPageLimit: Int

    public init(
        baseURL: String, bearerToken: String, trust: TLSTrust = .systemRoots, userAgent: String = "ranchhand/1.0",
        requestTimeout: Duration = .seconds(60), retryPolicy: RetryPolicy = .standard, listPageLimit: Int = 500,
        tokenSource: BearerTokenSource? = nil
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.bearerToken = bearerToken
        self.tokenSource = tokenSource ?? BearerTokenSource(bearerToken)
        self.trust = trust
        self.userAgent = userAgent
        self.requestTimeout = requestTimeout
        self.retryPolicy = retryPolicy
        self.listPageLimit = max(1, listPageLimit)
    }

    /// Directly to an API server; `caPEM` pins its CA (the usual private cluster CA).
    public static func direct(apiServer: String, bearerToken: String, caPEM: String?) -> Self {
        Self(baseURL: apiServer, bearerToken: bearerToken, trust: caPEM.map { .only(pemBundle: $0) } ?? .systemRoots)
    }

    /// Through Rancher's proxy for `cluster`, with Rancher's token; pass the trust the Rancher
    /// client resolved (`LiveRancherClient.resolvedTrust()`), so a pinned CA stays pinned.
    public static func throughRancher(_ rancher: RancherConfiguration, cluster: RancherClusterID, trust: TLSTrust) -> Self {
        Self(baseURL: "\(rancher.baseURL)/k8s/clusters/\(URLEncoding.pathSegment(cluster.rawValue))", bearerToken: rancher.token.value,
             trust: trust, userAgent: rancher.userAgent, requestTimeout: rancher.requestTimeout, retryPolicy: rancher.retryPolicy,
             tokenSource: rancher.tokenSource)
    }
}

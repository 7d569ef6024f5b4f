import Logging
import RanchhandClients

/// `RancherClient` over the shared transport and retry policy. Create one per process; it pins the
/// CA on its first request when configured by checksum.
public struct LiveRancherClient<C: Clock & Sendable>: RancherClient where C.Duration == Duration {
    public let configuration: RancherConfiguration
    let api: BearerJSONAPI<C>
    let clock: C
    private let pin: RancherTrustPin

    /// - Parameters:
    ///   - clock: paces retries and registration-token polling (tests pass a virtual clock).
    ///   - unitRandom: the retry jitter source.
    public init(
        configuration: RancherConfiguration, transport: any HTTPTransport, clock: C,
        unitRandom: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        logger: Logger = Logger(label: "ranchhand.rancher")
    ) {
        self.configuration = configuration
        self.clock = clock
        let pin = RancherTrustPin()
        self.pin = pin
        let mode = configuration.trust
        let resolve: @Sendable () async throws(ClientError) -> TLSTrust = { () async throws(ClientError) -> TLSTrust in
            switch mode {
            case .system:
                return .systemRoots
            case .caBundle(let pem):
                return .systemRootsAnd(pemBundle: pem)
            case .insecure:
                logger.critical("TLS verification is OFF for Rancher (--insecure): anyone on the network path can read the API token",
                                metadata: ["server": "\(configuration.baseURL)"])
                return .insecureNoVerification
            case .caChecksum(let expected):
                return try await RancherTrustPin.pinnedCA(
                    expected: expected, configuration: configuration, transport: transport, clock: clock,
                    unitRandom: unitRandom, logger: logger)
            }
        }
        self.api = BearerJSONAPI(
            service: "rancher", baseURL: configuration.baseURL, token: configuration.tokenSource,
            userAgent: configuration.userAgent, timeout: configuration.requestTimeout, retryPolicy: configuration.retryPolicy,
            transport: transport, clock: clock, unitRandom: unitRandom,
            trust: { () async throws(ClientError) -> TLSTrust in try await pin.trust(resolve) },
            parseError: RancherErrors.parse, logger: logger)
    }

    /// The trust every request uses once resolved (the pinned CA under `caChecksum`): hand it to a
    /// `KubernetesConfiguration` that goes through Rancher's proxy.
    public func resolvedTrust() async throws(ClientError) -> TLSTrust { try await api.trust() }

    // MARK: Settings and clusters

    public func serverVersion() async throws(ClientError) -> String {
        guard let setting = try await setting("server-version") else {
            throw ClientError(.invalidResponse, service: "rancher", operation: "GET /v3/settings/server-version", statusCode: 404,
                              message: "the server has no server-version setting: is \(configuration.baseURL) a Rancher server?")
        }
        return setting.value
    }

    public func setting(_ name: String) async throws(ClientError) -> RancherSetting? {
        try await get(RancherSetting.self, "/v3/settings/\(URLEncoding.pathSegment(name))")
    }

    public func clusters() async throws(ClientError) -> [RancherCluster] {
        try await collect(RancherCluster.self, "/v3/clusters", filters: []).items
    }

    public func cluster(id: RancherClusterID) async throws(ClientError) -> RancherCluster? {
        try await get(RancherCluster.self, "/v3/clusters/\(URLEncoding.pathSegment(id.rawValue))")
    }

    public func cluster(named name: String) async throws(ClientError) -> RancherCluster? {
        let matches = try await collect(RancherCluster.self, "/v3/clusters", filters: [("name", name)]).items.filter { $0.name == name }
        guard matches.count <= 1 else {
            throw ClientError(.configuration, service: "rancher", operation: "GET /v3/clusters?name=\(name)",
                              message: "\(matches.count) clusters are named \(name) (\(matches.map(\.id.rawValue).joined(separator: ", "))): configure the cluster id instead")
        }
        return matches.first
    }

    // MARK: Nodes

    public func nodes(matching filter: RancherNodeFilter) async throws(ClientError) -> [RancherNode] {
        let page = try await collect(RancherNode.self, "/v3/nodes", filters: filter.serverFilters)
        if !page.ignoredFilters.isEmpty {
            api.logger.warning("Rancher ignored node filters; matching them client-side",
                               metadata: ["filters": "\(page.ignoredFilters.sorted().joined(separator: ","))", "returned": "\(page.items.count)"])
        }
        return page.items.filter(filter.matches)
    }

    public func node(id: RancherNodeID) async throws(ClientError) -> RancherNode? {
        try await get(RancherNode.self, "/v3/nodes/\(URLEncoding.pathSegment(id.rawValue))")
    }

    public func cordon(_ node: RancherNodeID) async throws(ClientError) { try await action(.cordon, on: node, body: [UInt8]("{}".utf8)) }

    public func uncordon(_ node: RancherNodeID) async throws(ClientError) { try await action(.uncordon, on: node, body: [UInt8]("{}".utf8)) }

    public func drain(_ node: RancherNodeID, options: DrainOptions) async throws(ClientError) {
        try await action(.drain, on: node, body: try api.encode(options, operation: "POST /v3/nodes/\(node)?action=drain"))
    }

    public func stopDrain(_ node: RancherNodeID) async throws(ClientError) { try await action(.stopDrain, on: node, body: [UInt8]("{}".utf8)) }

    public func deleteNode(_ node: RancherNodeID) async throws(ClientError) -> RancherDeletion {
        try await delete("/v3/nodes/\(URLEncoding.pathSegment(node.rawValue))")
    }

    /// Actions are idempotent for our purposes: a repeat answers 422 `InvalidAction`, which callers
    /// treat as done, so an ambiguous failure may be retried.
    private func action(_ action: RancherNodeAction, on node: RancherNodeID, body: [UInt8]) async throws(ClientError) {
        let path = "/v3/nodes/\(URLEncoding.pathSegment(node.rawValue))?action=\(action.rawValue)"
        _ = try await api.send("POST", path, body: body, idempotency: .idempotent, operation: "POST \(path)")
    }

    // MARK: Shared verbs

    /// GET of one resource; nil on 404.
    func get<T: Decodable>(_ type: T.Type, _ path: String) async throws(ClientError) -> T? {
        let operation = "GET \(path)"
        let response = try await api.send("GET", path, idempotency: .idempotent, operation: operation, passing: [404])
        if response.status == 404 { return nil }
        return try api.decode(T.self, from: response, operation: operation)
    }

    /// DELETE: 200, 202 and 204 are `accepted`, 404 is `alreadyGone`.
    func delete(_ path: String) async throws(ClientError) -> RancherDeletion {
        let response = try await api.send("DELETE", path, idempotency: .idempotent, operation: "DELETE \(path)", passing: [404])
        return response.status == 404 ? .alreadyGone : .accepted
    }
}

extension LiveRancherClient where C == ContinuousClock {
    public init(configuration: RancherConfiguration, transport: any HTTPTransport, logger: Logger = Logger(label: "ranchhand.rancher")) {
        self.init(configuration: configuration, transport: transport, clock: ContinuousClock(), logger: logger)
    }
}

import Logging
import RanchhandClients
import RanchhandEvents

/// `KubernetesClient` over the shared transport and retry policy.
public struct LiveKubernetesClient<C: Clock & Sendable>: KubernetesClient where C.Duration == Duration {
    let configuration: KubernetesConfiguration
    let api: BearerJSONAPI<C>

    public init(
        configuration: KubernetesConfiguration, transport: any HTTPTransport, clock: C,
        unitRandom: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        logger: Logger = Logger(label: "ranchhand.kubernetes")
    ) {
        self.configuration = configuration
        let trust = configuration.trust
        if trust == .insecureNoVerification {
            logger.critical("TLS verification is OFF for the Kubernetes API: anyone on the network path can read the token",
                            metadata: ["server": "\(configuration.baseURL)"])
        }
        self.api = BearerJSONAPI(
            service: "kubernetes", baseURL: configuration.baseURL, token: configuration.tokenSource,
            userAgent: configuration.userAgent, timeout: configuration.requestTimeout, retryPolicy: configuration.retryPolicy,
            transport: transport, clock: clock, unitRandom: unitRandom,
            trust: { () throws(ClientError) -> TLSTrust in trust }, parseError: KubernetesErrors.parse, logger: logger)
    }

    // MARK: Nodes

    public func node(named name: KubernetesNodeName) async throws(ClientError) -> KubernetesNode? {
        try await get(KubernetesNode.self, "/api/v1/nodes/\(URLEncoding.pathSegment(name.rawValue))")
    }

    public func nodes() async throws(ClientError) -> [KubernetesNode] {
        try await list(KubernetesNode.self, "/api/v1/nodes", query: []).items
    }

    public func labelNode(_ name: KubernetesNodeName, set: [String: String], remove: [String]) async throws(ClientError) -> KubernetesNode {
        var labels: [String: JSONValue] = Dictionary(uniqueKeysWithValues: remove.map { ($0, JSONValue.null) })
        for (key, value) in set { labels[key] = .string(value) }
        return try await patch(KubernetesNode.self, "/api/v1/nodes/\(URLEncoding.pathSegment(name.rawValue))",
                               .object(["metadata": .object(["labels": .object(labels)])]))
    }

    public func setUnschedulable(_ name: KubernetesNodeName, _ unschedulable: Bool) async throws(ClientError) -> KubernetesNode {
        try await patch(KubernetesNode.self, "/api/v1/nodes/\(URLEncoding.pathSegment(name.rawValue))",
                        .object(["spec": .object(["unschedulable": .bool(unschedulable)])]))
    }

    // MARK: Deployments

    public func scale(ofDeployment deployment: NamespacedName) async throws(ClientError) -> Scale? {
        try await get(Scale.self, Self.scalePath(deployment))
    }

    public func setScale(ofDeployment deployment: NamespacedName, replicas: Int) async throws(ClientError) -> Scale {
        try await patch(Scale.self, Self.scalePath(deployment), .object(["spec": .object(["replicas": .number(Double(replicas))])]))
    }

    public func deployment(_ deployment: NamespacedName) async throws(ClientError) -> Deployment? {
        try await get(Deployment.self, Self.deploymentPath(deployment))
    }

    public func annotateDeployment(_ deployment: NamespacedName, set: [String: String]) async throws(ClientError) -> Deployment {
        let annotations = JSONValue.object(set.mapValues { .string($0) })
        return try await patch(Deployment.self, Self.deploymentPath(deployment), .object(["metadata": .object(["annotations": annotations])]))
    }

    static func deploymentPath(_ deployment: NamespacedName) -> String {
        "/apis/apps/v1/namespaces/\(URLEncoding.pathSegment(deployment.namespace))/deployments/\(URLEncoding.pathSegment(deployment.name))"
    }

    static func scalePath(_ deployment: NamespacedName) -> String {
        "/apis/apps/v1/namespaces/\(URLEncoding.pathSegment(deployment.namespace))/deployments/\(URLEncoding.pathSegment(deployment.name))/scale"
    }

    // MARK: Shared verbs

    func get<T: Decodable>(_ type: T.Type, _ path: String) async throws(ClientError) -> T? {
        let operation = "GET \(path)"
        let response = try await api.send("GET", path, idempotency: .idempotent, operation: operation, passing: [404])
        if response.status == 404 { return nil }
        return try api.decode(T.self, from: response, operation: operation)
    }

    /// A JSON merge patch (RFC 7386): `null` removes a key. Patches here set absolute values, so a
    /// repeat is harmless.
    func patch<T: Decodable>(_ type: T.Type, _ path: String, _ body: JSONValue) async throws(ClientError) -> T {
        let operation = "PATCH \(path)"
        let response = try await api.send("PATCH", path, body: try api.encode(body, operation: operation),
                                          contentType: "application/merge-patch+json", idempotency: .idempotent, operation: operation)
        return try api.decode(T.self, from: response, operation: operation)
    }

    /// Every page of a list (`limit` + `continue`).
    func list<Item: Decodable & Sendable>(_ type: Item.Type, _ path: String, query: [(String, String)]) async throws(ClientError) -> KubernetesList<Item> {
        var items: [Item] = []
        var continueToken: String?
        var pages = 0
        repeat {
            var pairs = query + [("limit", String(configuration.listPageLimit))]
            if let continueToken { pairs.append(("continue", continueToken)) }
            let operation = "GET \(path)"
            let response = try await api.send("GET", path + "?" + URLEncoding.query(pairs), idempotency: .idempotent, operation: operation)
            let page = try api.decode(KubernetesList<Item>.self, from: response, operation: operation)
            items += page.items
            pages += 1
            guard pages < 10_000 else {
                throw ClientError(.invalidResponse, service: "kubernetes", operation: operation, message: "list does not end after \(pages) pages")
            }
            continueToken = page.metadata.continueToken
            if continueToken == nil { return KubernetesList(metadata: page.metadata, items: items) }
        } while true
    }
}

extension LiveKubernetesClient where C == ContinuousClock {
    public init(configuration: KubernetesConfiguration, transport: any HTTPTransport, logger: Logger = Logger(label: "ranchhand.kubernetes")) {
        self.init(configuration: configuration, transport: transport, clock: ContinuousClock(), logger: logger)
    }
}

struct KubernetesList<Item: Decodable & Sendable>: Decodable, Sendable {
    struct Metadata: Decodable, Sendable {
        var resourceVersion: String?
        var continueToken: String?
        enum CodingKeys: String, CodingKey {
            case resourceVersion
            case continueToken = "continue"
        }
        /// An empty `continue` means the last page.
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            resourceVersion = try c.decodeIfPresent(String.self, forKey: .resourceVersion)
            continueToken = try c.decodeIfPresent(String.self, forKey: .continueToken).flatMap { $0.isEmpty ? nil : $0 }
        }
        init(resourceVersion: String?) {
            self.resourceVersion = resourceVersion
            continueToken = nil
        }
    }
    var metadata: Metadata
    var items: [Item]

    init(metadata: Metadata, items: [Item]) {
        self.metadata = metadata
        self.items = items
    }
}

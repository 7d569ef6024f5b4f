import RanchhandClients

extension LiveRancherClient {
    // MARK: Cluster-api Machines (RKE2/K3s)

    public func machine(_ ref: MachineRef) async throws(ClientError) -> RancherMachine? {
        try await get(SteveMachine.self, Self.machinePath(ref)).map { $0.machine(ref) }
    }

    /// Every Machine of one namespace (all pages); steve answers a collection shaped like v3's.
    public func machines(namespace: String) async throws(ClientError) -> [RancherMachine] {
        try await collect(SteveMachine.self, "/v1/cluster.x-k8s.io.machines/\(URLEncoding.pathSegment(namespace))", filters: [])
            .items.compactMap { machine in
                guard let name = machine.metadata?.name else { return nil }
                return machine.machine(MachineRef(namespace: machine.metadata?.namespace ?? namespace, name: name))
            }
    }

    public func deleteMachine(_ ref: MachineRef) async throws(ClientError) -> RancherDeletion {
        try await delete(Self.machinePath(ref))
    }

    static func machinePath(_ ref: MachineRef) -> String {
        "/v1/cluster.x-k8s.io.machines/\(URLEncoding.pathSegment(ref.namespace))/\(URLEncoding.pathSegment(ref.name))"
    }

    // MARK: Registration tokens

    public func registrationTokens(cluster: RancherClusterID) async throws(ClientError) -> [ClusterRegistrationToken] {
        try await collect(ClusterRegistrationToken.self, "/v3/clusterregistrationtokens", filters: [("clusterId", cluster.rawValue)])
            .items.filter { $0.clusterID == cluster }
    }

    public func registrationToken(id: RegistrationTokenID) async throws(ClientError) -> ClusterRegistrationToken? {
        try await get(ClusterRegistrationToken.self, "/v3/clusterregistrationtokens/\(URLEncoding.pathSegment(id.rawValue))")
    }

    /// Not idempotent: a repeat would create a second token (harmless, but not retried blindly).
    public func createRegistrationToken(cluster: RancherClusterID) async throws(ClientError) -> ClusterRegistrationToken {
        let path = "/v3/clusterregistrationtokens"
        let operation = "POST \(path)"
        let body = try api.encode(NewRegistrationToken(clusterId: cluster.rawValue), operation: operation)
        let response = try await api.send("POST", path, body: body, idempotency: .notIdempotent, operation: operation)
        return try api.decode(ClusterRegistrationToken.self, from: response, operation: operation)
    }

    /// Prefers the cluster's `default-token`, then `system`, then any ready token; otherwise polls
    /// an existing token, or a new one, until Rancher has filled in both commands.
    public func readyRegistrationToken(cluster: RancherClusterID, timeout: Duration) async throws(ClientError) -> ClusterRegistrationToken {
        let start = clock.now
        let existing = try await registrationTokens(cluster: cluster)
        let ranked = existing.sorted { Self.rank($0) < Self.rank($1) }
        if let ready = ranked.first(where: \.isReady) { return ready }
        var token: ClusterRegistrationToken
        if let first = ranked.first { token = first } else { token = try await createRegistrationToken(cluster: cluster) }
        while !token.isReady {
            let resumeAt = clock.now.advanced(by: configuration.registrationPollInterval)
            guard start.duration(to: resumeAt) <= timeout else {
                throw ClientError(.timeout, service: "rancher", operation: "GET /v3/clusterregistrationtokens/\(token.id)",
                                  message: "Rancher had not filled in the registration commands of \(token.id) after \(timeout)")
            }
            do {
                try await clock.sleep(until: resumeAt, tolerance: nil)
            } catch {
                throw ClientError(.cancelled, service: "rancher", operation: "registration token poll", message: "cancelled")
            }
            guard let refreshed = try await registrationToken(id: token.id) else {
                throw ClientError(.service, service: "rancher", operation: "GET /v3/clusterregistrationtokens/\(token.id)", statusCode: 404,
                                  code: "NotFound", message: "registration token \(token.id) disappeared while waiting for its commands")
            }
            token = refreshed
        }
        return token
    }

    private static func rank(_ token: ClusterRegistrationToken) -> Int {
        switch token.name.isEmpty ? String(token.id.rawValue.split(separator: ":").last ?? "") : token.name {
        case "default-token": 0
        case "system": 1
        default: 2
        }
    }
}

struct NewRegistrationToken: Encodable {
    var type = "clusterRegistrationToken"
    var clusterId: String
}

/// A Machine as the `/v1` (steve) API returns it: a Kubernetes object plus `id`/`type`/`links`.
struct SteveMachine: Decodable {
    struct Metadata: Decodable {
        var name: String?
        var namespace: String?
        var labels: [String: String]?
        var deletionTimestamp: String?
    }
    struct NodeRef: Decodable { var name: String? }
    struct Status: Decodable { var phase: String?; var nodeRef: NodeRef? }
    var metadata: Metadata?
    var status: Status?

    func machine(_ ref: MachineRef) -> RancherMachine {
        RancherMachine(ref: ref, phase: status?.phase ?? "", nodeName: status?.nodeRef?.name,
                       isDeleting: metadata?.deletionTimestamp != nil, clusterName: metadata?.labels?[RancherMachine.clusterNameLabel])
    }
}

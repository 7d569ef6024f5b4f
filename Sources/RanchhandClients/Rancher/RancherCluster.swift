/// A v3 cluster: identity, state and what distinguishes RKE1 from RKE2/K3s.
public struct RancherCluster: Sendable, Hashable {
    public var id: RancherClusterID
    public var name: String
    public var state: String
    /// `rancherKubernetesEngine` (RKE1), `rke2`, `k3s`, `imported`, `EKS`, …
    public var driver: String
    public var provider: String
    public var isInternal: Bool
    public var nodeCount: Int?
    /// The Kubernetes `gitVersion` (`v1.28.9+rke2r1`), when reported.
    public var kubernetesVersion: String
    public var apiEndpoint: String
    /// Base64 of the downstream cluster's CA PEM, when Rancher knows it.
    public var caCert: String
    public var fleetWorkspaceName: String
    public var labels: [String: String]
    public var annotations: [String: String]
    public var actions: [String: String]
    public var links: [String: String]

    public init(
        id: RancherClusterID, name: String, state: String = "active", driver: String = "", provider: String = "",
        isInternal: Bool = false, nodeCount: Int? = nil, kubernetesVersion: String = "", apiEndpoint: String = "",
        caCert: String = "", fleetWorkspaceName: String = "", labels: [String: String] = [:],
        annotations: [String: String] = [:], actions: [String: String] = [:], links: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.state = state
        self.driver = driver
        self.provider = provider
        self.isInternal = isInternal
        self.nodeCount = nodeCount
        self.kubernetesVersion = kubernetesVersion
        self.apiEndpoint = apiEndpoint
        self.caCert = caCert
        self.fleetWorkspaceName = fleetWorkspaceName
        self.labels = labels
        self.annotations = annotations
        self.actions = actions
        self.links = links
    }

    /// RKE2/K3s clusters that Rancher provisioned (v2prov) have `c-m-` ids; their nodes are backed
    /// by cluster-api Machines.
    public var isProvisionedByRancherV2: Bool { id.rawValue.hasPrefix("c-m-") }
}

extension RancherCluster: Decodable {
    enum CodingKeys: String, CodingKey {
        case id, name, state, driver, provider, `internal`, nodeCount, version, apiEndpoint, caCert
        case fleetWorkspaceName, labels, annotations, actions, links
    }

    struct Version: Decodable { var gitVersion: String? }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) throws -> String { try c.decodeIfPresent(String.self, forKey: key) ?? "" }
        func map(_ key: CodingKeys) throws -> [String: String] { try c.decodeIfPresent([String: String].self, forKey: key) ?? [:] }
        self.init(
            id: try c.decode(RancherClusterID.self, forKey: .id), name: try text(.name), state: try text(.state),
            driver: try text(.driver), provider: try text(.provider),
            isInternal: try c.decodeIfPresent(Bool.self, forKey: .internal) ?? false,
            nodeCount: try c.decodeIfPresent(Int.self, forKey: .nodeCount),
            kubernetesVersion: try c.decodeIfPresent(Version.self, forKey: .version)?.gitVersion ?? "",
            apiEndpoint: try text(.apiEndpoint), caCert: try text(.caCert), fleetWorkspaceName: try text(.fleetWorkspaceName),
            labels: try map(.labels), annotations: try map(.annotations), actions: try map(.actions), links: try map(.links))
    }
}

/// A v3 setting (`/v3/settings/<name>`): `cacerts`, `server-version`, `server-url`, ….
public struct RancherSetting: Sendable, Hashable, Decodable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    enum CodingKeys: String, CodingKey { case id, name, value }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decodeIfPresent(String.self, forKey: .name)
        self.init(name: try name ?? c.decode(String.self, forKey: .id), value: try c.decodeIfPresent(String.self, forKey: .value) ?? "")
    }
}

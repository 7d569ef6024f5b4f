import RanchhandEvents

/// A v3 node id, `<clusterId>:<name>` (`c-d8f82:m-05b6053c41a2`). Rancher puts the `:` in URLs
/// unencoded, and so do we.
public struct RancherNodeID: StringIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The cluster half of the id (`c-d8f82`), or nil when the id has no `:`.
    public var clusterID: RancherClusterID? {
        guard let colon = rawValue.firstIndex(of: ":") else { return nil }
        return RancherClusterID(String(rawValue[..<colon]))
    }
}

/// `local`, `c-xxxxx` (RKE1, imported, hosted) or `c-m-xxxxxxxx` (RKE2/K3s provisioned by Rancher).
public struct RancherClusterID: StringIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A cluster registration token's id, `<clusterId>:<name>` (`c-d8f82:default-token`).
public struct RegistrationTokenID: StringIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// The cluster-api Machine behind an RKE2/K3s node: the object to delete, since the v3 node is only
/// a mirror that Rancher re-creates while the Machine exists.
public struct MachineRef: Sendable, Hashable, Codable, CustomStringConvertible {
    public static let machineAnnotation = "cluster.x-k8s.io/machine"
    public static let namespaceAnnotation = "cluster.x-k8s.io/cluster-namespace"

    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// The Machine named by a node's `cluster.x-k8s.io/machine` and
    /// `cluster.x-k8s.io/cluster-namespace` annotations; nil unless both are present and non-empty.
    public init?(annotations: [String: String]) {
        guard let name = annotations[Self.machineAnnotation], !name.isEmpty,
              let namespace = annotations[Self.namespaceAnnotation], !namespace.isEmpty else { return nil }
        self.init(namespace: namespace, name: name)
    }

    public var description: String { "\(namespace)/\(name)" }
}

import RanchhandClients

extension LiveRancherClient {
    public func provisioningCluster(namespace: String, name: String) async throws(ClientError) -> ProvisioningCluster? {
        let path = "/v1/provisioning.cattle.io.clusters/\(URLEncoding.pathSegment(namespace))/\(URLEncoding.pathSegment(name))"
        return try await get(SteveProvisioningCluster.self, path).map { $0.cluster(namespace: namespace, name: name) }
    }
}

/// A provisioning cluster as steve returns it; only the fields ranchhand reads.
struct SteveProvisioningCluster: Decodable {
    struct Metadata: Decodable {
        var name: String?
        var namespace: String?
        var annotations: [String: String]?
    }
    struct Status: Decodable { var clusterName: String? }
    var metadata: Metadata?
    var status: Status?

    func cluster(namespace: String, name: String) -> ProvisioningCluster {
        ProvisioningCluster(namespace: metadata?.namespace ?? namespace, name: metadata?.name ?? name,
                            managementClusterID: status?.clusterName.flatMap { $0.isEmpty ? nil : RancherClusterID($0) },
                            annotations: metadata?.annotations ?? [:])
    }
}

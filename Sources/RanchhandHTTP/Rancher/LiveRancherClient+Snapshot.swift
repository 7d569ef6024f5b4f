import RanchhandClients
import RanchhandEvents

extension LiveRancherClient {
    /// A cluster's nodes exactly as Rancher returns them (every page, every field), for recording a
    /// snapshot that replays offline. Re-matched on `clusterId`, since Rancher may ignore the filter.
    public func nodeDocuments(cluster: RancherClusterID) async throws(ClientError) -> [JSONValue] {
        let pages = try await collect(JSONValue.self, "/v3/nodes", filters: [(field: "clusterId", value: cluster.rawValue)])
        return pages.items.filter { $0["clusterId"]?.stringValue == cluster.rawValue }
    }
}

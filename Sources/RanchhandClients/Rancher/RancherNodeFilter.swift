/// Which nodes to list. The string fields are sent to Rancher as `?field=value` filters, then every
/// returned node is matched again here: Rancher silently ignores filters it does not know and returns
/// the whole list, so the server's answer is never trusted on its own. Labels cannot be filtered by
/// Rancher at all and are matched only here.
public struct RancherNodeFilter: Sendable, Hashable {
    public var clusterID: RancherClusterID?
    public var nodeName: String?
    public var hostname: String?
    public var ipAddress: String?
    public var externalIPAddress: String?
    public var providerID: String?
    public var requestedHostname: String?
    /// Every pair must be present on the node.
    public var labels: [String: String]

    public init(
        clusterID: RancherClusterID? = nil, nodeName: String? = nil, hostname: String? = nil, ipAddress: String? = nil,
        externalIPAddress: String? = nil, providerID: String? = nil, requestedHostname: String? = nil,
        labels: [String: String] = [:]
    ) {
        self.clusterID = clusterID
        self.nodeName = nodeName
        self.hostname = hostname
        self.ipAddress = ipAddress
        self.externalIPAddress = externalIPAddress
        self.providerID = providerID
        self.requestedHostname = requestedHostname
        self.labels = labels
    }

    /// The server-side filters as Rancher names them, in a stable order.
    public var serverFilters: [(field: String, value: String)] {
        let pairs: [(String, String?)] = [
            ("clusterId", clusterID?.rawValue), ("externalIpAddress", externalIPAddress), ("hostname", hostname),
            ("ipAddress", ipAddress), ("nodeName", nodeName), ("providerId", providerID), ("requestedHostname", requestedHostname),
        ]
        return pairs.compactMap { field, value in value.map { (field, $0) } }
    }

    /// The client-side check that decides: true only if every given criterion holds for `node`.
    public func matches(_ node: RancherNode) -> Bool {
        if let clusterID, node.clusterID != clusterID { return false }
        if let nodeName, node.nodeName != nodeName { return false }
        if let hostname, node.hostname != hostname { return false }
        if let ipAddress, node.ipAddress != ipAddress { return false }
        if let externalIPAddress, node.externalIPAddress != externalIPAddress { return false }
        if let providerID, node.providerID != providerID { return false }
        if let requestedHostname, node.requestedHostname != requestedHostname { return false }
        return labels.allSatisfy { node.labels[$0.key] == $0.value }
    }
}

/// One applied filter as a collection echoes it: `{"modifier":"eq","value":"c-d8f82"}`.
public struct RancherFilterCondition: Sendable, Hashable, Decodable {
    public var modifier: String
    public var value: String

    public init(modifier: String = "eq", value: String) {
        self.modifier = modifier
        self.value = value
    }

    enum CodingKeys: String, CodingKey { case modifier, value }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modifier = try c.decodeIfPresent(String.self, forKey: .modifier) ?? "eq"
        // Rancher echoes the value as sent; booleans and numbers arrive as strings, but accept both.
        if let text = try? c.decode(String.self, forKey: .value) {
            value = text
        } else if let flag = try? c.decode(Bool.self, forKey: .value) {
            value = String(flag)
        } else {
            value = String(try c.decode(Int.self, forKey: .value))
        }
    }
}

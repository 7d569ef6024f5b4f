import RanchhandClients
import RanchhandEvents

/// Finds the Rancher node of an EC2 instance positively. Evidence is tried strongest first — the
/// instance-id label the bootstrap agent stamps, the cloud provider's `providerId`, then the
/// instance's private IP or DNS name from EC2 — and a tier that matches more than one node is
/// ambiguous: the handler never guesses which node to delete.
public enum NodeMatcher {
    public static let instanceIDLabel = "ranchhand.io/instance-id"

    public enum Match: Sendable, Hashable {
        case found(RancherNode, evidence: String)
        case ambiguous([RancherNodeID], evidence: String)
        case notFound
    }

    public static func match(_ instanceID: InstanceID, in nodes: [RancherNode], instances: [InstanceAddress]) -> Match {
        let address = instances.first { $0.instanceId == instanceID }
        let tiers: [(String, (RancherNode) -> Bool)] = [
            ("label \(instanceIDLabel)=\(instanceID)", { $0.labels[instanceIDLabel] == instanceID.rawValue }),
            ("providerId aws:///…/\(instanceID)", { $0.providerInstanceID == instanceID.rawValue }),
            ("private IP \(address?.privateIpAddress ?? "-")", { node in
                guard let ip = address?.privateIpAddress, !ip.isEmpty else { return false }
                return node.ipAddress == ip
            }),
            ("private DNS name \(address?.privateDnsName ?? "-")", { node in
                guard let dns = address?.privateDnsName, !dns.isEmpty else { return false }
                return sameHost(dns, node.hostname) || sameHost(dns, node.nodeName) || sameHost(dns, node.requestedHostname)
            }),
        ]
        for (evidence, predicate) in tiers {
            let candidates = nodes.filter(predicate)
            if candidates.count == 1 { return .found(candidates[0], evidence: evidence) }
            if candidates.count > 1 { return .ambiguous(candidates.map(\.id).sorted { $0.rawValue < $1.rawValue }, evidence: evidence) }
        }
        return .notFound
    }

    /// `ip-10-0-1-5.eu-west-1.compute.internal` is the same host as `ip-10-0-1-5`.
    static func sameHost(_ dnsName: String, _ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        let dns = dnsName.lowercased(), candidate = name.lowercased()
        return dns == candidate || dns.split(separator: ".").first.map(String.init) == candidate
    }
}

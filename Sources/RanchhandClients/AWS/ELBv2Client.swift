/// Elastic Load Balancing v2 (ALB/NLB): what an ALIAS record needs to point at a load balancer.
public protocol ELBv2Client: Sendable {
    /// The load balancers with these names or ARNs (every one in the region when both are empty),
    /// all pages read.
    func describeLoadBalancers(names: [String], arns: [String]) async throws(ClientError) -> [LoadBalancer]
}

public struct LoadBalancer: Sendable, Equatable {
    public var arn: String
    public var name: String
    /// The A/AAAA ALIAS target.
    public var dnsName: String
    /// The ALIAS record's `HostedZoneId` (the load balancer's, not the record's zone).
    public var canonicalHostedZoneID: HostedZoneID
    /// `application`, `network`, `gateway`.
    public var type: String
    /// `internet-facing` or `internal`.
    public var scheme: String
    /// `active`, `provisioning`, `active_impaired`, `failed`.
    public var state: String
    public var vpcID: String?

    public init(arn: String, name: String, dnsName: String, canonicalHostedZoneID: HostedZoneID, type: String,
                scheme: String, state: String, vpcID: String? = nil) {
        self.arn = arn
        self.name = name
        self.dnsName = dnsName
        self.canonicalHostedZoneID = canonicalHostedZoneID
        self.type = type
        self.scheme = scheme
        self.state = state
        self.vpcID = vpcID
    }
}

import RanchhandClients

/// The canonical hosted zones of Elastic Load Balancing host names, for A ALIAS records: the
/// table external-dns keeps (`provider/aws/aws.go` `canonicalHostedZones`), ALB/Classic and NLB,
/// plus any load balancers looked up through ELBv2 (which wins).
public struct LoadBalancerZones: Sendable, Equatable {
    /// Exact host name (lower case, no trailing dot) → zone, from DescribeLoadBalancers.
    public var known: [String: HostedZoneID]

    public init(known: [String: HostedZoneID] = [:]) {
        self.known = known.reduce(into: [:]) { $0[Self.bare($1.key)] = $1.value }
    }

    public init(_ loadBalancers: [LoadBalancer]) {
        self.init(known: Dictionary(loadBalancers.map { ($0.dnsName, $0.canonicalHostedZoneID) }, uniquingKeysWith: { first, _ in first }))
    }

    /// The ALIAS zone for `hostname`, or nil when it is not a load balancer's (then: CNAME).
    public func zone(for hostname: String) -> HostedZoneID? {
        let name = Self.bare(hostname)
        if let zone = known[name] { return zone }
        let suffix = Self.suffixes.first { name.hasSuffix("." + $0.key) }
        return suffix.map { HostedZoneID($0.value) }
    }

    /// Whether `hostname` looks like an Elastic Load Balancing name at all.
    public static func looksLikeLoadBalancer(_ hostname: String) -> Bool {
        let name = bare(hostname)
        return name.hasSuffix(".elb.amazonaws.com") || name.hasSuffix(".elb.amazonaws.com.cn") || name.contains(".elb.")
    }

    static func bare(_ name: String) -> String {
        var text = name.lowercased()
        while text.hasSuffix(".") { text.removeLast() }
        if text.hasPrefix("dualstack.") { text.removeFirst("dualstack.".count) }
        return text
    }

    static let suffixes: [String: String] = [
        // Application and Classic Load Balancers
        "us-east-2.elb.amazonaws.com": "Z3AADJGX6KTTL2", "us-east-1.elb.amazonaws.com": "Z35SXDOTRQ7X7K",
        "us-west-1.elb.amazonaws.com": "Z368ELLRRE2KJ0", "us-west-2.elb.amazonaws.com": "Z1H1FL5HABSF5",
        "ca-central-1.elb.amazonaws.com": "ZQSVJUPU6J1EY", "ap-south-1.elb.amazonaws.com": "ZP97RAFLXTNZK",
        "ap-northeast-2.elb.amazonaws.com": "ZWKZPGTI48KDX", "ap-northeast-3.elb.amazonaws.com": "Z5LXEXXYW11ES",
        "ap-southeast-1.elb.amazonaws.com": "Z1LMS91P8CMLE5", "ap-southeast-2.elb.amazonaws.com": "Z1GM3OXH4ZPM65",
        "ap-northeast-1.elb.amazonaws.com": "Z14GRHDCWA56QT", "eu-central-1.elb.amazonaws.com": "Z215JYRZR1TBD5",
        "eu-west-1.elb.amazonaws.com": "Z32O12XQLNTSW2", "eu-west-2.elb.amazonaws.com": "ZHURV8PSTC4K8",
        "eu-west-3.elb.amazonaws.com": "Z3Q77PNBQS71R4", "eu-north-1.elb.amazonaws.com": "Z23TAZ6LKFMNIO",
        "eu-south-1.elb.amazonaws.com": "Z3ULH7SSC9OV64", "sa-east-1.elb.amazonaws.com": "Z2P70J7HTTTPLU",
        "me-south-1.elb.amazonaws.com": "ZS929ML54UICD", "af-south-1.elb.amazonaws.com": "Z268VQBMOI5EKX",
        "cn-north-1.elb.amazonaws.com.cn": "Z1GDH35T77C1KE", "cn-northwest-1.elb.amazonaws.com.cn": "ZM7IZAIOVVDZF",
        "us-gov-west-1.elb.amazonaws.com": "Z33AYJ8TM3BH4J", "us-gov-east-1.elb.amazonaws.com": "Z166TLBEWOO7G0",
        // Network Load Balancers
        "elb.us-east-2.amazonaws.com": "ZLMOA37VPKANP", "elb.us-east-1.amazonaws.com": "Z26RNL4JYFTOTI",
        "elb.us-west-1.amazonaws.com": "Z24FKFUX50B4VW", "elb.us-west-2.amazonaws.com": "Z18D5FSROUN65G",
        "elb.ca-central-1.amazonaws.com": "Z2EPGBW3API2WT", "elb.ap-east-1.amazonaws.com": "Z12Y7K3UBGUAD1",
        "elb.ap-south-1.amazonaws.com": "ZVDDRBQ08TROA", "elb.ap-northeast-2.amazonaws.com": "ZIBE1TIR4HY56",
        "elb.ap-southeast-1.amazonaws.com": "ZKVM4W9LS7TM", "elb.ap-southeast-2.amazonaws.com": "ZCT6FZBF4DROD",
        "elb.ap-northeast-1.amazonaws.com": "Z31USIVHYNEOWT", "elb.eu-central-1.amazonaws.com": "Z3F0SRJ5LGBH90",
        "elb.eu-west-1.amazonaws.com": "Z2IFOLAFXWLO4F", "elb.eu-west-2.amazonaws.com": "ZD4D7Y8KGAS4G",
        "elb.eu-west-3.amazonaws.com": "Z1CMS0P5QUZ6D5", "elb.eu-north-1.amazonaws.com": "Z1UDT6IFJ4EJM",
        "elb.eu-south-1.amazonaws.com": "Z23146JA1KNAFP", "elb.sa-east-1.amazonaws.com": "ZTK26PT1VY4CU",
    ]
}

import RanchhandClients

/// Elastic Load Balancing v2 over the query protocol; pages with Marker / NextMarker.
public struct LiveELBv2Client: ELBv2Client {
    private let query: AWSQueryProtocol

    public init(sender: AWSRequestSender) {
        query = AWSQueryProtocol(sender: sender)
    }

    public func describeLoadBalancers(names: [String], arns: [String]) async throws(ClientError) -> [LoadBalancer] {
        var balancers: [LoadBalancer] = []
        var marker: String?
        var seenMarkers: Set<String> = []
        repeat {
            var parameters = QueryParameters.list("Names", names) + QueryParameters.list("LoadBalancerArns", arns)
            if let marker { parameters.append(("Marker", marker)) }
            let result = try await query.call(.describeLoadBalancers, parameters)
            balancers += result.list("LoadBalancers").map { element in
                LoadBalancer(
                    arn: element.text(of: "LoadBalancerArn") ?? "",
                    name: element.text(of: "LoadBalancerName") ?? "",
                    dnsName: element.text(of: "DNSName") ?? "",
                    canonicalHostedZoneID: HostedZoneID(element.text(of: "CanonicalHostedZoneId") ?? ""),
                    type: element.text(of: "Type") ?? "",
                    scheme: element.text(of: "Scheme") ?? "",
                    state: element.text(of: "State/Code") ?? "",
                    vpcID: element.text(of: "VpcId"))
            }
            marker = result.text(of: "NextMarker").flatMap { $0.isEmpty ? nil : $0 }
            if let next = marker, !seenMarkers.insert(next).inserted {
                throw ClientError(.invalidResponse, service: "elasticloadbalancing", operation: "DescribeLoadBalancers",
                                  message: "the same NextMarker came back twice; stopping instead of paging forever")
            }
        } while marker != nil
        return balancers
    }
}

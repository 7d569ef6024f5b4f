import RanchhandClients
import RanchhandEvents

/// EC2 over its own variant of the query protocol: no `<…Result>` wrapper, lists of `<item>`,
/// errors under `<Response><Errors>` (all handled by `AWSQueryProtocol` and `AWSErrorParsing`).
public struct LiveEC2Client: EC2Client {
    private let query: AWSQueryProtocol

    public init(sender: AWSRequestSender) {
        query = AWSQueryProtocol(sender: sender)
    }

    public func describeInstances(_ request: DescribeInstancesRequest) async throws(ClientError) -> [EC2Instance] {
        var instances: [EC2Instance] = []
        var nextToken: String?
        var seenTokens: Set<String> = []
        repeat {
            var parameters = QueryParameters.list("InstanceId", request.instanceIDs.map(\.rawValue), member: nil)
            for (index, filter) in request.filters.enumerated() {
                parameters.append(("Filter.\(index + 1).Name", filter.name))
                parameters += QueryParameters.list("Filter.\(index + 1).Value", filter.values, member: nil)
            }
            if let pageSize = request.pageSize, request.instanceIDs.isEmpty {
                parameters.append(("MaxResults", String(min(1000, max(5, pageSize)))))
            }
            if let nextToken { parameters.append(("NextToken", nextToken)) }
            let response = try await query.call(.describeInstances, parameters)
            for reservation in response.list("reservationSet", entry: "item") {
                instances += reservation.list("instancesSet", entry: "item").map(Self.instance)
            }
            nextToken = response.text(of: "nextToken").flatMap { $0.isEmpty ? nil : $0 }
            if let token = nextToken, !seenTokens.insert(token).inserted {
                throw ClientError(.invalidResponse, service: "ec2", operation: "DescribeInstances",
                                  message: "the same NextToken came back twice; stopping instead of paging forever")
            }
        } while nextToken != nil
        return instances
    }

    static func instance(_ element: XMLElement) -> EC2Instance {
        var tags: [String: String] = [:]
        for tag in element.list("tagSet", entry: "item") {
            if let key = tag.text(of: "key") { tags[key] = tag.text(of: "value") ?? "" }
        }
        return EC2Instance(
            instanceID: InstanceID(element.text(of: "instanceId") ?? ""),
            state: element.text(of: "instanceState/name").flatMap(InstanceState.init(rawValue:)),
            instanceType: element.text(of: "instanceType") ?? "",
            imageID: element.text(of: "imageId") ?? "",
            availabilityZone: element.text(of: "placement/availabilityZone") ?? "",
            privateIPv4: nonEmpty(element.text(of: "privateIpAddress")),
            publicIPv4: nonEmpty(element.text(of: "ipAddress")),
            privateDNSName: nonEmpty(element.text(of: "privateDnsName")),
            publicDNSName: nonEmpty(element.text(of: "dnsName")),
            subnetID: nonEmpty(element.text(of: "subnetId")),
            vpcID: nonEmpty(element.text(of: "vpcId")),
            launchTime: element.text(of: "launchTime").flatMap(Timestamp.init(parsing:)),
            tags: tags)
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}

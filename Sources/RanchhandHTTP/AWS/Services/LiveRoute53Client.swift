import RanchhandClients
import RanchhandEvents

/// Route53 over rest-xml. Every call is global (signed for us-east-1 in the aws partition).
public struct LiveRoute53Client: Route53Client {
    static let namespace = "https://route53.amazonaws.com/doc/2013-04-01/"
    private let rest: AWSRestXMLProtocol

    public init(sender: AWSRequestSender) {
        rest = AWSRestXMLProtocol(sender: sender)
    }

    public func listHostedZonesByName(startingAt dnsName: String?, limit: Int?) async throws(ClientError) -> [HostedZone] {
        var zones: [HostedZone] = []
        var next: (name: String?, zone: String?) = (dnsName, nil)
        while true {
            var query: [SignableRequest.QueryItem] = []
            if let name = next.name { query.append(.init("dnsname", name)) }
            if let zone = next.zone { query.append(.init("hostedzoneid", zone)) }
            if let limit { query.append(.init("maxitems", String(min(100, max(1, limit - zones.count))))) }
            let response = try await rest.call(.listHostedZonesByName, method: "GET", path: "/2013-04-01/hostedzonesbyname", query: query)
            zones += response.list("HostedZones", entry: "HostedZone").map { element in
                HostedZone(
                    id: HostedZoneID(element.text(of: "Id") ?? ""), name: element.text(of: "Name") ?? "",
                    isPrivate: element.bool(of: "Config/PrivateZone") ?? false,
                    recordSetCount: element.int(of: "ResourceRecordSetCount"), comment: element.text(of: "Config/Comment"))
            }
            if let limit, zones.count >= limit { return Array(zones.prefix(limit)) }
            guard response.bool(of: "IsTruncated") == true else { return zones }
            let following = (response.text(of: "NextDNSName"), response.text(of: "NextHostedZoneId"))
            if following == next {
                throw Self.stalled(.listHostedZonesByName)
            }
            next = following
        }
    }

    public func listResourceRecordSets(_ zone: HostedZoneID, pageSize: Int?) async throws(ClientError) -> [ResourceRecordSet] {
        var records: [ResourceRecordSet] = []
        var start: (name: String, type: String, identifier: String?)?
        while true {
            var query: [SignableRequest.QueryItem] = []
            if let start {
                query.append(.init("name", start.name))
                query.append(.init("type", start.type))
                if let identifier = start.identifier { query.append(.init("identifier", identifier)) }
            }
            if let pageSize { query.append(.init("maxitems", String(min(300, max(1, pageSize))))) }
            let response = try await rest.call(.listResourceRecordSets, method: "GET",
                                                path: "/2013-04-01/hostedzone/\(zone.rawValue)/rrset", query: query)
            records += response.list("ResourceRecordSets", entry: "ResourceRecordSet").map(Route53XML.recordSet)
            guard response.bool(of: "IsTruncated") == true,
                  let name = response.text(of: "NextRecordName"), let type = response.text(of: "NextRecordType")
            else { return records }
            let next = (name: name, type: type, identifier: response.text(of: "NextRecordIdentifier"))
            // A server that does not advance (moto inside a SetIdentifier group) would loop forever.
            if let start, start == next { throw Self.stalled(.listResourceRecordSets) }
            start = next
        }
    }

    public func changeResourceRecordSets(_ zone: HostedZoneID, changes: [RecordChange], comment: String?) async throws(ClientError) -> ChangeInfo {
        var batch: [XMLElement] = []
        if let comment { batch.append(XMLElement("Comment", text: comment)) }
        batch.append(XMLElement("Changes", children: changes.map(Route53XML.change)))
        let body = XMLElement("ChangeResourceRecordSetsRequest", attributes: [.init("xmlns", Self.namespace)],
                              children: [XMLElement("ChangeBatch", children: batch)])
        let response = try await rest.call(.changeResourceRecordSets, method: "POST",
                                            path: "/2013-04-01/hostedzone/\(zone.rawValue)/rrset/", body: body)
        return try Self.changeInfo(response, .changeResourceRecordSets)
    }

    public func getChange(_ id: ChangeID) async throws(ClientError) -> ChangeInfo {
        let response = try await rest.call(.getChange, method: "GET", path: "/2013-04-01/change/\(id.rawValue)")
        return try Self.changeInfo(response, .getChange)
    }

    private static func changeInfo(_ response: XMLElement, _ operation: AWSOperation) throws(ClientError) -> ChangeInfo {
        guard let info = response.child("ChangeInfo"), let id = info.text(of: "Id") else {
            throw ClientError(.invalidResponse, service: "route53", operation: operation.name, message: "no ChangeInfo/Id in the answer")
        }
        return ChangeInfo(id: ChangeID(id), status: info.text(of: "Status").flatMap(ChangeInfo.Status.init(rawValue:)),
                          submittedAt: info.text(of: "SubmittedAt").flatMap(Timestamp.init(parsing:)),
                          comment: info.text(of: "Comment"))
    }

    private static func stalled(_ operation: AWSOperation) -> ClientError {
        ClientError(.invalidResponse, service: "route53", operation: operation.name,
                    message: "the next-page marker did not advance; stopping instead of paging forever")
    }
}

/// Record sets to and from Route53's XML, elements in the order the API model lists them.
enum Route53XML {
    static func recordSet(_ element: XMLElement) -> ResourceRecordSet {
        let alias = element.child("AliasTarget").map { target in
            AliasTarget(hostedZoneID: HostedZoneID(target.text(of: "HostedZoneId") ?? ""), dnsName: target.text(of: "DNSName") ?? "",
                        evaluateTargetHealth: target.bool(of: "EvaluateTargetHealth") ?? false)
        }
        return ResourceRecordSet(
            name: element.text(of: "Name") ?? "",
            type: RecordType(rawValue: element.text(of: "Type") ?? ""),
            setIdentifier: element.text(of: "SetIdentifier"),
            weight: element.int(of: "Weight"),
            region: element.text(of: "Region"),
            failover: element.text(of: "Failover"),
            multiValueAnswer: element.bool(of: "MultiValueAnswer"),
            // An alias record has no TTL of its own (moto sends <TTL>0</TTL> for one anyway).
            ttl: alias == nil ? element.int(of: "TTL") : nil,
            values: element.list("ResourceRecords", entry: "ResourceRecord").compactMap { $0.text(of: "Value") },
            aliasTarget: alias,
            healthCheckID: element.text(of: "HealthCheckId"))
    }

    static func change(_ change: RecordChange) -> XMLElement {
        XMLElement("Change", children: [XMLElement("Action", text: change.action.rawValue), recordSetElement(change.recordSet)])
    }

    static func recordSetElement(_ record: ResourceRecordSet) -> XMLElement {
        var children = [XMLElement("Name", text: record.name), XMLElement("Type", text: record.type.rawValue)]
        func add(_ name: String, _ value: String?) {
            if let value { children.append(XMLElement(name, text: value)) }
        }
        add("SetIdentifier", record.setIdentifier)
        add("Weight", record.weight.map(String.init))
        add("Region", record.region)
        add("Failover", record.failover)
        add("MultiValueAnswer", record.multiValueAnswer.map { $0 ? "true" : "false" })
        if let alias = record.aliasTarget {
            children.append(XMLElement("AliasTarget", children: [
                XMLElement("HostedZoneId", text: alias.hostedZoneID.rawValue),
                XMLElement("DNSName", text: alias.dnsName),
                XMLElement("EvaluateTargetHealth", text: alias.evaluateTargetHealth ? "true" : "false"),
            ]))
        } else {
            add("TTL", record.ttl.map(String.init))
            children.append(XMLElement("ResourceRecords", children: record.values.map { value in
                XMLElement("ResourceRecord", children: [XMLElement("Value", text: value)])
            }))
        }
        add("HealthCheckId", record.healthCheckID)
        return XMLElement("ResourceRecordSet", children: children)
    }
}

import RanchhandClients
import RanchhandHTTP
import RanchhandTestSupport
import Testing

@Suite struct Route53ClientTests {
    static func zoneName() -> String { "\(MotoServer.uniqueName("r53")).example.com." }

    @Test func findsHostedZonesByName() async throws {
        let seed = try await AWSTestContext.seed()
        let name = Self.zoneName()
        let zoneID = try await seed.zone(name)
        let route53 = LiveRoute53Client(sender: try await AWSTestContext.motoSender())
        let zones = try await route53.hostedZones(named: name.uppercased())
        #expect(zones.map(\.id) == [HostedZoneID(zoneID)])
        #expect(zones.first?.name == name)
        #expect(zones.first?.isPrivate == false)
    }

    @Test func listResourceRecordSetsReadsEveryPage() async throws {
        let seed = try await AWSTestContext.seed()
        let name = Self.zoneName()
        let records = (1...25).map { Seed.Record(name: "node\($0).\(name)", type: "A", ttl: 60, values: ["10.0.0.\($0)"]) }
        let zoneID = try await seed.zone(name, records: records)
        try await withOwnFaultProxy { proxy, url in
            let route53 = LiveRoute53Client(sender: AWSTestContext.sender(endpoint: url))
            let listed = try await route53.listResourceRecordSets(HostedZoneID(zoneID), pageSize: 10)
            // 25 A records + SOA + NS at 10 a page: three pages, nothing read twice.
            #expect(listed.count == 27)
            #expect(Set(listed.filter { $0.type == .a }.map(\.name)) == Set(records.map(\.name)))
            #expect(listed.first { $0.name == "node7.\(name)" }?.values == ["10.0.0.7"])
            #expect(listed.first { $0.name == "node7.\(name)" }?.ttl == 60)
            let requests = try await proxy.log().filter { $0.path.contains("/rrset") }
            #expect(requests.count == 3)
        }
    }

    @Test func changesAreAppliedAsBoto3SeesThem() async throws {
        let seed = try await AWSTestContext.seed()
        let name = Self.zoneName()
        let zoneID = HostedZoneID(try await seed.zone(name))
        let route53 = LiveRoute53Client(sender: try await AWSTestContext.motoSender())
        let alias = AliasTarget(hostedZoneID: "Z35SXDOTRQ7X7K", dnsName: "k8s-lb-1.us-east-1.elb.amazonaws.com.", evaluateTargetHealth: true)
        let info = try await route53.changeResourceRecordSets(zoneID, changes: [
            RecordChange(.create, ResourceRecordSet(name: "app.\(name)", type: .a, ttl: 30, values: ["10.0.1.5", "10.0.1.6"])),
            RecordChange(.upsert, ResourceRecordSet(name: "app.\(name)", type: .txt, ttl: 300,
                                                    values: ["\"heritage=external-dns,external-dns/owner=ranchhand\""])),
            RecordChange(.create, ResourceRecordSet(name: "lb.\(name)", type: .a, aliasTarget: alias)),
        ], comment: "ranchhand test & <friends>")
        #expect(!info.id.rawValue.isEmpty && !info.id.rawValue.hasPrefix("/"))
        let change = try await route53.getChange(info.id)
        #expect(change.id == info.id)
        #expect(change.status != nil)

        let seen = try await seed.records(zoneID: zoneID.rawValue)
        #expect(seen.first { $0.name == "app.\(name)" && $0.type == "A" }?.values.sorted() == ["10.0.1.5", "10.0.1.6"])
        #expect(seen.first { $0.type == "TXT" }?.values == ["\"heritage=external-dns,external-dns/owner=ranchhand\""])
        #expect(seen.first { $0.name == "lb.\(name)" }?.alias == .init(hostedZoneId: "Z35SXDOTRQ7X7K", dnsName: alias.dnsName))

        // Read back through our client: an alias has no TTL (moto sends <TTL>0</TTL> anyway).
        let listed = try await route53.listResourceRecordSets(zoneID, pageSize: nil)
        let lb = listed.first { $0.name == "lb.\(name)" }
        #expect(lb?.aliasTarget == alias)
        #expect(lb?.ttl == nil)

        _ = try await route53.changeResourceRecordSets(zoneID, changes: [
            RecordChange(.delete, ResourceRecordSet(name: "app.\(name)", type: .a, ttl: 30, values: ["10.0.1.5", "10.0.1.6"])),
        ], comment: nil)
        #expect(try await seed.records(zoneID: zoneID.rawValue).contains { $0.name == "app.\(name)" && $0.type == "A" } == false)
    }

    @Test func duplicateCreateIsInvalidChangeBatchAndNotRetried() async throws {
        let seed = try await AWSTestContext.seed()
        let name = Self.zoneName()
        let zoneID = HostedZoneID(try await seed.zone(name, records: [.init(name: "dup.\(name)", type: "A", values: ["10.9.9.9"])]))
        try await withOwnFaultProxy { proxy, url async throws in
            let route53 = LiveRoute53Client(sender: AWSTestContext.sender(endpoint: url))
            let error = await clientError { () async throws(ClientError) in
                _ = try await route53.changeResourceRecordSets(zoneID, changes: [
                    RecordChange(.create, ResourceRecordSet(name: "dup.\(name)", type: .a, ttl: 300, values: ["10.9.9.9"])),
                ], comment: nil)
            }
            #expect(error?.code == "InvalidChangeBatch")
            #expect(error?.statusCode == 400)
            #expect(error?.message.contains("already exists") == true)
            #expect(try await proxy.log().count == 1)
        }
    }

    @Test func missingZoneIsNoSuchHostedZone() async throws {
        let route53 = LiveRoute53Client(sender: try await AWSTestContext.motoSender())
        let error = await clientError { () async throws(ClientError) in
            _ = try await route53.listResourceRecordSets("ZNOSUCHZONE000", pageSize: nil)
        }
        #expect(error?.code == "NoSuchHostedZone")
        #expect(error?.statusCode == 404)
    }

    /// Paging inside a SetIdentifier group: Route53 answers NextRecordIdentifier; moto 5.2.1 does
    /// not and repeats the page. Either way the client must end: with every record, or with a
    /// typed "did not advance" error — never by paging forever.
    @Test(.timeLimit(.minutes(1))) func pagingThatDoesNotAdvanceStopsWithAnError() async throws {
        let seed = try await AWSTestContext.seed()
        let name = Self.zoneName()
        let zoneID = HostedZoneID(try await seed.zone(name))
        let route53 = LiveRoute53Client(sender: try await AWSTestContext.motoSender())
        let members = (1...3).map { index in
            RecordChange(.create, ResourceRecordSet(name: "nodes.\(name)", type: .a, setIdentifier: "i-000\(index)",
                                                    multiValueAnswer: true, ttl: 30, values: ["10.0.2.\(index)"]))
        }
        _ = try await route53.changeResourceRecordSets(zoneID, changes: members, comment: nil)
        do throws(ClientError) {
            let listed = try await route53.listResourceRecordSets(zoneID, pageSize: 1)
            #expect(Set(listed.compactMap(\.setIdentifier)) == ["i-0001", "i-0002", "i-0003"])
        } catch {
            #expect(error.kind == .invalidResponse)
            #expect(error.message.contains("did not advance"))
        }
    }
}

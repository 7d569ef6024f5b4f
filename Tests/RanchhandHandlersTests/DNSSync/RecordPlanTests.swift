import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

/// Records as Route53 lists them, and desired endpoints, for the plan tests.
enum Zone {
    static let owner = OwnerID("ranchhand-prod")
    static let registry = TXTRegistry()

    static func a(_ name: String, _ values: [String], ttl: Int = 300, setIdentifier: String? = nil, multiValue: Bool? = nil) -> ResourceRecordSet {
        ResourceRecordSet(name: name, type: .a, setIdentifier: setIdentifier, multiValueAnswer: multiValue, ttl: ttl, values: values)
    }

    static func cname(_ name: String, _ target: String, ttl: Int = 300) -> ResourceRecordSet {
        ResourceRecordSet(name: name, type: .cname, ttl: ttl, values: [target])
    }

    static func txt(_ name: String, owner: String, resource: String, setIdentifier: String? = nil) -> ResourceRecordSet {
        ResourceRecordSet(name: name, type: .txt, setIdentifier: setIdentifier, ttl: 300,
                          values: ["\"heritage=external-dns,external-dns/owner=\(owner),external-dns/resource=\(resource)\""])
    }

    static func endpoint(_ name: String, _ values: [String], type: RecordType = .a, ttl: Int = 300,
                         resource: String = "ingress/default/web") -> DNSEndpoint {
        DNSEndpoint(name: name, type: type, ttl: ttl, target: .values(values), resource: DNSResource(resource))
    }

    static func plan(_ current: [ResourceRecordSet], _ endpoints: [DNSEndpoint], policy: PlanPolicy = .sync,
                     retained: Set<DNSResource> = []) -> RecordPlan {
        RecordPlan.calculate(current: current, desired: DesiredRecords(endpoints: endpoints, retained: retained), policy: policy, owner: owner)
    }

    static func summary(_ plan: RecordPlan) -> [String] {
        plan.changes.map { "\($0.action.rawValue) \($0.recordSet.type) \(RecordName.normalized($0.recordSet.name)) \($0.recordSet.values.joined(separator: ","))" }
    }
}

@Suite("DNS plan: ownership and policies")
struct RecordPlanTests {
    @Test func anEmptyZoneGetsEachRecordWithItsTXT() {
        let plan = Zone.plan([], [Zone.endpoint("App.Example.com", ["10.0.0.2", "10.0.0.1"])])
        #expect(Zone.summary(plan) == [
            "CREATE A app.example.com. 10.0.0.1,10.0.0.2",
            #"CREATE TXT a-app.example.com. "heritage=external-dns,external-dns/owner=ranchhand-prod,external-dns/resource=ingress/default/web""#,
        ])
        #expect(Set(plan.changes.map(\.group)) == [RecordKey(name: "app.example.com.")])
        #expect(plan.conflicts.isEmpty)
    }

    @Test func recordsOfOtherOwnersAndUnownedRecordsAreNeverTouched() {
        let current = [
            Zone.a("manual.example.com.", ["192.0.2.1"]),
            Zone.a("theirs.example.com.", ["192.0.2.2"]), Zone.txt("a-theirs.example.com.", owner: "other-cluster", resource: "ingress/x/y"),
            ResourceRecordSet(name: "example.com.", type: .ns, ttl: 172800, values: ["ns-1.awsdns-1.com."]),
        ]
        let nothingWanted = Zone.plan(current, [])
        #expect(nothingWanted.changes.isEmpty && nothingWanted.conflicts.isEmpty)

        let wanted = Zone.plan(current, [Zone.endpoint("manual.example.com", ["10.0.0.1"]), Zone.endpoint("theirs.example.com", ["10.0.0.1"])])
        #expect(wanted.changes.isEmpty)
        #expect(wanted.conflicts.map(\.reason) == [
            "A record manual.example.com. exists and has no ownership TXT",
            "A record theirs.example.com. is owned by other-cluster",
        ])
    }

    @Test func aForeignTXTAtTheOwnershipNameBlocksTheCreation() {
        let current = [ResourceRecordSet(name: "a-app.example.com.", type: .txt, ttl: 300, values: ["\"v=spf1 -all\""])]
        let plan = Zone.plan(current, [Zone.endpoint("app.example.com", ["10.0.0.1"])])
        #expect(plan.changes.isEmpty)
        #expect(plan.conflicts.first?.reason == "its ownership name a-app.example.com. is held by a TXT record outside the registry")
    }

    @Test func policiesDecideWhatMayChange() {
        let current = [
            Zone.a("old.example.com.", ["10.0.0.9"]), Zone.txt("a-old.example.com.", owner: "ranchhand-prod", resource: "ingress/default/old"),
            Zone.a("app.example.com.", ["10.0.0.1"]), Zone.txt("a-app.example.com.", owner: "ranchhand-prod", resource: "ingress/default/web"),
        ]
        let desired = [Zone.endpoint("app.example.com", ["10.0.0.2"]), Zone.endpoint("new.example.com", ["10.0.0.3"])]

        let sync = Zone.plan(current, desired, policy: .sync)
        #expect(Zone.summary(sync).filter { !$0.contains("TXT") } == [
            "UPSERT A app.example.com. 10.0.0.2", "CREATE A new.example.com. 10.0.0.3", "DELETE A old.example.com. 10.0.0.9",
        ])
        #expect(sync.changes.filter { $0.isOwnership }.map(\.action) == [.create, .delete])

        let upsertOnly = Zone.plan(current, desired, policy: .upsertOnly)
        #expect(!upsertOnly.changes.contains { $0.action == .delete })
        #expect(upsertOnly.changes.count == 3 && upsertOnly.heldByPolicy == 2)

        let createOnly = Zone.plan(current, desired, policy: .createOnly)
        #expect(Zone.summary(createOnly).count == 2 && createOnly.changes.allSatisfy { $0.action == .create })
        #expect(createOnly.heldByPolicy == 3)
    }

    @Test func anUnchangedZoneNeedsNothingWhateverTheValueOrder() {
        let current = [
            Zone.a("app.example.com.", ["10.0.0.2", "10.0.0.1"]), Zone.txt("a-app.example.com.", owner: "ranchhand-prod", resource: "ingress/default/web"),
        ]
        #expect(Zone.plan(current, [Zone.endpoint("app.example.com", ["10.0.0.1", "10.0.0.2"])]).isEmpty)
        let ttl = Zone.plan(current, [Zone.endpoint("app.example.com", ["10.0.0.1", "10.0.0.2"], ttl: 60)])
        #expect(Zone.summary(ttl) == ["UPSERT A app.example.com. 10.0.0.1,10.0.0.2"])
    }

    @Test func anIngressWithoutAnAddressKeepsItsRecords() {
        let current = [Zone.a("app.example.com.", ["10.0.0.1"]), Zone.txt("a-app.example.com.", owner: "ranchhand-prod", resource: "ingress/default/web")]
        #expect(Zone.plan(current, [], retained: [DNSResource("ingress/default/web")]).isEmpty)
        #expect(Zone.summary(Zone.plan(current, [])).count == 2)
    }

    @Test func twoIngressesClaimingOneHostLeaveItWithItsOwner() {
        let current = [Zone.a("app.example.com.", ["10.0.0.1"]), Zone.txt("a-app.example.com.", owner: "ranchhand-prod", resource: "ingress/zz/late")]
        let plan = Zone.plan(current, [
            Zone.endpoint("app.example.com", ["10.0.0.5"], resource: "ingress/aa/early"),
            Zone.endpoint("app.example.com", ["10.0.0.1"], resource: "ingress/zz/late"),
        ])
        #expect(plan.isEmpty)
        #expect(plan.conflicts.map(\.reason) == ["also claimed by ingress/zz/late, which keeps it"])
        #expect(plan.conflicts.first?.resource == DNSResource("ingress/aa/early"))
    }

    @Test func aCNAMEBesideAnotherTypeIsDroppedAndReported() {
        let plan = Zone.plan([], [
            Zone.endpoint("app.example.com", ["10.0.0.1"], resource: "ingress/a/one"),
            Zone.endpoint("app.example.com", ["lb.example.net"], type: .cname, resource: "ingress/b/two"),
        ])
        #expect(Zone.summary(plan).first == "CREATE A app.example.com. 10.0.0.1")
        #expect(plan.conflicts.count == 1 && plan.conflicts[0].type == .cname)
    }

    @Test func upsertOnlyDoesNotReplaceACNAMEItMayNotDelete() {
        let current = [Zone.cname("app.example.com.", "old-lb.example.net"),
                       Zone.txt("cname-app.example.com.", owner: "ranchhand-prod", resource: "ingress/default/web")]
        let plan = Zone.plan(current, [Zone.endpoint("app.example.com", ["10.0.0.1"])], policy: .upsertOnly)
        #expect(plan.changes.isEmpty)
        #expect(plan.conflicts.first?.reason == "policy upsert-only keeps the CNAME record that it would replace")
        let sync = Zone.plan(current, [Zone.endpoint("app.example.com", ["10.0.0.1"])])
        #expect(sync.changes.map(\.action) == [.delete, .delete, .create, .create])
        #expect(Set(sync.changes.map(\.group)).count == 1)
    }
}

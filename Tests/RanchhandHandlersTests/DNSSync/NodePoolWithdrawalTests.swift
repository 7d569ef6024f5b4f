import Foundation
import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

/// The records a leaving instance is taken out of before its drain: only its own, only ours, never
/// the pool's last member.
@Suite("DNS node pool: withdrawing one leaving instance")
struct NodePoolWithdrawalTests {
    static let multivalue = NodePoolPolicyTests.current + [
        Zone.a("nodes.example.com.", ["10.0.1.7"], ttl: 30, setIdentifier: "i-07", multiValue: true),
        Zone.txt("a-nodes.example.com.", owner: "someone-else", resource: "nodes/compute", setIdentifier: "i-07"),
    ]

    func described(_ plan: NodePoolWithdrawal.Plan) -> [String] {
        plan.changes.map { "\($0.action.rawValue) \($0.recordSet.type) \($0.recordSet.setIdentifier ?? $0.recordSet.values.joined(separator: ","))" }
    }

    @Test func itsOwnMultivalueRecordGoesWithItsOwnershipTXT() {
        let plan = NodePoolWithdrawal.plan(instance: "i-09", addresses: ["10.0.1.9"], current: Self.multivalue, owner: "prod")
        #expect(described(plan) == ["DELETE A i-09", "DELETE TXT i-09"])
        #expect(plan.ttl == 60 && plan.keptBecause == nil)
    }

    @Test func anotherOwnersRecordOfTheInstanceIsNotOurs() {
        let plan = NodePoolWithdrawal.plan(instance: "i-07", addresses: ["10.0.1.7"], current: Self.multivalue, owner: "prod")
        #expect(plan.changes.isEmpty && plan.keptBecause == nil)
        #expect(plan.poolTTL == 60, "a redelivery still waits out the pool's TTL")
    }

    @Test func anInstanceWithoutARecordChangesNothing() {
        let plan = NodePoolWithdrawal.plan(instance: "i-42", addresses: ["10.0.1.1"], current: Self.multivalue, owner: "prod")
        #expect(plan.changes.isEmpty, "the address of another instance's multivalue record is not the leaving one's")
    }

    @Test func theLastMemberIsKept() {
        let one = SyncAndTriggerTests.apex + Array(NodePoolPolicyTests.current[(SyncAndTriggerTests.apex.count)..<(SyncAndTriggerTests.apex.count + 2)])
        let plan = NodePoolWithdrawal.plan(instance: "i-01", addresses: ["10.0.1.1"], current: one, owner: "prod")
        #expect(plan.changes.isEmpty)
        #expect(plan.keptBecause?.contains("last member of nodes/compute") == true)
    }

    @Test func aSimplePoolRecordLosesOnlyTheLeavingAddress() {
        let simple = SyncAndTriggerTests.apex + [
            Zone.a("nodes.example.com.", ["10.0.1.1", "10.0.1.2", "10.0.1.3"], ttl: 45),
            Zone.txt("a-nodes.example.com.", owner: "prod", resource: "nodes/compute"),
            Zone.a("shop.example.com.", ["10.0.1.2"]), Zone.txt("a-shop.example.com.", owner: "prod", resource: "ingress/shop/web"),
        ]
        let plan = NodePoolWithdrawal.plan(instance: "i-02", addresses: ["10.0.1.2"], current: simple, owner: "prod")
        #expect(described(plan) == ["UPSERT A 10.0.1.1,10.0.1.3"], "the Ingress record with the same address is not the pool's")
        #expect(plan.ttl == 45)
        let last = SyncAndTriggerTests.apex + [Zone.a("nodes.example.com.", ["10.0.1.2"], ttl: 45),
                                                Zone.txt("a-nodes.example.com.", owner: "prod", resource: "nodes/compute")]
        #expect(NodePoolWithdrawal.plan(instance: "i-02", addresses: ["10.0.1.2"], current: last, owner: "prod").changes.isEmpty)
    }

    @Test func theExecutorsRouteAppliesItAndReportsTheChange() async throws {
        let route53 = StrictRoute53(Self.multivalue)
        let dns = NodePoolDNS(route53: route53, zone: "ZTEST", owner: "prod", logger: .init(label: "test"))
        let outcome = try await dns.withdraw("i-09", addresses: ["10.0.1.9"])
        guard case .withdrawn(let changes, let ttl) = outcome else { Issue.record("\(outcome)"); return }
        #expect(changes.count == 1 && ttl == 60)
        #expect(await !route53.records.values.contains { $0.setIdentifier == "i-09" })
        #expect(try await dns.withdraw("i-09", addresses: ["10.0.1.9"]) == .alreadyGone(poolTTL: 60), "a redelivery finds it gone")
    }
}

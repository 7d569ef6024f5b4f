import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandLambda
import RanchhandTestSupport
import Testing

/// The syncer against moto's Route53, EC2 and Auto Scaling. Outcomes are read back through boto3.
/// moto's mistakes are not relied on: no test repeats a CREATE or deletes a missing record (moto
/// duplicates the one and answers InvalidInput to the other), and no zone read by paging holds a
/// multivalue group (moto pages inside a SetIdentifier group forever).
@Suite("DNS sync against moto", .serialized)
struct MotoSyncTests {
    @Test func aFullSyncOfAnEmptyZoneThenNothingToDo() async throws {
        let harness = try await DNSHarness.make("full")
        let group = try await harness.seed.group(MotoServer.uniqueName("dns-nodes"), desired: 3)
        let ingresses = RecordedIngresses(items: [
            harness.ingress("web", hosts: ["shop", "www"], hostname: "k8s-web-1234.us-east-1.elb.amazonaws.com"),
            harness.ingress("api", hosts: ["api"], ip: "203.0.113.10"),
        ])
        let syncer = harness.syncer(ingresses: ingresses, group: group.group)
        let first = try await syncer.sync(dryRun: false)
        #expect(first.report?.rejected == [] && first.report?.error == nil)

        let zone = harness.zoneName
        let table = try await harness.records().table
        #expect(table["shop.\(zone). A"] == ["ALIAS k8s-web-1234.us-east-1.elb.amazonaws.com. Z35SXDOTRQ7X7K"])
        #expect(table["a-shop.\(zone). TXT"] == [DNSHarness.txt(owner: "ranchhand-test", resource: "ingress/shop/web")])
        #expect(table["api.\(zone). A"] == ["203.0.113.10"])
        let nodeKeys = table.keys.filter { $0.hasPrefix("nodes.\(zone). A ") }
        #expect(Set(nodeKeys.map { String($0.split(separator: " ")[2]) }) == Set(group.instanceIds))
        for id in group.instanceIds {
            #expect(table["a-nodes.\(zone). TXT \(id)"] == [DNSHarness.txt(owner: "ranchhand-test", resource: "nodes/\(group.group)")])
        }
        // 3 host records + 3 node records, each with its TXT, in one request.
        #expect(first.plan.changes.count == 12 && harness.counter.count(.changeResourceRecordSets) == 1)

        harness.counter.reset()
        let second = try await syncer.sync(dryRun: false)
        #expect(second.plan.isEmpty && second.plan.conflicts.isEmpty)
        #expect(harness.counter.count(.changeResourceRecordSets) == 0 && harness.counter.count(.listResourceRecordSets) == 1)
    }

    @Test func anIncrementalChangeIsOneUpsertAndForeignRecordsStay() async throws {
        let harness = try await DNSHarness.make("incremental") { [Seed.Record(name: "legacy.\($0)", type: "A", values: ["192.0.2.1"])] }
        let before = [harness.ingress("api", hosts: ["api"], ip: "203.0.113.10"), harness.ingress("web", hosts: ["web"], ip: "203.0.113.20")]
        _ = try await harness.syncer(ingresses: RecordedIngresses(items: before)).sync(dryRun: false)
        let after = [harness.ingress("api", hosts: ["api"], ip: "203.0.113.11"), harness.ingress("web", hosts: ["web"], ip: "203.0.113.20"),
                     harness.ingress("legacy", hosts: ["legacy"], ip: "203.0.113.30")]
        harness.counter.reset()
        let result = try await harness.syncer(ingresses: RecordedIngresses(items: after)).sync(dryRun: false)
        #expect(result.plan.changes.map { "\($0.action.rawValue) \($0.recordSet.type)" } == ["UPSERT A"])
        #expect(result.plan.conflicts.map(\.reason) == ["A record legacy.\(harness.zoneName). exists and has no ownership TXT"])
        #expect(harness.counter.count(.changeResourceRecordSets) == 1)
        let table = try await harness.records().table
        #expect(table["api.\(harness.zoneName). A"] == ["203.0.113.11"] && table["legacy.\(harness.zoneName). A"] == ["192.0.2.1"])
    }

    @Test func aTerminatingInstanceLeavesDNSAtOnceAndItsHookStaysPending() async throws {
        let harness = try await DNSHarness.make("terminate")
        let group = try await harness.seed.group(MotoServer.uniqueName("dns-term"), desired: 3, hook: Seed.Hook(name: "drain"))
        let syncer = harness.syncer(group: group.group)
        _ = try await syncer.sync(dryRun: false)
        let victim = group.instanceIds[1]
        try await harness.seed.terminate(victim)

        let event = LifecycleActionNotification(transition: .terminating, hookName: "drain", groupName: AutoScalingGroupName(group.group),
                                                instanceID: InstanceID(victim), token: "token-from-the-event")
        let record = EventRecord(envelopes: [.sqsMessage], sqsMessage: SQSMessageReference(messageID: "m-1"), outcome: .success(.lifecycleAction(event)))
        let context = HandlingContext(deadline: Date().addingTimeInterval(60), logger: Logger(label: "test.dns"))
        harness.counter.reset()
        let outcome = await DNSRecordHandler(syncer: syncer).handle(record, context: context)
        guard case .done = outcome else { Issue.record("expected done, got \(outcome)"); return }

        let nodes = try await harness.records().filter { $0.name == "nodes.\(harness.zoneName)." && $0.type == "A" }
        #expect(Set(nodes.compactMap(\.setIdentifier)) == Set(group.instanceIds).subtracting([victim]))
        #expect(harness.counter.count(.changeResourceRecordSets) == 1)
        // The DNS syncer never completes a lifecycle action: the instance still waits for the scale-in handler.
        #expect(harness.counter.count(.completeLifecycleAction) == 0)
        #expect(try await harness.seed.groupStates(group.group)[victim] == "Terminating:Wait")
    }

    @Test func pagingOverMoreThan300RecordsIsOnePassOf300s() async throws {
        let harness = try await DNSHarness.make("paging") { zone in
            (0..<650).map { Seed.Record(name: "static-\($0).\(zone)", type: "A", values: ["198.51.100.\($0 % 250)"]) }
        }
        let ingresses = RecordedIngresses(items: (0..<40).map { harness.ingress("app-\($0)", hosts: ["app-\($0)"], ip: "203.0.113.\($0)") })
        let first = try await harness.syncer(ingresses: ingresses).sync(dryRun: false)
        // 650 + NS + SOA = 652 record sets: three pages.
        #expect(first.listRequests == 3 && harness.counter.count(.listResourceRecordSets) == 3)
        #expect(first.plan.changes.count == 80 && first.plan.conflicts.isEmpty)

        harness.counter.reset()
        let second = try await harness.syncer(ingresses: ingresses).sync(dryRun: true)
        // 732 record sets now: still ⌈732 / 300⌉ = 3 pages, nothing to change, nothing foreign touched.
        #expect(second.plan.isEmpty && second.listRequests == 3 && harness.counter.count(.listResourceRecordSets) == 3)
        let records = try await harness.records()
        #expect(records.count == 732 && records.filter { $0.name.hasPrefix("static-") }.count == 650)
    }

    @Test func a2500RecordInitialSyncUsesTheMinimumOfChangeCalls() async throws {
        let harness = try await DNSHarness.make("initial")
        let ingresses = RecordedIngresses(items: (0..<1250).map {
            harness.ingress("h\($0)", hosts: ["host-\($0)"], ip: "10.\($0 / 250).\($0 % 250).7")
        })
        let result = try await harness.syncer(ingresses: ingresses).sync(dryRun: false)
        let minimum = BatchLimits.route53.minimumRequests(for: result.plan.changes)
        let made = harness.counter.count(.changeResourceRecordSets)
        #expect(result.plan.changes.count == 2500 && result.report?.applied.count == 2500)
        #expect(made == result.report?.changeRequests && made <= minimum + 1)
        #expect(try await harness.records().count == 2502)
    }
}

import Logging
import RanchhandClients
import Testing
@testable import RanchhandHandlers

@Suite("DNS apply: batching and bisection")
struct ApplyTests {
    static func hosts(_ count: Int, from start: Int = 0) -> [DNSEndpoint] {
        (start..<(start + count)).map { index in
            Zone.endpoint("host-\(index).example.com", ["10.\(index / 65536 % 256).\(index / 256 % 256).\(index % 256)"], resource: "ingress/bench/h\(index)")
        }
    }

    func executor(_ route53: StrictRoute53) -> RecordPlanExecutor {
        RecordPlanExecutor(route53: route53, zone: "ZTEST", logger: Logger(label: "test"))
    }

    @Test func aRecordAndItsTXTAreNeverSplitAndBatchesAreMinimal() {
        let plan = Zone.plan([], Self.hosts(2500))
        let packed = ChangeBatcher.batches(plan.changes)
        // 5,000 values and ~470,000 characters: the character limit decides.
        let minimum = BatchLimits.route53.minimumRequests(for: plan.changes)
        #expect(packed.batches.count <= minimum + 1)
        #expect(packed.oversized.isEmpty)
        for batch in packed.batches {
            let weight = batch.reduce(BatchWeight()) { $0 + $1.weight }
            #expect(weight.records <= 1000 && weight.characters <= 32_000)
            for group in batch { #expect(group.changes.count == 2 && Set(group.changes.map(\.recordSet.type)) == [.a, .txt]) }
        }
        #expect(packed.batches.flatMap { $0 }.count == 2500)
    }

    @Test func upsertsCountTwice() {
        let change = PlannedChange(action: .upsert, recordSet: Zone.a("x.example.com.", ["10.0.0.1", "10.0.0.2"]), resource: "nodes/g",
                                   group: RecordKey(name: "x.example.com."), operation: .update, isOwnership: false, recordType: .a)
        #expect(BatchWeight(change).records == 4 && BatchWeight(change).characters == 32)
        let limits = BatchLimits(maximumRecords: 3)
        let packed = ChangeBatcher.batches([change], limits: limits)
        #expect(packed.batches.isEmpty && packed.oversized.count == 1)
    }

    @Test func aBadRecordNamedByRoute53IsSetAsideWithoutBisecting() async {
        let route53 = StrictRoute53()
        await route53.poison("host-17.example.com", namingIt: true)
        let report = await executor(route53).apply(Zone.plan([], Self.hosts(40)))
        #expect(report.rejected.map(\.group.key.name) == ["host-17.example.com."])
        #expect(report.changeRequests == 2)
        #expect(report.applied.count == 78 && report.error == nil)
        #expect(await route53.records.count == 78)
    }

    @Test func aBadRecordRoute53DoesNotNameIsFoundByBisection() async {
        let route53 = StrictRoute53()
        await route53.poison("host-5.example.com", namingIt: false)
        let report = await executor(route53).apply(Zone.plan([], Self.hosts(32)))
        #expect(report.rejected.map(\.group.key.name) == ["host-5.example.com."])
        #expect(report.rejected.first?.message == "RDATA character limit of 32000 exceeded.")
        #expect(await route53.records.count == 62)
        // One failed request, then two per level down to the single group: 1 + 2 × log2(32).
        #expect(report.changeRequests == 11)
    }

    @Test func throttlingPastThePolicyStopsTheApplyForARetry() async {
        let route53 = StrictRoute53()
        await route53.fail(with: ClientError(.service, service: "route53", operation: "ChangeResourceRecordSets", statusCode: 400,
                                             code: "Throttling", message: "Rate exceeded"))
        let report = await executor(route53).apply(Zone.plan([], Self.hosts(700)))
        #expect(report.error?.code == "Throttling" && report.changeRequests == 1 && report.applied.isEmpty && report.rejected.isEmpty)
    }

    @Test func applyingTheSamePlanAfterARelistChangesNothing() async {
        let route53 = StrictRoute53()
        _ = await executor(route53).apply(Zone.plan([], Self.hosts(5)))
        let again = Zone.plan(try! await route53.listResourceRecordSets("ZTEST", pageSize: 300), Self.hosts(5))
        #expect(again.isEmpty)
    }

    @Test func messagesNameWholeNamesOnly() {
        #expect(RecordPlanExecutor.message("[name='app.example.com.', type='A']", names: "app.example.com."))
        #expect(RecordPlanExecutor.message("Tried to create resource record set App.Example.com. type A, but it already exists", names: "app.example.com"))
        #expect(RecordPlanExecutor.message("RRSet with DNS name app.example.com is not permitted", names: "app.example.com."))
        #expect(!RecordPlanExecutor.message("[name='www.app.example.com.']", names: "app.example.com."))
        #expect(!RecordPlanExecutor.message("[name='a-app.example.com.']", names: "app.example.com."))
        #expect(!RecordPlanExecutor.message("[name='app.example.com.au.']", names: "app.example.com."))
    }
}

import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandLambda
import Testing
@testable import RanchhandHandlers

/// A Lambda batch of ten records through the batch processor: one zone read and one sync for all
/// of them, every terminating instance left out at once, the rest acknowledged.
@Suite("DNS: one sync per batch")
struct DNSBatchTests {
    static let group = SyncAndTriggerTests.group
    let context = HandlingContext(deadline: Date().addingTimeInterval(60), logger: Logger(label: "test"))

    func record(_ payload: EventPayload, _ id: Int) -> EventRecord {
        EventRecord(envelopes: [.lambdaSQS], sqsMessage: SQSMessageReference(messageID: SQSMessageID("m-\(id)"), receiptHandle: nil),
                    outcome: .success(payload))
    }

    func terminating(_ instance: String, group: AutoScalingGroupName = DNSBatchTests.group) -> EventPayload {
        .lifecycleAction(LifecycleActionNotification(transition: .terminating, hookName: "drain", groupName: group, instanceID: InstanceID(instance), token: "t"))
    }

    @Test func tenRecordsAreOneZoneReadAndOneSync() async throws {
        let nodes = (1...8).map { NodeInstance(instanceID: InstanceID("i-0\($0)"), privateIPv4: "10.0.1.\($0)", publicIPv4: nil) }
        let route53 = StrictRoute53(SyncAndTriggerTests.apex)
        let syncs = Counter()
        let handler = DNSRecordHandler(syncer: DNSSyncer(configuration: DNSSyncConfiguration(zone: "ZTEST", owner: "prod", policy: .sync,
                                                                                            nodePool: SyncAndTriggerTests.pool),
                                                         sources: FixedSources(instances: nodes), route53: route53, logger: Logger(label: "test")),
                                       report: { _ in syncs.add() })
        var payloads: [EventPayload] = ["i-01", "i-02", "i-03", "i-04", "i-05"].map { terminating($0) }
        payloads += [.instanceActivity(InstanceActivity(kind: .launchSuccessful, instanceID: "i-08", groupName: Self.group)),
                     .scheduled(ScheduledEvent()), .scheduled(ScheduledEvent())]
        payloads += [terminating("i-99", group: "other"), .testNotification(TestNotification())]
        let report = await BatchProcessor(handler: handler).process(payloads.enumerated().map { record($1, $0) }, context: context)

        #expect(await route53.listCalls == 1)
        #expect(syncs.value == 1)
        let left = await route53.records.values.filter { $0.type == .a }.compactMap(\.setIdentifier).sorted()
        #expect(left == ["i-06", "i-07", "i-08"])
        let outcomes = report.results.map(\.outcome)
        #expect(outcomes.prefix(8).allSatisfy { if case .done(let why) = $0 { why.hasPrefix("8 events (instance i-01 terminating;") } else { false } },
                "\(outcomes)")
        #expect(outcomes.suffix(2).allSatisfy { if case .ignored = $0 { true } else { false } })
        #expect(report.messagesToKeep.isEmpty)
    }

    @Test func aBatchOfOnlyIgnoredRecordsReadsNothing() async {
        let route53 = StrictRoute53(SyncAndTriggerTests.apex)
        let handler = DNSRecordHandler(syncer: DNSSyncer(configuration: DNSSyncConfiguration(zone: "ZTEST", owner: "prod", policy: .sync,
                                                                                            nodePool: SyncAndTriggerTests.pool),
                                                         sources: FixedSources(instances: []), route53: route53, logger: Logger(label: "test")))
        let report = await BatchProcessor(handler: handler).process([record(terminating("i-99", group: "other"), 0), record(.testNotification(TestNotification()), 1)],
                                                                    context: context)
        #expect(await route53.listCalls == 0)
        #expect(report.results.allSatisfy { if case .ignored = $0.outcome { true } else { false } })
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

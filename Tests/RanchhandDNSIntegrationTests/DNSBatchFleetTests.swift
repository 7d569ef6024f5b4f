import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda
import RanchhandTestSupport
import Testing
import Yams

/// A full Lambda batch of terminations, as the stack delivers it (its batch size read from
/// infra/handlers.yaml, never re-typed), through the batch processor against moto's Route53 and
/// Auto Scaling: one zone read and one change request for the whole batch, every leaving instance
/// out of the pool at once, and every hook still waiting for the scale-in handler.
@Suite struct DNSBatchFleetTests {
    @Test func aFullBatchOfTerminationsIsOneZoneReadAndOneChange() async throws {
        let batch = try Self.deployedBatchSize()
        let harness = try await DNSHarness.make("batch")
        let group = try await harness.seed.group(MotoServer.uniqueName("dns-batch"), desired: 2 * batch, hook: Seed.Hook(name: "drain"))
        let syncer = harness.syncer(group: group.group)
        _ = try await syncer.sync(dryRun: false)
        let leaving = Array(group.instanceIds.prefix(batch))
        for instance in leaving { try await harness.seed.terminate(instance) }

        let records = leaving.enumerated().map { index, instance in
            EventRecord(envelopes: [.lambdaSQS], sqsMessage: SQSMessageReference(messageID: SQSMessageID("m-\(index)")),
                        outcome: .success(.lifecycleAction(LifecycleActionNotification(
                            transition: .terminating, hookName: "drain", groupName: AutoScalingGroupName(group.group),
                            instanceID: InstanceID(instance), token: LifecycleActionToken("t-\(index)")))))
        }
        harness.counter.reset()
        let report = await BatchProcessor(handler: DNSRecordHandler(syncer: syncer))
            .process(records, context: HandlingContext(deadline: Date().addingTimeInterval(60), logger: Logger(label: "test.dns")))

        #expect(report.messagesToKeep.isEmpty, "\(report.results.map(\.outcome))")
        #expect(harness.counter.count(.listResourceRecordSets) == 1)
        #expect(harness.counter.count(.describeAutoScalingGroups) == 1)
        #expect(harness.counter.count(.changeResourceRecordSets) == 1)
        let nodes = try await harness.records().filter { $0.name == "nodes.\(harness.zoneName)." && $0.type == "A" }
        #expect(Set(nodes.compactMap(\.setIdentifier)) == Set(group.instanceIds.dropFirst(batch)))
        let states = try await harness.seed.groupStates(group.group)
        #expect(leaving.allSatisfy { states[$0] == "Terminating:Wait" })
    }

    /// The `poll` path (moto's SQS, fed by the terminate hooks' own notifications): a receive of
    /// as many terminations as a Lambda batch is one zone sync too, not one per message, and every
    /// message is deleted once the records are out.
    @Test func thePollerSyncsOncePerReceiveNotOncePerMessage() async throws {
        let batch = try Self.deployedBatchSize()
        let harness = try await DNSHarness.make("pollbatch")
        let group = try await harness.seed.group(MotoServer.uniqueName("dns-poll"), desired: 2 * batch, hook: Seed.Hook(name: "drain"), queue: true)
        let queue = try #require(group.queueUrl)
        let syncer = harness.syncer(group: group.group)
        _ = try await syncer.sync(dryRun: false)
        let leaving = Array(group.instanceIds.prefix(batch))
        for instance in leaving { try await harness.seed.terminate(instance) }
        var visible = 0
        for _ in 0..<50 where visible < batch {
            visible = try await harness.seed.queueCounts(queue).visible
            if visible < batch { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(visible == batch, "moto's lifecycle extension notifies the hook's queue once per termination")

        harness.counter.reset()
        let poller = SQSPoller(sqs: LiveSQSClient(sender: harness.sender), processor: BatchProcessor(handler: DNSRecordHandler(syncer: syncer)),
                               settings: SQSPoller.Settings(queue: SQSQueueURL(queue), concurrency: 4, visibilityTimeoutSeconds: 30, waitTimeSeconds: 1),
                               logger: Logger(label: "test.dns.poll"))
        let giveUp = ContinuousClock.now + .seconds(60)
        let handled = await poller.run(shouldStop: {
            let counts = try? await harness.seed.queueCounts(queue)
            return counts == Seed.QueueCounts(visible: 0, inFlight: 0) || ContinuousClock.now > giveUp
        })
        #expect(handled == batch)
        #expect(harness.counter.count(.receiveMessage) >= 1)
        #expect(harness.counter.count(.listResourceRecordSets) == 1, "one zone read for the receive")
        #expect(harness.counter.count(.changeResourceRecordSets) == 1)
        #expect(harness.counter.count(.deleteMessage) == batch)
        let nodes = try await harness.records().filter { $0.name == "nodes.\(harness.zoneName)." && $0.type == "A" }
        #expect(Set(nodes.compactMap(\.setIdentifier)) == Set(group.instanceIds.dropFirst(batch)))
    }

    /// `DnsEventSourceMapping.BatchSize` in infra/handlers.yaml.
    static func deployedBatchSize() throws -> Int {
        let text = try String(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent("infra/handlers.yaml"), encoding: .utf8)
        let size = try Yams.compose(yaml: text)?.mapping?["Resources"]?.mapping?["DnsEventSourceMapping"]?.mapping?["Properties"]?.mapping?["BatchSize"]?.int
        return try #require(size, "infra/handlers.yaml has no DnsEventSourceMapping BatchSize")
    }
}

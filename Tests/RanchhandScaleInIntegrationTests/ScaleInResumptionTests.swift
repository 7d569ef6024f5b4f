import Foundation
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// A drain longer than one Lambda invocation: the first delivery runs out of time mid-drain and
/// hands the record back (a batch item failure), heart-beating the hook meanwhile; the redelivery
/// resumes from the state of the world and finishes. Logged at trace level throughout, and no
/// secret may appear in the log.
@Suite struct ScaleInResumptionTests {
    @Test func drainOutlastingAnInvocationFinishesOnRedeliveryWithoutLeakingSecrets() async throws {
        let store = RecordingLogHandler.Store()
        let harness = try await ScaleInHarness.start(drainDuration: .seconds(4), logger: store.logger("test.scale-in"))
        defer { Task { await harness.sandbox.stop() } }
        let group = try await harness.seed.group("resume-\(UUID().uuidString.prefix(8))", desired: 2,
                                                 hook: Seed.Hook(name: "ranchhand-scale-in", heartbeatTimeout: 60), queue: true)
        let workers = await harness.addNodes(group.instanceIds, roles: .worker, prefix: "worker")
        _ = await harness.addNodes(["i-0cp0000000000009"], roles: .all, prefix: "cp")
        try await harness.seed.terminate(group.instanceIds[0])
        let queue = SQSQueueURL(try #require(group.queueUrl))
        let received = try await LiveSQSClient(sender: harness.aws).receiveMessages(
            ReceiveMessagesRequest(queue: queue, maximumMessages: 1, waitTimeSeconds: 5))
        let message = try #require(received.first)
        let record = EventDecoder.decode(sqsMessageBody: message.body, messageID: message.messageID, receiptHandle: message.receiptHandle)
        let handler = harness.handler()

        // First invocation: 1.5 s left, the drain needs 4 s.
        let first = await handler.handle(record, context: HandlingContext(deadline: Date().addingTimeInterval(1.5), logger: harness.logger))
        guard case .retry(let why) = first else { Issue.record("expected a retry, got \(first)"); return }
        #expect(why.contains("drain"))
        #expect(await harness.sandbox.world.node(workers[0]) != nil, "nothing may be deleted before the drain finished")
        #expect(try await harness.seed.groupStates(group.group)[group.instanceIds[0]] == "Terminating:Wait")

        // Redelivery: enough time; the drain already running is not started again.
        let second = await handler.handle(record, context: HandlingContext(deadline: Date().addingTimeInterval(60), logger: harness.logger))
        #expect(second == .done("completed CONTINUE"))
        #expect(await harness.sandbox.world.node(workers[0]) == nil)
        let drains = await harness.sandbox.requests().filter { request in request.query.contains { $0.name == "action" && $0.value == "drain" } }
        #expect(drains.count == 1, "the redelivery must resume the running drain, not start a second one")
        #expect(store.text.contains("heartbeat sent"), "the hook must be heart-beaten while the drain runs")

        let secret = String(harness.sandbox.apiToken.split(separator: ":").last ?? "")
        #expect(!secret.isEmpty)
        #expect(!store.text.contains(secret), "the Rancher API token's secret appeared in the log")
    }
}

import Foundation
import RanchhandClients
import RanchhandEvents
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// `ranchhand-scale-in` as a Lambda custom runtime under the real Runtime Interface Emulator (the
/// `aws-lambda-rie` binary shipped in the aws-sam-cli wheel), invoked with an SQS batch built from
/// the message moto's lifecycle hook actually sent.
@Suite struct LambdaEmulatorTests {
    @Test func sqsBatchIsHandledAndOnlyTheBadRecordIsReportedAsFailed() async throws {
        let harness = try await ScaleInHarness.start()
        defer { Task { await harness.sandbox.stop() } }
        let group = try await harness.seed.group("rie-\(UUID().uuidString.prefix(8))", desired: 2,
                                                 hook: Seed.Hook(name: "ranchhand-scale-in", heartbeatTimeout: 120), queue: true)
        let workers = await harness.addNodes(group.instanceIds, roles: .worker, prefix: "worker")
        _ = await harness.addNodes(["i-0cp0000000000001"], roles: .all, prefix: "cp")
        try await harness.seed.terminate(group.instanceIds[0])
        let queue = SQSQueueURL(try #require(group.queueUrl))
        let received = try await LiveSQSClient(sender: harness.aws).receiveMessages(
            ReceiveMessagesRequest(queue: queue, maximumMessages: 1, waitTimeSeconds: 5))
        let message = try #require(received.first, "the hook sent no notification")

        let emulator = try await RuntimeInterfaceEmulator.start(handler: debugScaleInBinary(), environment: [
            "AWS_ENDPOINT_URL": try await MotoServer.shared.endpoints().moto, "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true",
            "RANCHER_URL": harness.sandbox.httpURL!, "RANCHER_TOKEN": harness.sandbox.apiToken,
            "RANCHHAND_CLUSTER": harness.cluster.rawValue, "AWS_LAMBDA_FUNCTION_TIMEOUT": "120",
        ])
        defer { emulator.stop() }
        let batch = SQSBatch.records([
            (message.messageID.rawValue, message.receiptHandle.rawValue, message.body),
            ("m-malformed", "rh-malformed", #"{"LifecycleTransition":"x","EC2InstanceId":"i-1"}"#),
        ])
        let response = try await emulator.invoke(batch)

        #expect(response == #"{"batchItemFailures":[{"itemIdentifier":"m-malformed"}]}"#)
        #expect(await harness.sandbox.world.node(workers[0]) == nil)
        #expect(await harness.sandbox.world.node(workers[1]) != nil)
        #expect(try await harness.seed.ec2States([group.instanceIds[0]])[group.instanceIds[0]] == "terminated")
    }
}

/// The debug `ranchhand-scale-in` next to the test bundle (the packaged release binary is tested in
/// RanchhandLambdaIntegrationTests).
func debugScaleInBinary() -> String {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ranchhand-scale-in")
    return FileManager.default.fileExists(atPath: beside.path) ? beside.path
        : ChildProcess.repositoryRoot.appendingPathComponent(".build/debug/ranchhand-scale-in").path
}

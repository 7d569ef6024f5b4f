import Foundation
#if canImport(Glibc)
import Glibc
#endif
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

        let emulator = try await RuntimeInterfaceEmulator.start(environment: [
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

/// The real emulator around the debug `ranchhand-scale-in` binary, bound to loopback.
final class RuntimeInterfaceEmulator: @unchecked Sendable {
    let process: Process
    let url: String

    static func start(environment: [String: String]) async throws -> RuntimeInterfaceEmulator {
        let root = ChildProcess.repositoryRoot
        let rie = root.appendingPathComponent(".build-testenv/aws-lambda-rie").path
        let fetch = Process()
        fetch.executableURL = root.appendingPathComponent("scripts/testenv/fetch-rie.sh")
        fetch.arguments = [rie]
        fetch.standardOutput = FileHandle.nullDevice
        try fetch.run()
        fetch.waitUntilExit()
        guard fetch.terminationStatus == 0 else { throw ChildProcess.Failure(description: "could not fetch aws-lambda-rie") }
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ranchhand-scale-in")
        let handler = FileManager.default.fileExists(atPath: binary.path) ? binary.path : root.appendingPathComponent(".build/debug/ranchhand-scale-in").path
        let port = try freeLoopbackPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: rie)
        process.arguments = ["--runtime-interface-emulator-address", "127.0.0.1:\(port)", handler]
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { current, _ in current }
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let emulator = RuntimeInterfaceEmulator(process: process, url: "http://127.0.0.1:\(port)")
        // Ready when it answers; an emulator that exited (a port taken meanwhile) fails at once, with its output.
        for _ in 0..<300 where (try? await emulator.post("/2015-03-31/functions/function/invocations", body: "ping", timeout: .seconds(2))) == nil {
            guard process.isRunning else {
                let output = String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
                throw ChildProcess.Failure(description: "aws-lambda-rie exited (status \(process.terminationStatus)): \(output.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return emulator
    }

    private init(process: Process, url: String) {
        self.process = process
        self.url = url
    }

    func invoke(_ body: String) async throws -> String {
        try await post("/2015-03-31/functions/function/invocations", body: body, timeout: .seconds(120))
    }

    private func post(_ path: String, body: String, timeout: Duration) async throws -> String {
        let response = try await AWSTestContext.transport.send(
            HTTPRequest(method: "POST", url: url + path, headers: [.init("Content-Type", "application/json")], body: Array(body.utf8), timeout: timeout),
            service: "rie", operation: "invoke")
        return String(decoding: response.body, as: UTF8.self)
    }

    func stop() {
        if process.isRunning { process.terminate() }
    }
}

enum SQSBatch {
    static func records(_ messages: [(id: String, receiptHandle: String, body: String)]) -> String {
        let records = messages.map { message in
            #"{"messageId":\#(quoted(message.id)),"receiptHandle":\#(quoted(message.receiptHandle)),"body":\#(quoted(message.body)),"#
                + #""attributes":{"ApproximateReceiveCount":"1"},"messageAttributes":{},"eventSource":"aws:sqs","#
                + #""eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:scale-in","awsRegion":"us-east-1"}"#
        }
        return #"{"Records":[\#(records.joined(separator: ","))]}"#
    }

    static func quoted(_ text: String) -> String {
        JSONText.quoted(text)
    }
}

/// A port nothing listens on: bound once by the kernel's choice (outside any fixed range that could
/// collide with ephemeral client ports), then released for the emulator.
func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw ChildProcess.Failure(description: "socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
    }
    guard bound else { throw ChildProcess.Failure(description: "could not bind a loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

import Foundation
import RanchhandClients
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// The zips `scripts/package` builds — what is uploaded and deployed — unpacked, their `bootstrap` run
/// under the real Runtime Interface Emulator, configured only through SSM (moto) as the stack
/// configures it, and invoked with SQS batches.
///
/// `scripts/test` packages the release binaries once and passes the directory in
/// RANCHHAND_LAMBDA_PACKAGES; there a missing zip fails the test. Run ad hoc without the variable,
/// the suite is skipped (a release build takes minutes).
@Suite("Packaged Lambda zips under the RIE", .serialized,
       .enabled(if: LambdaPackages.directory != nil,
                "RANCHHAND_LAMBDA_PACKAGES is not set: run scripts/test, or scripts/package --output DIR ranchhand-scale-in ranchhand-dns ranchhand-capacity and set RANCHHAND_LAMBDA_PACKAGES=DIR"))
struct PackagedBootstrapTests {
    @Test func scaleInZipDrainsTheTerminatingNodeAndReportsOnlyTheBadRecord() async throws {
        let bootstrap = try LambdaPackages.unpack("ranchhand-scale-in")
        defer { try? FileManager.default.removeItem(at: bootstrap.deletingLastPathComponent()) }
        let world = try await LambdaWorld.start()
        defer { Task { await world.sandbox.stop() } }
        let group = try await world.seed.group("pkg-\(UUID().uuidString.prefix(8))", desired: 2,
                                               hook: Seed.Hook(name: "ranchhand-scale-in", heartbeatTimeout: 120), queue: true)
        let workers = await world.addNodes(group.instanceIds, roles: .worker, prefix: "worker")
        _ = await world.addNodes(["i-0cp00000000000b1"], roles: .all, prefix: "cp")
        try await world.store(tool: "scale-in", options: try TemplateOptions.rendered("ScaleInOptionsParameter", [
            "RancherUrl": world.sandbox.httpsURL!, "RancherClusterId": world.cluster.rawValue,
            "ScaleInExtraOptions": "--ca-checksum \(world.sandbox.certificateAuthority.caChecksum) --heartbeat-interval 10",
        ]))
        try await world.seed.terminate(group.instanceIds[0])
        let received = try await LiveSQSClient(sender: try await AWSTestContext.motoSender()).receiveMessages(
            ReceiveMessagesRequest(queue: SQSQueueURL(try #require(group.queueUrl)), maximumMessages: 1, waitTimeSeconds: 5))
        let message = try #require(received.first, "the hook sent no notification")

        let emulator = try await RuntimeInterfaceEmulator.start(handler: bootstrap.path, environment: try await world.functionEnvironment(tool: "scale-in"))
        defer { emulator.stop() }
        let response = try await emulator.invoke(SQSBatch.records([
            (message.messageID.rawValue, message.receiptHandle.rawValue, message.body),
            ("m-malformed", "rh-malformed", #"{"LifecycleTransition":"x","EC2InstanceId":"i-1"}"#),
        ]))

        #expect(response == #"{"batchItemFailures":[{"itemIdentifier":"m-malformed"}]}"#, "\(emulator.output().suffix(3000))")
        #expect(await world.sandbox.world.node(workers[0]) == nil)
        #expect(await world.sandbox.world.node(workers[1]) != nil)
        #expect(try await world.seed.ec2States([group.instanceIds[0]])[group.instanceIds[0]] == "terminated")
        #expect(!emulator.output().contains(world.token.secret))
    }

    @Test func dnsZipAcknowledgesARecordedBatchThenSyncsOnASchedule() async throws {
        let bootstrap = try LambdaPackages.unpack("ranchhand-dns")
        defer { try? FileManager.default.removeItem(at: bootstrap.deletingLastPathComponent()) }
        let world = try await LambdaWorld.start()
        defer { Task { await world.sandbox.stop() } }
        let zoneName = MotoServer.uniqueName("pkg") + ".test"
        let zoneID = try await world.seed.zone(zoneName)
        await world.sandbox.world.putIngress(SandboxIngress(namespace: "shop", name: "api", hosts: ["api.\(zoneName)"], loadBalancerIPs: ["203.0.113.9"]),
                                             in: world.cluster)
        let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("rancher-ca-\(UUID().uuidString).pem")
        try world.sandbox.certificateAuthority.caPEM.write(to: caFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: caFile) }
        try await world.store(tool: "dns", options: try TemplateOptions.rendered("DnsOptionsParameter", [
            "HostedZoneId": zoneID, "DnsOwnerId": "ranchhand-pkg", "DnsPolicy": "sync", "RancherUrl": world.sandbox.httpsURL!,
            "RancherClusterId": world.cluster.rawValue, "DnsExtraOptions": "--rancher-ca-file '\(caFile.path)'",
        ]))

        let emulator = try await RuntimeInterfaceEmulator.start(handler: bootstrap.path, environment: try await world.functionEnvironment(tool: "dns"))
        defer { emulator.stop() }
        // Ten recorded records of every delivery path — terminations and a launch of a group that is not
        // this function's node pool, test notifications: all acknowledged, none changes DNS.
        let batch = try String(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent("events/batches/lambda-sqs-10-records.json"), encoding: .utf8)
        let first = try await emulator.invoke(batch)
        #expect(first == #"{"batchItemFailures":[]}"#, "\(emulator.output().suffix(3000))")
        #expect(try await world.seed.records(zoneID: zoneID).allSatisfy { $0.type == "NS" || $0.type == "SOA" })

        // The same running function, next invocation: the recorded scheduled event reconciles the zone.
        let scheduled = try String(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent("events/aws.events/scheduled/eventbridge.json"),
                                   encoding: .utf8)
        let second = try await emulator.invoke(SQSBatch.records([("m-scheduled", "rh-scheduled", scheduled)]))
        #expect(second == #"{"batchItemFailures":[]}"#, "\(emulator.output().suffix(3000))")
        let records = try await world.seed.records(zoneID: zoneID)
        #expect(records.first { $0.name == "api.\(zoneName)." && $0.type == "A" }?.values == ["203.0.113.9"], "\(records)")
        #expect(records.first { $0.name == "a-api.\(zoneName)." && $0.type == "TXT" }?.values
            == ["\"heritage=external-dns,external-dns/owner=ranchhand-pkg,external-dns/resource=ingress/shop/api\""])
        #expect(!emulator.output().contains(world.token.secret))
    }

    @Test func capacityZipRunsItsScalersOnAScheduledEvent() async throws {
        let bootstrap = try LambdaPackages.unpack("ranchhand-capacity")
        defer { try? FileManager.default.removeItem(at: bootstrap.deletingLastPathComponent()) }
        try await CapacityLambdaScenario.run(handler: bootstrap.path)
    }
}

/// The zips in RANCHHAND_LAMBDA_PACKAGES.
enum LambdaPackages {
    static let variable = "RANCHHAND_LAMBDA_PACKAGES"

    static var directory: URL? {
        ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
    }

    struct Problem: Error, CustomStringConvertible { let description: String }

    /// Checks `<product>.zip` is what Lambda expects — one member, `bootstrap`, mode 0755 — and
    /// unpacks it into a fresh directory; returns the executable's URL.
    static func unpack(_ product: String) throws -> URL {
        guard let directory else { throw Problem(description: "\(variable) is not set") }
        let zip = directory.appendingPathComponent("\(product).zip")
        guard FileManager.default.fileExists(atPath: zip.path) else {
            throw Problem(description: "no \(zip.path): scripts/test runs scripts/package before swift test; did it build \(product)?")
        }
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("lambda-\(product)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        let script = """
            import sys, zipfile, stat, os
            archive, destination = sys.argv[1:]
            with zipfile.ZipFile(archive) as zf:
                members = zf.infolist()
                names = [m.filename for m in members]
                if names != ["bootstrap"]:
                    sys.exit(f"members {names}, expected exactly ['bootstrap']")
                mode = members[0].external_attr >> 16
                if not stat.S_ISREG(mode) or stat.S_IMODE(mode) != 0o755:
                    sys.exit(f"bootstrap has mode {oct(mode)}, expected a regular file with 0755")
                path = zf.extract(members[0], destination)
                os.chmod(path, stat.S_IMODE(mode))
            """
        let result = try runSynchronously(["python3", "-c", script, zip.path, destination.path])
        guard result.status == 0 else { throw Problem(description: "\(zip.path): \(result.output)") }
        let bootstrap = destination.appendingPathComponent("bootstrap")
        // A --static-swift-stdlib build: no Swift runtime library to find on provided.al2023.
        let libraries = try runSynchronously(["ldd", bootstrap.path])
        guard !libraries.output.contains("libswift"), !libraries.output.contains("libFoundation") else {
            throw Problem(description: "\(zip.path)'s bootstrap links the Swift runtime dynamically:\n\(libraries.output)")
        }
        return bootstrap
    }

    private static func runSynchronously(_ argv: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

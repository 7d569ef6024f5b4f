import Foundation
import RanchhandClients
import RanchhandHTTP
import RanchhandLambda
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// The scale-in and DNS functions as infra/handlers.yaml deploys them: the environment holds only
/// `RANCHHAND_SSM_PREFIX` (and what Lambda itself sets), the options parameter holds exactly what the
/// template renders, the Rancher token is a SecureString — all in moto's SSM. Each function runs
/// under the real Runtime Interface Emulator and must do its job against the sandbox's Rancher over
/// HTTPS (so the URL, cluster, CA pin and token really came from SSM), without the token in its logs.
@Suite("Lambda configuration from SSM (moto, RIE)", .serialized)
struct ParameterStoreLambdaTests {
    @Test func scaleInTakesItsOptionsAndTokenFromSSM() async throws {
        let world = try await LambdaWorld.start()
        defer { Task { await world.sandbox.stop() } }
        let group = try await world.seed.group("ssm-\(UUID().uuidString.prefix(8))", desired: 2,
                                               hook: Seed.Hook(name: "ranchhand-scale-in", heartbeatTimeout: 120), queue: true)
        let workers = await world.addNodes(group.instanceIds, roles: .worker, prefix: "worker")
        _ = await world.addNodes(["i-0cp00000000000a1"], roles: .all, prefix: "cp")
        let options = try TemplateOptions.rendered("ScaleInOptionsParameter", [
            "RancherUrl": world.sandbox.httpsURL!, "RancherClusterId": world.cluster.rawValue,
            "ScaleInExtraOptions": "--ca-checksum \(world.sandbox.certificateAuthority.caChecksum) --log-level trace --heartbeat-interval 10",
        ])
        try await world.store(tool: "scale-in", options: options)

        try await world.seed.terminate(group.instanceIds[0])
        let received = try await LiveSQSClient(sender: try await AWSTestContext.motoSender()).receiveMessages(
            ReceiveMessagesRequest(queue: SQSQueueURL(try #require(group.queueUrl)), maximumMessages: 1, waitTimeSeconds: 5))
        let message = try #require(received.first, "the hook sent no notification")

        let emulator = try await RuntimeInterfaceEmulator.start(handler: LambdaBinaries.debug("ranchhand-scale-in"),
                                                                environment: try await world.functionEnvironment(tool: "scale-in"))
        defer { emulator.stop() }
        let response = try await emulator.invoke(SQSBatch.records([(message.messageID.rawValue, message.receiptHandle.rawValue, message.body)]))

        #expect(response == #"{"batchItemFailures":[]}"#, "\(emulator.output().suffix(3000))")
        #expect(await world.sandbox.world.node(workers[0]) == nil, "the terminating worker's node is deleted from Rancher")
        #expect(await world.sandbox.world.node(workers[1]) != nil)
        #expect(try await world.seed.ec2States([group.instanceIds[0]])[group.instanceIds[0]] == "terminated")
        world.expectLogsWithoutToken(emulator.output(), prefix: "/ranchhand/\(world.clusterName)/scale-in/", verboseLine: #""level":"debug""#)
    }

    @Test func dnsTakesItsOptionsAndTokenFromSSM() async throws {
        let world = try await LambdaWorld.start()
        defer { Task { await world.sandbox.stop() } }
        let zoneName = MotoServer.uniqueName("ssm") + ".test"
        let zoneID = try await world.seed.zone(zoneName)
        await world.sandbox.world.putIngress(SandboxIngress(namespace: "shop", name: "web", hosts: ["web.\(zoneName)"], loadBalancerIPs: ["203.0.113.7"]),
                                             in: world.cluster)
        let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("rancher-ca-\(UUID().uuidString).pem")
        try world.sandbox.certificateAuthority.caPEM.write(to: caFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: caFile) }
        let options = try TemplateOptions.rendered("DnsOptionsParameter", [
            "HostedZoneId": zoneID, "DnsOwnerId": "ranchhand-ssm", "DnsPolicy": "sync", "RancherUrl": world.sandbox.httpsURL!,
            "RancherClusterId": world.cluster.rawValue, "DnsExtraOptions": "--rancher-ca-file '\(caFile.path)' --log-level trace",
        ])
        try await world.store(tool: "dns", options: options)

        let emulator = try await RuntimeInterfaceEmulator.start(handler: LambdaBinaries.debug("ranchhand-dns"),
                                                                environment: try await world.functionEnvironment(tool: "dns"))
        defer { emulator.stop() }
        let scheduled = try String(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent("events/aws.events/scheduled/eventbridge.json"),
                                   encoding: .utf8)
        let response = try await emulator.invoke(SQSBatch.records([("m-scheduled", "rh-scheduled", scheduled)]))

        #expect(response == #"{"batchItemFailures":[]}"#, "\(emulator.output().suffix(3000))")
        let records = try await world.seed.records(zoneID: zoneID)
        #expect(records.first { $0.name == "web.\(zoneName)." && $0.type == "A" }?.values == ["203.0.113.7"])
        #expect(records.first { $0.name == "a-web.\(zoneName)." && $0.type == "TXT" }?.values
            == ["\"heritage=external-dns,external-dns/owner=ranchhand-ssm,external-dns/resource=ingress/shop/web\""])
        world.expectLogsWithoutToken(emulator.output(), prefix: "/ranchhand/\(world.clusterName)/dns/", verboseLine: nil)
    }

    @Test func aMisspeltOptionIsAnInitErrorWithTheParsersMessage() async throws {
        let world = try await LambdaWorld.start()
        defer { Task { await world.sandbox.stop() } }
        let options = try TemplateOptions.rendered("ScaleInOptionsParameter", [
            "RancherUrl": world.sandbox.httpsURL!, "RancherClusterId": world.cluster.rawValue, "ScaleInExtraOptions": "--drain-timout 900",
        ])
        try await world.store(tool: "scale-in", options: options)
        let emulator = try await RuntimeInterfaceEmulator.start(handler: LambdaBinaries.debug("ranchhand-scale-in"),
                                                                environment: try await world.functionEnvironment(tool: "scale-in"))
        defer { emulator.stop() }
        let response = try await emulator.invoke(SQSBatch.records([("m-1", "rh-1", "{}")]), timeout: .seconds(30))
        let output = emulator.output()
        // The emulator answers the invocation with the init error the function reported.
        let error = try InitError(response)
        #expect(error.errorType == "Ranchhand.InitializationFailed", "\(response)")
        #expect(error.errorMessage == "SSM parameter /ranchhand/\(world.clusterName)/scale-in/options (\"\(options)\"): "
                + "Unknown option '--drain-timout'. Did you mean '--drain-timeout'?", "\(output.suffix(2000))")
        #expect(!output.contains(world.token.secret) && !response.contains(world.token.secret))
    }

    @Test func aMissingTokenIsAnInitErrorNamingTheParameter() async throws {
        let world = try await LambdaWorld.start()
        defer { Task { await world.sandbox.stop() } }
        let options = try TemplateOptions.rendered("ScaleInOptionsParameter", ["RancherUrl": world.sandbox.httpsURL!, "RancherClusterId": world.cluster.rawValue])
        try await world.seed.parameters([Seed.Parameter(name: "/ranchhand/\(world.clusterName)/scale-in/options", value: options)])
        let emulator = try await RuntimeInterfaceEmulator.start(handler: LambdaBinaries.debug("ranchhand-scale-in"),
                                                                environment: try await world.functionEnvironment(tool: "scale-in"))
        defer { emulator.stop() }
        let response = try await emulator.invoke(SQSBatch.records([("m-1", "rh-1", "{}")]), timeout: .seconds(30))
        let output = emulator.output()
        let error = try InitError(response)
        #expect(error.errorType == "Ranchhand.InitializationFailed", "\(response) / \(output.suffix(2000))")
        #expect(error.errorMessage.hasPrefix("SSM parameter /ranchhand/\(world.clusterName)/scale-in/rancher-token not found"), "\(response)")
    }
}

/// The error document the emulator answers an invocation with when the function's init failed.
struct InitError: Decodable {
    let errorType: String
    let errorMessage: String
    init(_ response: String) throws { self = try JSONDecoder().decode(InitError.self, from: Data(response.utf8)) }
}

/// A sandbox Rancher over HTTPS with a token of its own, a cluster name that fits the template's
/// pattern, and moto for AWS.
struct LambdaWorld {
    struct Token {
        let id: String
        let secret: String
        var full: String { "\(id):\(secret)" }
    }

    let sandbox: Sandbox
    let cluster: RancherClusterID
    let clusterName: String
    let token: Token
    let seed: Seed

    static func start() async throws -> LambdaWorld {
        let token = Token(id: "token-\(UUID().uuidString.prefix(5).lowercased())",
                          secret: UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() + "q9z7x")
        var configuration = SandboxConfiguration()
        configuration.apiToken = token.full
        configuration.clock = .live(startDate: Date())
        configuration.behaviour.drainDuration = .milliseconds(600)
        configuration.behaviour.removalDuration = .milliseconds(400)
        let sandbox = try await Sandbox.start(configuration)
        let cluster = RancherClusterID("c-\(UUID().uuidString.prefix(5).lowercased())")
        _ = await sandbox.world.addCluster(id: cluster, name: "lambda-\(cluster)", distro: .rke1)
        let clusterName = "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        return LambdaWorld(sandbox: sandbox, cluster: cluster, clusterName: clusterName, token: token, seed: try await AWSTestContext.seed())
    }

    func addNodes(_ instances: [String], roles: SandboxRoles, prefix: String) async -> [RancherNodeID] {
        var ids: [RancherNodeID] = []
        for (index, instance) in instances.enumerated() {
            let spec = SandboxNodeSpec(name: "\(prefix)-\(index)", roles: roles, ipAddress: "10.2.\(prefix.count).\(index + 10)", instanceID: instance)
            ids.append(await sandbox.world.addNode(spec, to: cluster).id)
        }
        return ids
    }

    /// The two parameters, as the stack (options, a String) and the operator (the token, a SecureString) create them.
    /// Stores what the stack stores for `tool` — and, as the stack creates it, the deletion lease
    /// table the scale-in options name.
    func store(tool: String, options: String) async throws {
        let words = try CommandLineWords.split(options)
        if let flag = words.firstIndex(of: "--lease-table"), flag + 1 < words.count { try await seed.leaseTable(words[flag + 1]) }
        try await seed.parameters([
            Seed.Parameter(name: "/ranchhand/\(clusterName)/\(tool)/options", value: options),
            Seed.Parameter(name: "/ranchhand/\(clusterName)/\(tool)/rancher-token", type: "SecureString", value: token.full),
        ])
    }

    /// What Lambda gives the function (credentials, region, timeout) plus the template's one variable;
    /// AWS_ENDPOINT_URL aims the AWS calls at moto.
    func functionEnvironment(tool: String) async throws -> [String: String] {
        [
            "AWS_ENDPOINT_URL": try await MotoServer.shared.endpoints().moto, "AWS_REGION": AWSTestContext.region,
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing-session",
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_LAMBDA_FUNCTION_TIMEOUT": "120",
            "RANCHHAND_SSM_PREFIX": "/ranchhand/\(clusterName)/\(tool)/",
        ]
    }

    /// The logs are there (so their checks mean something) and hold no part of the token.
    /// `verboseLine`: what a line below the default level (info) holds in the tool's log format, when
    /// the flow logs one — proof that `--log-level trace` from the options took effect.
    func expectLogsWithoutToken(_ output: String, prefix: String, verboseLine: String?, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.contains("configuration read from SSM") && output.contains(prefix), "\(output.suffix(2000))", sourceLocation: sourceLocation)
        if let verboseLine {
            #expect(output.contains(verboseLine), "the log level from the options was applied", sourceLocation: sourceLocation)
        }
        #expect(!output.contains(token.secret), "the token's secret is in the logs", sourceLocation: sourceLocation)
    }
}

/// Where the handler executables are.
enum LambdaBinaries {
    /// The debug build of `product`, next to the test bundle.
    static func debug(_ product: String) -> String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(product)
        return FileManager.default.fileExists(atPath: beside.path) ? beside.path
            : ChildProcess.repositoryRoot.appendingPathComponent(".build/debug/\(product)").path
    }
}

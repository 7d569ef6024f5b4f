import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport

/// One bootstrap world per test: a sandbox (fake Rancher over HTTPS with its own CA, and the
/// IMDSv2 fake), a group in moto whose launch hook holds one instance in `Pending:Wait`, SSM
/// parameters under a unique prefix, and a temporary root with a Debian os-release.
struct BootstrapHarness {
    let sandbox: Sandbox
    let transport: AsyncHTTPTransport
    let root: URL
    let moto: String
    let group: String
    let hook = "ranchhand-launch"
    let instanceID: String
    let prefix: String
    let cluster: RancherClusterID
    /// RecordLifecycleActionHeartbeat calls the agent made (each one really sent to moto).
    let heartbeats = HeartbeatCount()

    /// `configure` adjusts the sandbox before it starts (IMDS answers, behaviour).
    static func run(
        distro: SandboxDistro = .rke1, defaultToken: Bool = true, hookMetadata: String? = nil, configure: (inout SandboxConfiguration) -> Void = { _ in },
        _ body: (BootstrapHarness) async throws -> Void
    ) async throws {
        let moto = try await MotoServer.shared.endpoints().moto
        let group = MotoServer.uniqueName("boot")
        let instance = try await LaunchHookSeed.group(endpoint: moto, name: group, hook: "ranchhand-launch", metadata: hookMetadata)
        var configuration = SandboxConfiguration()
        configuration.imds.instanceID = instance
        configuration.imds.region = AWSTestContext.region
        configuration.imds.availabilityZone = AWSTestContext.region + "a"
        configuration.imds.instanceTags = ["Name": group, NodeIdentity.groupTag: group]
        configure(&configuration)
        let sandbox = try await Sandbox.start(configuration)
        let cluster: RancherClusterID = distro == .rke1 ? "c-d8f82" : "c-m-4xkq7zp2"
        await sandbox.world.addCluster(id: cluster, name: distro == .rke1 ? "home" : "edge", distro: distro, withDefaultToken: defaultToken)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bootstrap-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"
            .write(to: root.appendingPathComponent("etc/os-release"), atomically: true, encoding: .utf8)
        let harness = BootstrapHarness(sandbox: sandbox, transport: try AsyncHTTPTransport(), root: root, moto: moto, group: group,
                                       instanceID: instance, prefix: "/\(group)/", cluster: cluster)
        try await Seed(endpoint: moto).parameters([
            .init(name: harness.prefix + "rancher-url", value: sandbox.httpsURL!),
            .init(name: harness.prefix + "rancher-token", type: "SecureString", value: sandbox.apiToken),
            .init(name: harness.prefix + "ca-checksum", value: sandbox.certificateAuthority.caChecksum),
            .init(name: harness.prefix + "cluster-id", value: cluster.rawValue),
            .init(name: harness.prefix + "groups/\(group)/roles", value: "worker"),
            .init(name: harness.prefix + "labels", value: "team=platform"),
        ])
        do {
            try await body(harness)
        } catch {
            await harness.transport.shutdown()
            await sandbox.stop()
            throw error
        }
        await harness.transport.shutdown()
        await sandbox.stop()
    }

    var files: RootedFileSystem { RootedFileSystem(root: root.path) }

    func host(nodeBecomesReady: Bool = true, unavailable: Set<String> = []) -> RecordingHost {
        RecordingHost(sandbox: sandbox, cluster: cluster, nodeBecomesReady: nodeBecomesReady, unavailable: unavailable)
    }

    /// The agent as the executable wires it, with test doubles only where no real part can run:
    /// the command runner, and virtual time for Rancher polls (heartbeats use real time).
    /// `realTimeSleep`: the agent's own waits take real time (a follower polling IMDS), not the virtual clock.
    func agent(runner: any CommandRunner, lines: LineCollector, realTimeSleep: Bool = false) -> BootstrapAgent {
        let metadata = LiveInstanceMetadataClient(configuration: InstanceMetadataConfiguration(endpoint: sandbox.httpURL!), transport: transport,
                                                  now: { Date() })
        let connector = TestConnector(moto: moto, transport: transport, clock: sandbox.clock, heartbeats: heartbeats)
        let clock = sandbox.clock
        let virtualSleep: @Sendable (Duration) async throws -> Void = { try await clock.sleep(for: $0) }
        let realSleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
        let timing = BootstrapTiming(now: { clock.currentDate }, sleep: realTimeSleep ? realSleep : virtualSleep, pollInterval: .seconds(10),
                                     heartbeat: ScaleInTiming(heartbeatInterval: .seconds(2)))
        return BootstrapAgent(metadata: metadata, connector: connector, runner: runner, files: files, systemBooted: true, timing: timing,
                              progress: BootstrapProgress { lines.append($0) }, logger: Logger(label: "test.bootstrap"))
    }

    func request(_ flags: [String: String] = [:]) -> BootstrapRequest {
        BootstrapRequest(localLayers: [SettingsLayer(source: "flags", values: flags)], ssmPrefix: prefix,
                         unitArguments: ["run", "--ssm-prefix", prefix])
    }

    func groupState() async throws -> String? {
        try await Seed(endpoint: moto).groupStates(group)[instanceID]
    }

    func ec2State() async throws -> String? {
        try await Seed(endpoint: moto).ec2States([instanceID])[instanceID]
    }

    /// Every file under the root, path → contents.
    func writtenFiles() -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            if let data = FileManager.default.contents(atPath: url.path), !url.hasDirectoryPath {
                result[String(url.path.dropFirst(root.path.count))] = String(decoding: data, as: UTF8.self)
            }
        }
        return result
    }

    func mode(_ path: String) -> Int? {
        ((try? FileManager.default.attributesOfItem(atPath: root.path + path))?[.posixPermissions] as? NSNumber)?.intValue
    }
}

/// Collects progress lines across tasks.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ line: String) {
        lock.lock()
        stored.append(line)
        lock.unlock()
    }
    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

/// AWS clients against moto; Rancher through the live client on the sandbox's virtual clock.
struct TestConnector: BootstrapConnector {
    let moto: String
    let transport: AsyncHTTPTransport
    let clock: SandboxClock
    var heartbeats = HeartbeatCount()

    func aws(region: AWSRegion) throws(BootstrapError) -> BootstrapAWSClients {
        let sender = AWSTestContext.sender(endpoint: moto, transport: transport)
        let autoScaling = CountingAutoScaling(LiveAutoScalingClient(sender: sender), heartbeats: heartbeats)
        return BootstrapAWSClients(autoScaling: autoScaling, ec2: LiveEC2Client(sender: sender), ssm: LiveSSMClient(sender: sender))
    }

    func rancher(url: String, token: BootstrapSecret, caChecksum: String?) throws(BootstrapError) -> any RancherClient {
        let retries = RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(100), maximumDelay: .seconds(1), maximumTotal: .seconds(30))
        let configuration = RancherConfiguration(baseURL: url, token: RancherAPIToken(token.value), trust: caChecksum.map(RancherTrustMode.caChecksum) ?? .system,
                                                 requestTimeout: .seconds(10), retryPolicy: retries)
        return LiveRancherClient(configuration: configuration, transport: transport, clock: clock)
    }

    func caChecksum(of caCertificates: String) -> String { RancherCAChecksum.of(caCertificates: caCertificates) }
}

struct SeedFailure: Error, CustomStringConvertible {
    var description: String
}


/// A moto group whose launch hook comes with the group (CreateAutoScalingGroup's
/// LifecycleHookSpecificationList), so its first instance starts in `Pending:Wait`. Created through
/// boto3, not the code under test; seed.py only makes terminate hooks, hence this helper.
enum LaunchHookSeed {
    static let script = """
        import json, sys
        import boto3
        from botocore.config import Config
        endpoint, args = sys.argv[1], json.loads(sys.argv[2])
        asg = boto3.client("autoscaling", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                           aws_secret_access_key="testing", config=Config(retries={"total_max_attempts": 1}))
        name = args["name"]
        hook = {"LifecycleHookName": args["hook"], "LifecycleTransition": "autoscaling:EC2_INSTANCE_LAUNCHING",
                "HeartbeatTimeout": 300, "DefaultResult": "ABANDON"}
        if args.get("metadata"):
            hook["NotificationMetadata"] = args["metadata"]
        asg.create_launch_configuration(LaunchConfigurationName=name + "-lc", ImageId="ami-12c6146b", InstanceType="t3.micro")
        asg.create_auto_scaling_group(AutoScalingGroupName=name, LaunchConfigurationName=name + "-lc", MinSize=0, MaxSize=4,
                                      DesiredCapacity=1, AvailabilityZones=["us-east-1a"], LifecycleHookSpecificationList=[hook])
        group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
        print(json.dumps({i["InstanceId"]: i["LifecycleState"] for i in group["Instances"]}))
        """

    static func group(endpoint: String, name: String, hook: String, metadata: String?) async throws -> String {
        var arguments: [String: String] = ["name": name, "hook": hook]
        if let metadata { arguments["metadata"] = metadata }
        let json = String(decoding: try JSONEncoder().encode(arguments), as: UTF8.self)
        let result = try await ChildProcess.runPython(["-c", script, endpoint, json])
        guard result.status == 0, let states = try? JSONDecoder().decode([String: String].self, from: result.standardOutput),
              let (instance, state) = states.first, states.count == 1 else {
            throw SeedFailure(description: "launch-hook group \(name): \(result.standardError.suffix(1500))")
        }
        guard state == "Pending:Wait" else { throw SeedFailure(description: "\(instance) is \(state), not Pending:Wait") }
        return instance
    }
}

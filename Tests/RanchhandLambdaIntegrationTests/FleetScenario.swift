import Foundation
import Logging
import RanchhandClients
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda
import RanchhandSandbox
import RanchhandTestSupport
import Testing
@testable import ranchhand_scale_in

/// The fleet scenarios load the machine with hundreds of instances (and, in Lambda mode, ten
/// function processes); side by side they would measure each other, so they run one at a time and
/// their wall-time bounds keep their meaning.
@Suite("Fleet scenarios, one at a time", .serialized) enum FleetScenarios {}

/// A whole fleet's scale-in with the stack's own settings (`StackSettings`, read from infra/) and
/// the tools' defaults, every duration divided by one factor: moto with the launcher's lifecycle
/// hooks (its sweeper applies heartbeat and global timeouts), the sandbox's Rancher whose drains
/// take seeded lognormal times and a quarter of which end `Drained=False`, and the handler as
/// `poll` wires it — the hook keeper, the reconcile timer and the DynamoDB deletion lease included.
struct FleetScenario {
    static let factor = 60.0

    let settings: StackSettings
    let sandbox: Sandbox
    let cluster: RancherClusterID
    let aws: AWSRequestSender
    let rancher: LiveRancherClient<ContinuousClock>
    let fleet: ScaleInFleet
    let name: String
    let leaseTable: String
    /// The Rancher token's SSM SecureString (the deployed function reads it; poll re-reads it on a 401).
    let tokenParameter: String
    /// The handler's log in poll mode (JSON lines at warning and above), and its logger.
    let log: FleetLog
    let logger: Logger

    /// Drains: lognormal with median 6 min and p95 20 min, at most 25 min, before compression;
    /// `failing` of them end Drained=False (their pods stay bound).
    static func drainScripts(_ nodeNames: [String], seed: UInt64, failing: Double) -> [String: SandboxDrainScript] {
        var random = SandboxRandom(seed: seed)
        let mu = Foundation.log(360.0), sigma = (Foundation.log(1200.0) - Foundation.log(360.0)) / 1.645
        var scripts: [String: SandboxDrainScript] = [:]
        for name in nodeNames {
            let gaussian = sqrt(-2 * Foundation.log(max(random.unit(), 1e-12))) * cos(2 * .pi * random.unit())
            let seconds = min(exp(mu + sigma * gaussian), 1500) / factor
            let fails = random.unit() < failing
            scripts[name] = SandboxDrainScript(
                duration: .milliseconds(Int64(seconds * 1000)),
                failure: fails ? #"[error when evicting pods/"batch-0" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.]"# : nil)
        }
        return scripts
    }

    /// `https`: the sandbox's Rancher also on HTTPS (its own CA), for a function configured as deployed.
    /// The Rancher token lives in an SSM SecureString and is re-read on a 401, as the deployed wiring does.
    static func start(nodeNames: [String], seed: UInt64, failing: Double, https: Bool = false, label: String) async throws -> FleetScenario {
        let log = FleetLog()
        let logger = log.logger(label)
        let settings = try StackSettings.deployed().compressed(by: factor)
        let scripts = drainScripts(nodeNames, seed: seed, failing: failing)
        var configuration = SandboxConfiguration()
        if !https { configuration.httpsPort = nil }
        configuration.clock = .live(startDate: Date())
        configuration.behaviour.drainScript = { scripts[$0] ?? SandboxDrainScript(duration: .seconds(1)) }
        configuration.behaviour.removalDuration = .milliseconds(Int64(60_000 / factor))
        configuration.behaviour.replacementStartDuration = .milliseconds(Int64(30_000 / factor))
        let sandbox = try await Sandbox.start(configuration)
        let cluster = RancherClusterID("c-\(UUID().uuidString.prefix(5).lowercased())")
        _ = await sandbox.world.addCluster(id: cluster, name: "fleet-\(cluster)", distro: .rke1)
        let aws = try await AWSTestContext.motoSender(logger: logger)
        let name = "fleet\(UUID().uuidString.prefix(6).lowercased())"
        let tokenParameter = "/ranchhand/\(name)/scale-in/rancher-token"
        try await AWSTestContext.seed().parameters([Seed.Parameter(name: tokenParameter, type: "SecureString", value: sandbox.apiToken)])
        let ssm = LiveSSMClient(sender: aws)
        let reread: @Sendable () async throws(ClientError) -> String = { () async throws(ClientError) -> String in
            try await ssm.getParameter(tokenParameter, decrypt: true).value
        }
        let rancher = LiveRancherClient(configuration: RancherConfiguration(baseURL: sandbox.httpURL!, token: RancherAPIToken(sandbox.apiToken),
                                                                          retryPolicy: AWSTestContext.fastRetries, tokenReread: reread),
                                        transport: AWSTestContext.transport, logger: logger)
        let endpoint = try await MotoServer.shared.endpoints().moto
        let leaseTable = "ranchhand-\(name)-scale-in-lease"
        try await AWSTestContext.seed().leaseTable(leaseTable)
        return FleetScenario(settings: settings, sandbox: sandbox, cluster: cluster, aws: aws,
                             rancher: rancher, fleet: ScaleInFleet(endpoint: endpoint), name: name, leaseTable: leaseTable,
                             tokenParameter: tokenParameter, log: log, logger: logger)
    }

    /// Each instance a Ready worker (`names[i]`) running one web pod, plus three etcd/control-plane
    /// nodes outside the groups.
    func addWorkers(_ instances: [String], names: [String], subnet: Int) async {
        let world = sandbox.world
        for (index, instance) in instances.enumerated() {
            _ = await world.addNode(SandboxNodeSpec(name: names[index], roles: .worker, ipAddress: "10.\(subnet).\(index / 200).\(index % 200 + 10)",
                                                    instanceID: instance), to: cluster)
            await world.addPod(SandboxPod(name: "web-\(index)-\(subnet)", nodeName: names[index], labels: ["app": "web"]), in: cluster)
        }
        for index in 1...3 {
            _ = await world.addNode(SandboxNodeSpec(name: "etcd-\(index)", roles: [.etcd, .controlPlane], ipAddress: "10.\(subnet).250.\(index)",
                                                    instanceID: "i-0etcd00000000000\(index)"), to: cluster)
        }
    }

    /// The tool's own defaults (what `poll` runs with when the stack gives no other value).
    static func toolDefaults() throws -> (options: ScaleInOptions, poll: PollCommand) {
        let poll = try PollCommand.parse(["--queue-url", "http://127.0.0.1/unused"])
        return (poll.options, poll)
    }

    /// The handler and its background work exactly as `poll` wires them, compressed.
    func handler() throws -> (handler: ScaleInRecordHandler, keeper: WaitingHookKeeper, settings: SQSPoller.Settings, reconcileEvery: Double) {
        let (options, poll) = try Self.toolDefaults()
        let f = Self.factor
        var policy = options.policy
        policy.drain.timeout = max(1, Int((settings.drainTimeout).rounded()))
        policy.eviction.maximumWaitSeconds = Int(settings.maxDrainWait.rounded())
        policy.budget.windowSeconds = Int((Double(options.breakerWindow) / f).rounded())
        let timing = ScaleInTiming(heartbeatInterval: .milliseconds(Int64(options.heartbeatInterval * 1000 / f)),
                                   pollInterval: .milliseconds(Int64(options.pollInterval * 1000 / f)))
        let autoScaling = LiveAutoScalingClient(sender: aws)
        let world = LiveScaleInWorld(rancher: rancher, ec2: LiveEC2Client(sender: aws), autoScaling: autoScaling, cluster: cluster,
                                     budgetWindow: TimeInterval(policy.budget.windowSeconds), groups: GroupSelection(prefix: name + "-"))
        let kubernetes = LiveKubernetesClient(configuration: .throughRancher(rancher.configuration, cluster: cluster, trust: .systemRoots),
                                              transport: AWSTestContext.transport)
        let lease = DeletionLease(store: LiveDynamoDBLeaseStore(sender: aws, table: leaseTable), holder: "fleet-\(UUID().uuidString)",
                                  duration: .milliseconds(Int64(60_000 / f)), timing: timing, logger: logger)
        let executor = ScaleInExecutor(rancher: rancher, kubernetes: kubernetes, autoScaling: autoScaling, world: world, policy: policy,
                                       lease: lease, timing: timing, logger: logger)
        let handler = ScaleInRecordHandler(world: world, executor: executor, policy: policy,
                                           reconcile: ReconcileSettings(takeOverAfter: Double(options.reconcileTakeOverAfter) / f,
                                                                        concurrency: options.reconcileConcurrency))
        let keeper = WaitingHookKeeper(world: world, autoScaling: autoScaling, timing: timing, logger: logger)
        let pollSettings = SQSPoller.Settings(queue: SQSQueueURL("unset"), concurrency: settings.concurrency,
                                              visibilityTimeoutSeconds: max(1, Int(Double(poll.visibilityTimeout) / f)), waitTimeSeconds: 1,
                                              retryDelaySeconds: max(1, Int(Double(poll.retryDelay) / f)),
                                              holdDelaySeconds: max(1, Int(Double(poll.holdDelay) / f)))
        return (handler, keeper, pollSettings, settings.reconcilePeriod)
    }
}

import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda
import RanchhandSandbox
import RanchhandTestSupport

/// The real parts a scale-in test runs against: moto (with the launcher's lifecycle hooks) for Auto
/// Scaling, EC2 and SQS, and the sandbox's fake Rancher for the cluster — reached by the same live
/// clients the executable uses. The sandbox runs on its live clock with short drains so the
/// executor's real waits stay within a few seconds.
struct ScaleInHarness {
    let sandbox: Sandbox
    let cluster: RancherClusterID
    let aws: AWSRequestSender
    let rancher: LiveRancherClient<ContinuousClock>
    let seed: Seed
    let logger: Logger

    static func start(distro: SandboxDistro = .rke1, drainDuration: Duration = .milliseconds(600), removalDuration: Duration = .milliseconds(400),
                      logger: Logger? = nil) async throws -> ScaleInHarness {
        var configuration = SandboxConfiguration()
        configuration.httpsPort = nil
        configuration.clock = .live(startDate: Date())
        configuration.behaviour.drainDuration = drainDuration
        configuration.behaviour.removalDuration = removalDuration
        let sandbox = try await Sandbox.start(configuration)
        // Rancher names the clusters it provisions (RKE2/K3s) `c-m-…`, the ones it imports or RKE1 `c-…`.
        let cluster = RancherClusterID("\(distro == .rke1 ? "c" : "c-m")-\(UUID().uuidString.prefix(5).lowercased())")
        _ = await sandbox.world.addCluster(id: cluster, name: "e2e-\(cluster)", distro: distro)
        let rancher = LiveRancherClient(
            configuration: RancherConfiguration(baseURL: sandbox.httpURL!, token: RancherAPIToken(sandbox.apiToken),
                                                retryPolicy: AWSTestContext.fastRetries),
            transport: AWSTestContext.transport, logger: logger ?? Logger(label: "test.rancher"))
        var handlerLogger = logger ?? Logger(label: "test.scale-in")
        handlerLogger.logLevel = logger == nil ? .info : .trace
        return ScaleInHarness(sandbox: sandbox, cluster: cluster, aws: try await AWSTestContext.motoSender(logger: handlerLogger), rancher: rancher,
                              seed: try await AWSTestContext.seed(), logger: handlerLogger)
    }

    func addNodes(_ instances: [String], roles: SandboxRoles, prefix: String, notReady: Set<String> = []) async -> [RancherNodeID] {
        var ids: [RancherNodeID] = []
        for (index, instance) in instances.enumerated() {
            let node = await sandbox.world.addNode(
                SandboxNodeSpec(name: "\(prefix)-\(index)", roles: roles, ipAddress: "10.1.\(prefix.count).\(index + 10)", instanceID: instance,
                                ready: !notReady.contains(instance)),
                to: cluster)
            ids.append(node.id)
        }
        return ids
    }

    func handler(gate: ClusterGate = ClusterGate(), policy: ScaleInPolicy = ScaleInPolicy(drain: DrainOptions(timeout: 60)),
                 observers: [any ScaleInObserver] = [], reconcile: ReconcileSettings = ReconcileSettings(), dns: NodePoolDNS? = nil) -> ScaleInRecordHandler {
        let autoScaling = LiveAutoScalingClient(sender: aws)
        let world = LiveScaleInWorld(rancher: rancher, ec2: LiveEC2Client(sender: aws), autoScaling: autoScaling, cluster: cluster, budgetWindow: 1800)
        let kubernetes = LiveKubernetesClient(configuration: .throughRancher(rancher.configuration, cluster: cluster, trust: .systemRoots),
                                              transport: AWSTestContext.transport)
        let executor = ScaleInExecutor(
            rancher: rancher, kubernetes: kubernetes, autoScaling: autoScaling, world: world, policy: policy, gate: gate,
            timing: ScaleInTiming(heartbeatInterval: .seconds(1), pollInterval: .milliseconds(150)), dns: dns, logger: logger)
        return ScaleInRecordHandler(world: world, executor: executor, policy: policy, observers: observers, reconcile: reconcile)
    }

    func poller(queue: String, handler: ScaleInRecordHandler, concurrency: Int = 2) -> SQSPoller {
        SQSPoller(sqs: LiveSQSClient(sender: aws), processor: BatchProcessor(handler: handler),
                  settings: SQSPoller.Settings(queue: SQSQueueURL(queue), concurrency: concurrency, visibilityTimeoutSeconds: 30,
                                               waitTimeSeconds: 1, retryDelaySeconds: 1),
                  logger: logger)
    }

    /// Runs a poller on `queue` until `done` holds (or `timeout`); returns whether it held. The default
    /// is a wait, not a bound: on CI's loaded 2 cores one hook's cordon, drain, eviction and removal
    /// took 16 s after its harness took most of a minute to start.
    func pollUntil(queue: String, handler: ScaleInRecordHandler, timeout: Duration = .seconds(90),
                   _ done: @escaping @Sendable () async throws -> Bool) async throws -> Bool {
        let poller = poller(queue: queue, handler: handler)
        let running = Task { await poller.run(shouldStop: { (try? await done()) == true }) }
        let held = try await Self.eventually(timeout: timeout, done)
        running.cancel()
        _ = await running.value
        return held
    }

    /// Polls until `done` holds or `timeout` passes; returns whether it held.
    static func eventually(timeout: Duration = .seconds(30), _ done: @Sendable () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await done() { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return try await done()
    }
}

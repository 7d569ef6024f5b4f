import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda

/// Builds the live clients from options and the environment. Only here (and in the executable's
/// entry points) is the process environment read.
struct Wiring {
    let options: ScaleInOptions
    let environment: [String: String]
    let transport: AsyncHTTPTransport
    let logger: Logger
    /// The token read from SSM at start-up (`<RANCHHAND_SSM_PREFIX>rancher-token`); wins over the
    /// environment.
    var rancherToken: String?
    /// This process in the shared lease table (a cold start is a new holder).
    let processHolder = "ranchhand-scale-in/\(UUID().uuidString)"

    /// Runs `body` with the command's wiring; its transport is shut down on every way out.
    static func with<T>(_ options: ScaleInOptions, label: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                        _ body: (Wiring) async throws -> T) async throws -> T {
        let logger = logging(options, label: label, environment: environment)
        return try await AsyncHTTPTransport.scoped(logger: logger) { transport in
            try await body(Wiring(options: options, environment: environment, transport: transport, logger: logger))
        }
    }

    /// Over a transport made at start-up (the Lambda function's, which read SSM with it), shut down by its maker.
    static func make(_ options: ScaleInOptions, label: String, environment: [String: String], transport: AsyncHTTPTransport,
                     rancherToken: String?) -> Wiring {
        Wiring(options: options, environment: environment, transport: transport, logger: logging(options, label: label, environment: environment),
               rancherToken: rancherToken)
    }

    private static func logging(_ options: ScaleInOptions, label: String, environment: [String: String]) -> Logger {
        let level = ScaleInOptions.value(options.logLevel, "RANCHHAND_LOG_LEVEL", environment).flatMap(Logger.Level.init(rawValue:)) ?? .info
        // JSON lines: CloudWatch Logs (Lambda) and log shippers (poller) parse them as they are.
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }

    func aws() async throws -> AWSRequestSender {
        try await AWSEnvironment.sender(environment: environment, transport: transport, logger: logger)
    }

    func cluster() throws -> RancherClusterID {
        guard let cluster = ScaleInOptions.value(options.cluster, "RANCHHAND_CLUSTER", environment) else {
            throw WiringError("no Rancher cluster: pass --cluster-id or set RANCHHAND_CLUSTER")
        }
        return RancherClusterID(cluster)
    }

    func rancher(aws: AWSRequestSender?) async throws -> LiveRancherClient<ContinuousClock> {
        guard let url = ScaleInOptions.value(options.rancherURL, "RANCHER_URL", environment) else {
            throw WiringError("no Rancher URL: pass --rancher-url or set RANCHER_URL")
        }
        let token: String
        var parameter: String?
        if let rancherToken {
            token = rancherToken
            parameter = environment[ParameterStoreSettings.prefixVariable].map(ParameterStoreSettings.rancherTokenParameterName(prefix:))
        } else if let named = ScaleInOptions.value(options.rancherTokenParameter, "RANCHER_TOKEN_PARAMETER", environment), let aws {
            token = try await LiveSSMClient(sender: aws).getParameter(named, decrypt: true).value
            parameter = named
        } else if let fromEnvironment = environment["RANCHER_TOKEN"], !fromEnvironment.isEmpty {
            token = fromEnvironment
        } else {
            throw WiringError("no Rancher API token: set RANCHER_TOKEN or --rancher-token-parameter (an SSM SecureString)")
        }
        // A token read from SSM is read again on a 401: rotating it there must not break warm functions.
        var reread: (@Sendable () async throws(ClientError) -> String)?
        if let parameter, let aws {
            let ssm = LiveSSMClient(sender: aws)
            reread = { () async throws(ClientError) -> String in try await ssm.getParameter(parameter, decrypt: true).value }
        }
        return LiveRancherClient(configuration: RancherConfiguration(baseURL: url, token: RancherAPIToken(token), trust: try trust(), tokenReread: reread),
                                 transport: transport, logger: logger)
    }

    func kubernetes(_ rancher: LiveRancherClient<ContinuousClock>, cluster: RancherClusterID) async throws -> LiveKubernetesClient<ContinuousClock> {
        LiveKubernetesClient(configuration: .throughRancher(rancher.configuration, cluster: cluster, trust: try await rancher.resolvedTrust()),
                             transport: transport, logger: logger)
    }

    func trust() throws -> RancherTrustMode {
        if options.insecure {
            logger.critical("TLS verification for Rancher is OFF (--insecure): anyone on the path can impersonate Rancher")
            return .insecure
        }
        if let checksum = ScaleInOptions.value(options.caChecksum, "RANCHER_CA_CHECKSUM", environment) { return .caChecksum(checksum) }
        if let bundle = ScaleInOptions.value(options.caBundle, "RANCHER_CA_BUNDLE", environment) {
            return .caBundle(pem: try String(contentsOfFile: bundle, encoding: .utf8))
        }
        return .system
    }

    /// The full live handler: world, executor, observers (`extraObservers` too, e.g. the poller's
    /// `/metrics` counters). `keepsWaitingHooks`: heart-beat every waiting hook of the cluster's groups
    /// while a record is handled (Lambda; the poller runs one keeper for the process instead).
    func handler(aws: AWSRequestSender, gate: ClusterGate = ClusterGate(), extraObservers: [any ScaleInObserver] = [],
                 keepsWaitingHooks: Bool = false, invisibleCluster: InvisibleCluster = .fail) async throws -> ScaleInRecordHandler {
        let cluster = try cluster()
        let rancher = try await rancher(aws: aws)
        try await checkClusterIsVisible(cluster, rancher: rancher, otherwise: invisibleCluster)
        let autoScaling = LiveAutoScalingClient(sender: aws)
        let world = LiveScaleInWorld(rancher: rancher, ec2: LiveEC2Client(sender: aws), autoScaling: autoScaling, cluster: cluster,
                                     budgetWindow: TimeInterval(options.breakerWindow), groups: options.groupSelection(environment))
        let timing = timing()
        let executor = ScaleInExecutor(rancher: rancher, kubernetes: try await kubernetes(rancher, cluster: cluster), autoScaling: autoScaling,
                                       world: world, policy: options.policy, gate: gate, lease: lease(aws: aws, timing: timing),
                                       timing: timing, dns: nodePoolDNS(aws: aws), logger: logger)
        var observers: [any ScaleInObserver] = extraObservers
        if let url = ScaleInOptions.value(options.webhookURL, "RANCHHAND_WEBHOOK_URL", environment) {
            observers.append(WebhookObserver(notifier: WebhookNotifier(url: url, transport: transport, logger: logger)))
        }
        if environment["AWS_LAMBDA_RUNTIME_API"] != nil {
            // Unbuffered, as the bootstrap agent writes its lines: print() to a pipe is block-buffered,
            // and Lambda freezes the process between invocations, so the metric would arrive late or,
            // if the environment is recycled, never.
            observers.append(ScaleInMetrics(emitEmbeddedMetrics: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }))
        }
        let keeper = keepsWaitingHooks ? keeper(world: world, autoScaling: autoScaling, aws: aws, cluster: cluster.rawValue) : nil
        return ScaleInRecordHandler(world: world, executor: executor, policy: options.policy, observers: observers, keeper: keeper,
                                    reconcile: options.reconcile)
    }

    /// ranchhand-dns's node-pool records, when a zone is configured; this process's Route53
    /// requests are paced on their own (`--dns-route53-rate`).
    func nodePoolDNS(aws: AWSRequestSender) -> NodePoolDNS? {
        guard let zone = options.dnsZoneId, let owner = options.dnsOwner else { return nil }
        var paced = aws
        paced.pacers[.route53] = RequestRate(perSecond: options.dnsRoute53Rate, clock: ContinuousClock())
        return NodePoolDNS(route53: LiveRoute53Client(sender: paced), zone: HostedZoneID(zone), owner: OwnerID(owner),
                           registry: TXTRegistry(prefix: options.dnsTxtPrefix, suffix: options.dnsTxtSuffix), logger: logger)
    }

    /// The cross-process deletion lease, when a table is configured; this process holds it under a
    /// fresh id (a cold start is a new holder).
    func lease(aws: AWSRequestSender, timing: ScaleInTiming) -> DeletionLease? {
        guard let table = ScaleInOptions.value(options.leaseTable, "RANCHHAND_LEASE_TABLE", environment) else { return nil }
        return DeletionLease(store: LiveDynamoDBLeaseStore(sender: aws, table: table), holder: processHolder,
                             timing: timing, logger: logger)
    }

    func timing() -> ScaleInTiming {
        ScaleInTiming(heartbeatInterval: .milliseconds(Int64(options.heartbeatInterval * 1000)), pollInterval: .seconds(options.pollInterval))
    }

    /// Heart-beats every waiting hook of the selected groups; nil (with a warning) when no group is
    /// selected, since then only the hook in hand is kept alive.
    func keeper(world: any ScaleInWorld, autoScaling: any AutoScalingClient, aws: AWSRequestSender, cluster clusterName: String) -> WaitingHookKeeper? {
        guard !options.groupSelection(environment).isEmpty else {
            logger.warning("no --group or --group-prefix: only the hook being handled is heart-beaten; hooks waiting in the queue may expire")
            return nil
        }
        let schedule = ScaleInOptions.value(options.leaseTable, "RANCHHAND_LEASE_TABLE", environment).map { table in
            WaitingHookKeeper.SharedSchedule(store: LiveDynamoDBLeaseStore(sender: aws, table: table), cluster: clusterName, holder: processHolder)
        }
        return WaitingHookKeeper(world: world, autoScaling: autoScaling, timing: timing(), logger: logger, schedule: schedule)
    }

    /// What start-up does about a cluster it cannot read.
    enum InvisibleCluster {
        /// A one-shot command refuses to start.
        case fail
        /// A service (Lambda, poll) starts anyway, loudly: it holds every hook (an empty node list is
        /// never "not in the cluster") and keeps heart-beating them, where a crash loop would let them
        /// expire undrained; a token fixed in SSM is read on the next 401 or cold start.
        case holdHooks
    }

    /// A mistyped cluster id, or a token that cannot see the cluster, lists no nodes: every
    /// terminating instance would look like it is not in the cluster.
    func checkClusterIsVisible(_ cluster: RancherClusterID, rancher: some RancherClient, otherwise: InvisibleCluster) async throws {
        let problem: String
        do {
            guard try await rancher.cluster(id: cluster) == nil else { return }
            problem = "Rancher cluster \(cluster) does not exist or this token cannot read it: check --cluster-id and the token's cluster role"
        } catch {
            if otherwise == .fail { throw error }
            problem = "reading Rancher cluster \(cluster) failed: \(error)"
        }
        if otherwise == .fail { throw WiringError(problem) }
        logger.critical("\(problem); starting anyway: every terminating instance's hook is held and heart-beaten until the cluster can be read")
    }
}

struct WiringError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct WebhookObserver: ScaleInObserver {
    let notifier: WebhookNotifier
    func scaleIn(_ event: LifecycleActionNotification, plan: ScaleInPlan, result: ScaleInResult) async {
        if let text = ScaleInAnnouncement.text(event, plan: plan, result: result) { await notifier.post(text) }
    }
}

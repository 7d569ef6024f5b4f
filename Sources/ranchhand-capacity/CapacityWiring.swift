import ArgumentParser
import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda

/// Builds the configuration and the live clients from options and the environment. Only here is
/// the process environment read. AWS is set up only when something needs it (an SSM parameter,
/// an Auto Scaling group target, a CloudWatch datastore).
final class CapacityWiring {
    let options: CapacityOptions
    let environment: [String: String]
    let transport: AsyncHTTPTransport
    let logger: Logger
    private var sender: AWSRequestSender?

    private init(options: CapacityOptions, environment: [String: String], transport: AsyncHTTPTransport, logger: Logger) {
        self.options = options
        self.environment = environment
        self.transport = transport
        self.logger = logger
    }

    /// Runs `body` with the command's wiring; its transport is shut down on every way out.
    static func with<T>(_ options: CapacityOptions, label: String, _ body: (CapacityWiring) async throws -> T) async throws -> T {
        let environment = ProcessInfo.processInfo.environment
        let level = (options.logLevel ?? environment["RANCHHAND_LOG_LEVEL"]).flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        var logger = Logger(label: label)
        logger.logLevel = level
        return try await AsyncHTTPTransport.scoped(logger: logger) { transport in
            try await body(CapacityWiring(options: options, environment: environment, transport: transport, logger: logger))
        }
    }

    private var ssmPrefix: String? { environment["RANCHHAND_SSM_PREFIX"].flatMap { $0.isEmpty ? nil : $0 } }

    func aws() async throws -> AWSRequestSender {
        if let sender { return sender }
        let made = try await AWSEnvironment.sender(environment: environment, transport: transport, logger: logger)
        sender = made
        return made
    }

    /// The YAML from `--config` (a file) or an SSM parameter; the file name or parameter name is
    /// what configuration errors point at.
    func configuration() async throws -> CapacityConfiguration {
        if let file = options.config ?? environment["RANCHHAND_CAPACITY_CONFIG"] {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ValidationError("cannot read the configuration \(file): \(error.localizedDescription)")
            }
            return try CapacityConfiguration.load(yaml: text, file: file)
        }
        guard let parameter = options.configParameter ?? environment["RANCHHAND_CAPACITY_CONFIG_PARAMETER"] ?? ssmPrefix.map({ $0 + "config" }) else {
            throw ValidationError("no configuration: pass --config FILE or --config-parameter NAME (or set RANCHHAND_SSM_PREFIX in Lambda)")
        }
        let yaml = try await LiveSSMClient(sender: try await aws()).getParameter(parameter, decrypt: true).value
        return try CapacityConfiguration.load(yaml: yaml, file: "ssm:\(parameter)")
    }

    func selected(_ configuration: CapacityConfiguration) throws -> [ScalerConfiguration] {
        guard !options.scalers.isEmpty else { return configuration.scalers }
        return try options.scalers.map { name in
            guard let scaler = configuration.scalers.first(where: { $0.name == name }) else {
                throw ValidationError("no scaler named '\(name)'; the configuration has: \(configuration.scalers.map(\.name).joined(separator: ", "))")
            }
            return scaler
        }
    }

    func runner(for configuration: CapacityConfiguration) async throws -> CapacityRunner {
        let scalers = configuration.scalers
        let needsAutoScaling = scalers.contains { if case .autoScalingGroup = $0.target { true } else { false } }
        // nil is a region too: the process's default.
        var cloudWatchRegions: Set<String?> = []
        for case let .cloudWatch(source) in scalers.map(\.datastore) { cloudWatchRegions.insert(source.region) }
        var cloudWatch: [String?: LiveCloudWatchClient] = [:]
        var autoScaling: LiveAutoScalingClient?
        if needsAutoScaling || !cloudWatchRegions.isEmpty {
            let sender = try await aws()
            if needsAutoScaling { autoScaling = LiveAutoScalingClient(sender: sender) }
            for region in cloudWatchRegions { cloudWatch[region] = LiveCloudWatchClient(sender: Self.sender(sender, region: region, environment: environment)) }
        }
        let regional = cloudWatch
        let transport = transport
        let logger = logger
        let prometheusToken = environment["PROMETHEUS_BEARER_TOKEN"]
        let reader = MetricHistoryReader(
            cloudWatch: { (region) throws(CapacityError) -> any CloudWatchClient in
                guard let client = regional[region] else { throw .datastore("no CloudWatch client for region \(region ?? "default")") }
                return client
            },
            prometheus: { source in
                LivePrometheusClient(configuration: .init(endpoint: source.endpoint, bearerToken: prometheusToken), transport: transport, logger: logger)
            })
        let kubernetes = try await kubernetesAccess(needed: scalers.contains { if case .deployment = $0.target { true } else { false } })
        return CapacityRunner(reader: reader, targets: CapacityTargets(autoScaling: autoScaling, scaleInBudget: options.scaleInBudget, kubernetes: kubernetes), logger: logger)
    }

    /// A CloudWatch datastore in another region than the process's signs for that region.
    static func sender(_ sender: AWSRequestSender, region: String?, environment: [String: String]) -> AWSRequestSender {
        guard let region, region != sender.endpoints.region else { return sender }
        return AWSRequestSender(transport: sender.transport, credentials: sender.credentials, endpoints: AWSEndpoints(region: region, environment: environment),
                                retryPolicy: sender.retryPolicy, timeout: sender.timeout, logger: sender.logger, now: sender.now)
    }
}

import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP

/// Builds the live clients and the syncer from the parsed options and the process environment
/// (read here and nowhere else).
struct Wiring {
    let options: DNSOptions
    let environment: [String: String]
    let transport: AsyncHTTPTransport
    let logger: Logger
    let sender: AWSRequestSender
    /// The token read from SSM at start-up (`<RANCHHAND_SSM_PREFIX>rancher-token`); wins over RANCHER_TOKEN.
    var rancherToken: String?

    init(options: DNSOptions, environment: [String: String], transport: AsyncHTTPTransport, logger: Logger, sender: AWSRequestSender,
         rancherToken: String? = nil) {
        self.options = options
        self.environment = environment
        self.transport = transport
        self.logger = logger
        // Every Route53 attempt of the process, retries included, takes its turn (`--route53-rate`).
        var paced = sender
        paced.pacers[.route53] = RequestRate(perSecond: options.route53Rate, clock: ContinuousClock())
        self.sender = paced
        self.rancherToken = rancherToken
    }

    /// Runs `body` with the command's wiring; its transport is shut down on every way out (no
    /// credentials, an unreachable endpoint, a bad option found late).
    static func with<T>(_ options: DNSOptions, environment: [String: String] = ProcessInfo.processInfo.environment,
                        _ body: (Wiring) async throws -> T) async throws -> T {
        let logger = logging(options)
        return try await AsyncHTTPTransport.scoped(logger: logger) { transport in
            let sender = try await AWSEnvironment.sender(environment: environment, transport: transport, logger: logger)
            return try await body(Wiring(options: options, environment: environment, transport: transport, logger: logger, sender: sender))
        }
    }

    /// Over the transport and sender made at start-up (the Lambda function's, which read SSM with
    /// them), shut down by their maker.
    static func make(_ options: DNSOptions, environment: [String: String], aws: (transport: AsyncHTTPTransport, sender: AWSRequestSender),
                     rancherToken: String?) -> Wiring {
        Wiring(options: options, environment: environment, transport: aws.transport, logger: logging(options), sender: aws.sender,
               rancherToken: rancherToken)
    }

    private static func logging(_ options: DNSOptions) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: options.logLevel) ?? .info
            return handler
        }
        return Logger(label: "ranchhand.dns")
    }

    var route53: LiveRoute53Client { LiveRoute53Client(sender: sender) }

    /// The Kubernetes client, when the Ingresses come from an API server.
    func kubernetes() throws -> (any KubernetesClient)? {
        if let url = options.kubernetesUrl {
            let token = try options.kubernetesTokenFile.map(Self.read) ?? environment["KUBERNETES_TOKEN"]
            guard let token, !token.isEmpty else {
                throw WiringError("--kubernetes-url needs a token: --kubernetes-token-file or KUBERNETES_TOKEN")
            }
            let trust = try options.kubernetesCaFile.map { TLSTrust.only(pemBundle: try Self.read($0)) } ?? .systemRoots
            return LiveKubernetesClient(configuration: KubernetesConfiguration(baseURL: url, bearerToken: token, trust: trust),
                                        transport: transport, logger: logger)
        }
        if let url = options.rancherUrl, let cluster = options.clusterId {
            guard let token = rancherToken ?? environment["RANCHER_TOKEN"], !token.isEmpty else {
                throw WiringError("--rancher-url needs a Rancher token: RANCHER_TOKEN, or <RANCHHAND_SSM_PREFIX>rancher-token in Lambda")
            }
            let trust = try options.rancherCaFile.map { TLSTrust.only(pemBundle: try Self.read($0)) } ?? .systemRoots
            var base = url
            while base.hasSuffix("/") { base.removeLast() }
            return LiveKubernetesClient(configuration: KubernetesConfiguration(baseURL: "\(base)/k8s/clusters/\(cluster)", bearerToken: token, trust: trust),
                                        transport: transport, logger: logger)
        }
        return nil
    }

    /// The syncer; `ingresses` replaces the configured Ingress source (the watch mode's mirror).
    func syncer(ingresses: (any IngressProvider)? = nil) throws -> DNSSyncer {
        var provider = ingresses
        if provider == nil, let file = options.ingressFile {
            provider = try RecordedIngresses(listJSON: Data(contentsOf: URL(fileURLWithPath: file)))
        }
        let cluster = try kubernetes()
        if provider == nil, let cluster {
            provider = KubernetesIngressProvider(client: cluster, namespace: options.namespace)
        }
        let pool = options.group != nil
        let sources = LiveDNSSources(
            ingressProvider: provider, group: options.group.map(AutoScalingGroupName.init(rawValue:)),
            autoScaling: pool ? LiveAutoScalingClient(sender: sender) : nil, ec2: pool ? LiveEC2Client(sender: sender) : nil,
            elb: LiveELBv2Client(sender: sender), kubernetes: pool ? cluster : nil)
        logger.info("ranchhand-dns configured", metadata: [
            "zone": "\(options.zoneId)", "owner": "\(options.owner)", "policy": "\(options.policy)",
            "ingresses": "\(provider.map { "\(type(of: $0))" } ?? "none")", "node_pool": "\(options.nodeRecord ?? "none")",
            "node_readiness": "\(pool && cluster != nil ? "Kubernetes Nodes Ready and schedulable" : "Auto Scaling only")",
        ])
        return DNSSyncer(configuration: options.configuration, sources: sources, route53: route53, logger: logger)
    }

    static func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct WiringError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

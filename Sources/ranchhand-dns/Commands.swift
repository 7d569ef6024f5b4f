import ArgumentParser
import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda
import Synchronization

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Reconcile once and print the result as one JSON line.",
        discussion: """
            Output: {"version":1,"zone","owner","changes":[{"action","name","type","ttl","setIdentifier",\
            "values"|"alias","resource"}],"conflicts":[…],"apiCalls":{"list","change"}} (plus "rejected" and \
            "error" after an apply). Exit status 0 when the zone is in sync, 1 when records were refused or the \
            apply stopped, 2 when the world could not be read.
            """)

    @OptionGroup var options: DNSOptions
    @Flag(help: "Plan only: print the changes, send none.")
    var dryRun = false
    @Flag(help: "Accepted for external-dns users: sync always runs once.")
    var once = false

    func run() async throws {
        try await Wiring.with(options) { wiring in
            let result: DNSSyncResult
            do {
                result = try await wiring.syncer().sync(dryRun: dryRun)
            } catch let error as ClientError {
                wiring.logger.error("sync failed", metadata: ["error": "\(error)"])
                throw ExitCode(2)
            }
            emit(result.jsonLine)
            if let report = result.report, report.error != nil || !report.rejected.isEmpty { throw ExitCode(1) }
        }
    }
}

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch Ingresses and sync on change (at most every --min-event-gap), and every --interval in any case.")

    @OptionGroup var options: DNSOptions
    @Option(help: "Seconds between full reconciles.")
    var interval = 60
    @Option(help: "Seconds at least between two syncs caused by Ingress changes.")
    var minEventGap = 5
    @Flag(help: "Plan only: print the changes, send none.")
    var dryRun = false

    func run() async throws {
        try await Wiring.with(options) { wiring in
            guard let client = try wiring.kubernetes() else {
                throw ValidationError("watch needs the Kubernetes API: --kubernetes-url or --rancher-url")
            }
            let watcher = IngressWatcher(client: client, namespace: options.namespace)
            let loop = DNSWatchLoop(syncer: try wiring.syncer(ingresses: watcher), watcher: watcher, interval: .seconds(interval),
                                    minimumEventGap: .seconds(minEventGap), logger: wiring.logger)
            let stop = ShutdownSignal.install()
            await loop.run(dryRun: dryRun, report: { emit($0.jsonLine) }, shouldStop: { stop.isRaised })
        }
    }
}

struct PollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll",
        abstract: "Long-poll this tool's own SQS queue (launch/terminate events, scheduled events) until SIGTERM.")

    @OptionGroup var options: DNSOptions
    @Option(help: "The queue URL. Give ranchhand-dns its own queue or rule target: never the scale-in handler's.")
    var queueUrl: String
    @Flag(help: "Plan only: print the changes, send none.")
    var dryRun = false

    func run() async throws {
        try await Wiring.with(options) { wiring in
            let handler = DNSRecordHandler(syncer: try wiring.syncer(), dryRun: dryRun, report: { emit($0.jsonLine) })
            // Syncs are serialised inside the syncer; one worker keeps events in order.
            let poller = SQSPoller(sqs: LiveSQSClient(sender: wiring.sender), processor: BatchProcessor(handler: handler),
                                   settings: .init(queue: SQSQueueURL(queueUrl), concurrency: 1, handlingTimeLimit: 600, retryDelaySeconds: 30),
                                   logger: wiring.logger)
            let stop = ShutdownSignal.install()
            await poller.run(shouldStop: { stop.isRaised })
        }
    }
}

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Handle a recorded event (any delivery path) as the poller or Lambda would, printing each sync's JSON.")

    @OptionGroup var options: DNSOptions
    @Argument(help: "The recorded event or batch ('-' for standard input).")
    var file: String
    @Flag(help: "Plan only: print the changes, send none.")
    var dryRun = false

    func run() async throws {
        let bytes = try file == "-" ? Array(FileHandle.standardInput.readDataToEndOfFile()) : Array(Data(contentsOf: URL(fileURLWithPath: file)))
        try await Wiring.with(options) { wiring in
            let handler = DNSRecordHandler(syncer: try wiring.syncer(), dryRun: dryRun, report: { emit($0.jsonLine) })
            let report = await BatchProcessor(handler: handler).process(bytes, context: HandlingContext(deadline: Date().addingTimeInterval(900), logger: wiring.logger))
            for result in report.results {
                wiring.logger.notice("replayed", metadata: ["outcome": "\(result.outcome)"])
            }
            if report.inputError != nil || report.results.contains(where: \.outcome.keepsMessage) { throw ExitCode(1) }
        }
    }
}

struct LambdaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lambda", abstract: "Run as a Lambda custom runtime (chosen automatically when AWS_LAMBDA_RUNTIME_API is set).",
        discussion: """
            With RANCHHAND_SSM_PREFIX=/ranchhand/<cluster>/dns/ (what infra/handlers.yaml sets) the options are \
            read once at start-up from the SSM String parameter <prefix>options and parsed exactly as if given \
            here; with --rancher-url the Rancher token comes from the SecureString <prefix>rancher-token. A \
            missing parameter or a bad option is reported to Lambda as an init error.
            """)

    @OptionGroup var options: DNSOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let endpoint = environment["AWS_LAMBDA_RUNTIME_API"] else { throw ValidationError("AWS_LAMBDA_RUNTIME_API is not set") }
        try await Wiring.with(options, environment: environment) { wiring in try await serve(endpoint: endpoint, wiring: wiring) }
    }

    /// The Lambda start-up with RANCHHAND_SSM_PREFIX: `arguments` (`["lambda"]` in Lambda) are followed by
    /// the stored options and parsed by this tool's own parser. Returns only when the loop ends.
    static func runFromParameterStore(prefix: String, endpoint: String, arguments: [String], environment: [String: String]) async throws {
        // Until the options (and with them the log level) are known, log at the default level.
        let startupLogger = Logger(label: "ranchhand.dns") { StreamLogHandler.standardError(label: $0) }
        try await AsyncHTTPTransport.scoped(logger: startupLogger) { transport in
            try await configureAndServe(prefix: prefix, endpoint: endpoint, arguments: arguments, environment: environment, transport: transport,
                                        startupLogger: startupLogger)
        }
    }

    private static func configureAndServe(prefix: String, endpoint: String, arguments: [String], environment: [String: String],
                                          transport: AsyncHTTPTransport, startupLogger: Logger) async throws {
        let api = LiveLambdaRuntimeAPI(endpoint: endpoint, transport: transport)
        let sender = Mutex<AWSRequestSender?>(nil)
        guard let startup = await ParameterStoreStartup<LambdaCommand>.configure(
            prefix: prefix,
            ssm: {
                let made = try await AWSEnvironment.sender(environment: environment, transport: transport, logger: startupLogger)
                sender.withLock { $0 = made }
                return LiveSSMClient(sender: made)
            },
            api: api, logger: startupLogger, subcommand: arguments,
            parse: { words in
                guard let command = try RanchhandDNS.parseAsRoot(words) as? LambdaCommand else {
                    throw ValidationError("the options select another subcommand than lambda")
                }
                return command
            },
            parserMessage: { RanchhandDNS.message(for: $0) },
            needsRancherToken: { $0.options.rancherUrl != nil }),
            let aws = sender.withLock({ $0 })
        else {
            throw ExitCode(1)
        }
        let wiring = Wiring.make(startup.command.options, environment: environment, aws: (transport, aws), rancherToken: startup.rancherToken)
        try await startup.command.serve(endpoint: endpoint, wiring: wiring)
    }

    private func serve(endpoint: String, wiring: Wiring) async throws {
        let api = LiveLambdaRuntimeAPI(endpoint: endpoint, transport: wiring.transport)
        let handler: DNSRecordHandler
        do {
            handler = DNSRecordHandler(syncer: try wiring.syncer(), report: { emit($0.jsonLine) })
        } catch {
            await LambdaLoop.reportInitializationError("\(error)", api: api, logger: wiring.logger)
            throw ExitCode(1)
        }
        await LambdaLoop(api: api, processor: BatchProcessor(handler: handler), logger: wiring.logger).run()
    }
}

/// One JSON line on standard output, flushed at once (poll and watch run for days).
func emit(_ line: String) {
    print(line)
    fflush(nil)
}

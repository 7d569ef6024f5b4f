import ArgumentParser
import Foundation
import Logging
import RanchhandHTTP
import RanchhandLambda

struct LambdaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lambda",
        abstract: "Run the Lambda custom-runtime loop (the default when AWS_LAMBDA_RUNTIME_API is set).",
        discussion: """
            Feed the function from an SQS queue (never a direct asynchronous EventBridge invocation): a \
            drain can outlast one invocation, so unfinished records are reported as batch item failures \
            and resumed on redelivery.

            Configuration: with RANCHHAND_SSM_PREFIX=/ranchhand/<cluster>/scale-in/ (what infra/handlers.yaml \
            sets) the options are read once at start-up from the SSM String parameter <prefix>options and \
            parsed exactly as if given here, and the Rancher token from the SecureString <prefix>rancher-token; \
            a missing parameter or a bad option is reported to Lambda as an init error. Without it, the \
            environment (RANCHER_URL, RANCHER_TOKEN_PARAMETER or RANCHER_TOKEN, RANCHHAND_CLUSTER, …).

            While an invocation runs, every hook waiting in Terminating:Wait in the groups named by --group \
            or --group-prefix is heart-beaten (not only the one being handled), so hooks queued behind long \
            drains do not expire. A scheduled event (the stack's reconcile rule) runs the reconcile pass.
            """
    )

    @OptionGroup var options: ScaleInOptions

    @Option(help: "Seconds before a record handed back unfinished (a drain outlasting the invocation) is delivered again, instead of the rest of the queue's visibility timeout (0-43200; -1 leaves it to the visibility timeout). Failed records always wait the full visibility timeout.")
    var redeliveryDelay = 5

    func validate() throws {
        guard redeliveryDelay == -1 || (0...43200).contains(redeliveryDelay) else {
            throw ValidationError("--redelivery-delay must be -1 or between 0 and 43200 seconds")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let endpoint = environment["AWS_LAMBDA_RUNTIME_API"] else {
            throw ValidationError("AWS_LAMBDA_RUNTIME_API is not set: this mode runs inside Lambda (or the Runtime Interface Emulator)")
        }
        guard let prefix = environment[ParameterStoreSettings.prefixVariable], !prefix.isEmpty else {
            try await Wiring.with(options, label: "ranchhand.scale-in") { wiring in try await serve(endpoint: endpoint, wiring: wiring) }
            return
        }
        // Until the options (and with them the log level) are known, log with the default level.
        let startupLogger = Logger(label: "ranchhand.scale-in") { JSONLogHandler(label: $0) }
        try await AsyncHTTPTransport.scoped(logger: startupLogger) { transport in
            try await configureAndServe(endpoint: endpoint, prefix: prefix, environment: environment, transport: transport, startupLogger: startupLogger)
        }
    }

    private func configureAndServe(endpoint: String, prefix: String, environment: [String: String], transport: AsyncHTTPTransport,
                                   startupLogger: Logger) async throws {
        let api = LiveLambdaRuntimeAPI(endpoint: endpoint, transport: transport)
        let given = Array(CommandLine.arguments.dropFirst())
        guard let startup = await ParameterStoreStartup<LambdaCommand>.configure(
            prefix: prefix,
            ssm: { LiveSSMClient(sender: try await AWSEnvironment.sender(environment: environment, transport: transport, logger: startupLogger)) },
            api: api, logger: startupLogger, subcommand: given.isEmpty ? ["lambda"] : given,
            parse: { arguments in
                guard let command = try ScaleIn.parseAsRoot(arguments) as? LambdaCommand else {
                    throw ValidationError("the options select another subcommand than lambda")
                }
                return command
            },
            parserMessage: { ScaleIn.message(for: $0) },
            needsRancherToken: { _ in true })
        else {
            throw ExitCode(1)
        }
        let wiring = Wiring.make(startup.command.options, label: "ranchhand.scale-in", environment: environment, transport: transport,
                                 rancherToken: startup.rancherToken)
        try await serve(endpoint: endpoint, wiring: wiring)
    }

    private func serve(endpoint: String, wiring: Wiring) async throws {
        let api = LiveLambdaRuntimeAPI(endpoint: endpoint, transport: wiring.transport)
        let handler: any EventRecordHandler
        let aws: AWSRequestSender
        do {
            aws = try await wiring.aws()
            handler = try await wiring.handler(aws: aws, keepsWaitingHooks: true, invisibleCluster: .holdHooks)
        } catch {
            await LambdaLoop.reportInitializationError("\(error)", api: api, logger: wiring.logger)
            throw ExitCode(1)
        }
        let redelivery = redeliveryDelay < 0 ? nil : PromptRedelivery(sqs: LiveSQSClient(sender: aws), delaySeconds: redeliveryDelay)
        await LambdaLoop(api: api, processor: BatchProcessor(handler: handler), logger: wiring.logger, redelivery: redelivery).run()
    }
}

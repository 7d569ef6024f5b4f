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
            and resumed on redelivery. Configure through the environment (RANCHER_URL, \
            RANCHER_TOKEN_PARAMETER, RANCHHAND_CLUSTER, …).
            """
    )

    @OptionGroup var options: ScaleInOptions

    func run() async throws {
        guard let endpoint = ProcessInfo.processInfo.environment["AWS_LAMBDA_RUNTIME_API"] else {
            throw ValidationError("AWS_LAMBDA_RUNTIME_API is not set: this mode runs inside Lambda (or the Runtime Interface Emulator)")
        }
        let wiring = try Wiring.make(options, label: "ranchhand.scale-in")
        let api = LiveLambdaRuntimeAPI(endpoint: endpoint, transport: wiring.transport)
        let handler: any EventRecordHandler
        do {
            handler = try await wiring.handler(aws: try await wiring.aws())
        } catch {
            await LambdaLoop.reportInitializationError("\(error)", api: api, logger: wiring.logger)
            await wiring.transport.shutdown()
            throw ExitCode(1)
        }
        await LambdaLoop(api: api, processor: BatchProcessor(handler: handler), logger: wiring.logger).run()
        await wiring.transport.shutdown()
    }
}

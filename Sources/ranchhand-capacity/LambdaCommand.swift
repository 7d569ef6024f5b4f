import ArgumentParser
import Foundation
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda

struct LambdaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lambda",
        abstract: "Run the Lambda custom-runtime loop (the default when AWS_LAMBDA_RUNTIME_API is set).",
        discussion: """
            Invoke it from an EventBridge schedule: each scheduled event evaluates every scaler (or the \
            ones its detail names, {"scalers": ["web"]}); a CloudWatch alarm state change into ALARM \
            evaluates them at once. The configuration is read once per cold start, from --config or the \
            SSM parameter <RANCHHAND_SSM_PREFIX>config. A failed scaler fails the invocation, so the \
            function's Errors metric and alarm see it. Give the function reserved concurrency 1: two \
            overlapping decisions for one group would fight.
            """
    )

    @OptionGroup var options: CapacityOptions

    @Flag(help: "Decide and log, change nothing.")
    var dryRun = false

    func run() async throws {
        guard let endpoint = ProcessInfo.processInfo.environment["AWS_LAMBDA_RUNTIME_API"] else {
            throw ValidationError("AWS_LAMBDA_RUNTIME_API is not set: this mode runs inside Lambda (or the Runtime Interface Emulator)")
        }
        try await CapacityWiring.with(options, label: "ranchhand.capacity") { wiring in
            let api = LiveLambdaRuntimeAPI(endpoint: endpoint, transport: wiring.transport)
            let handler: CapacityRecordHandler
            do {
                let configuration = try await wiring.configuration()
                let selected = CapacityConfiguration(scalers: try wiring.selected(configuration))
                handler = CapacityRecordHandler(configuration: selected, runner: try await wiring.runner(for: configuration), dryRun: dryRun)
            } catch {
                await LambdaLoop.reportInitializationError("\(error)", api: api, logger: wiring.logger)
                throw ExitCode(1)
            }
            await LambdaLoop(api: api, processor: BatchProcessor(handler: handler), logger: wiring.logger).run()
        }
    }
}

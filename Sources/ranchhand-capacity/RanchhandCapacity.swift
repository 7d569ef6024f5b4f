import ArgumentParser
import CGlibcCompat
import Foundation

/// `ranchhand-capacity`: the capacity adjuster. Wiring only; decisions live in RanchhandHandlers.
@main
struct RanchhandCapacity: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ranchhand-capacity",
        abstract: "Sets an Auto Scaling group's (or a Deployment's) capacity ahead of forecast load.",
        discussion: """
            One YAML file defines several scalers: a target (autoscaling-group or deployment), min/max, \
            period, boostFactor, warmUp, coolDown, a datastore (CloudWatch metric or metric-math \
            expression; Prometheus PromQL) and a strategy (threshold, target-tracking, predictive). \
            `validate-config` checks a file; `plan` prints decisions; `run` applies them once; `loop` \
            keeps running; inside Lambda (AWS_LAMBDA_RUNTIME_API set) scheduled events drive `run`. \
            `simulate` replays a recorded trace through any policy with the same decision code.
            """,
        subcommands: [RunCommand.self, PlanCommand.self, LoopCommand.self, LambdaCommand.self, SimulateCommand.self, ValidateConfigCommand.self],
        defaultSubcommand: ProcessInfo.processInfo.environment["AWS_LAMBDA_RUNTIME_API"] == nil ? nil : LambdaCommand.self
    )
}

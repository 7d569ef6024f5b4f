import ArgumentParser
import Foundation
import RanchhandHandlers

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Evaluate each scaler once: read its metric, decide, and set the target's capacity.",
        discussion: """
            Each scaler reads its load history (CloudWatch GetMetricData or Prometheus query_range, \
            split into queries of at most 11,000 points), reads its target (an Auto Scaling group's \
            desired capacity, InService instances and recent scaling activities; a Deployment's \
            replicas, ready replicas and last-scale annotations), decides with its strategy and applies \
            the change. A failing scaler does not stop the others; the exit status is 1 if any failed. \
            With --dry-run nothing is changed (see also `plan`).
            """
    )

    @OptionGroup var options: CapacityOptions

    @Flag(help: "Decide and print, change nothing.")
    var dryRun = false

    @Flag(help: "Print one JSON object per scaler instead of text.")
    var json = false

    func run() async throws {
        try await Evaluation.once(options, dryRun: dryRun, json: json)
    }
}

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print what each scaler would decide now, with the numbers behind it; change nothing.",
        discussion: "The same reads and decisions as `run --dry-run`. The --dry-run flag is accepted for clarity; plan never writes."
    )

    @OptionGroup var options: CapacityOptions

    @Flag(help: "Accepted for symmetry with run; plan never changes anything.")
    var dryRun = false

    @Flag(help: "Print one JSON object per scaler instead of text.")
    var json = false

    func run() async throws {
        try await Evaluation.once(options, dryRun: true, json: json)
    }
}

/// One evaluation of the selected scalers, printed; shared by `run` and `plan`.
enum Evaluation {
    static func once(_ options: CapacityOptions, dryRun: Bool, json: Bool) async throws {
        let evaluations = try await CapacityWiring.with(options, label: "ranchhand.capacity") { wiring in
            let configuration = try await wiring.configuration()
            let runner = try await wiring.runner(for: configuration)
            return await runner.run(try wiring.selected(configuration), now: Date(), dryRun: dryRun)
        }
        for evaluation in evaluations { print(json ? evaluation.jsonLine : evaluation.text) }
        if evaluations.contains(where: { !$0.succeeded }) { throw ExitCode(1) }
    }
}

import ArgumentParser
import Foundation
import Logging
import RanchhandHandlers
import RanchhandLambda

struct LoopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loop",
        abstract: "Evaluate every scaler on its own period until SIGTERM or SIGINT.",
        discussion: """
            Each scaler runs at multiples of its `period` (aligned to the clock, so restarts keep the \
            rhythm). The configuration is read once at start; send SIGTERM to stop after the evaluation \
            in flight. Windows (warm-up, cool-down) are taken from the target, so a restart loses nothing.
            """
    )

    @OptionGroup var options: CapacityOptions

    @Flag(help: "Decide and log, change nothing.")
    var dryRun = false

    func run() async throws {
        let stop = ShutdownSignal.install()
        try await CapacityWiring.with(options, label: "ranchhand.capacity") { wiring in
            let configuration = try await wiring.configuration()
            try await loop(try wiring.selected(configuration), runner: try await wiring.runner(for: configuration), logger: wiring.logger, stop: stop)
        }
    }

    private func loop(_ scalers: [ScalerConfiguration], runner: CapacityRunner, logger: Logger, stop: ShutdownSignal) async throws {
        var schedule = LoopSchedule(periods: scalers.map { ($0.name, $0.period) }, start: Date())
        logger.info("capacity loop started", metadata: ["scalers": "\(scalers.map(\.name).joined(separator: ","))", "dry_run": "\(dryRun)"])
        while !stop.isRaised {
            let (due, next) = schedule.due(at: Date())
            for name in due where !stop.isRaised {
                guard let scaler = scalers.first(where: { $0.name == name }) else { continue }
                // Written unbuffered: whatever reads the pipe (a log shipper) sees each evaluation at once.
                let line = await runner.evaluate(scaler, now: Date(), dryRun: dryRun).jsonLine
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
            let wait = max(0.05, next.timeIntervalSinceNow)
            // Sleep in short steps so a signal is noticed within a second.
            try? await Task.sleep(for: .seconds(min(1, wait)))
        }
        logger.info("capacity loop stopped")
    }
}

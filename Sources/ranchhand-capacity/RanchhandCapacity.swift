import ArgumentParser
import CGlibcCompat

/// `ranchhand-capacity`: the predictive capacity adjuster. `run`, `plan` and `loop` need the
/// datastore and target clients and come later; this executable is wiring only.
@main
struct RanchhandCapacity: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ranchhand-capacity",
        abstract: "Sets an Auto Scaling group's (or a Deployment's) capacity ahead of forecast load.",
        subcommands: [SimulateCommand.self, ValidateConfigCommand.self]
    )
}

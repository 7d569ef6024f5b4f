import ArgumentParser
import CGlibcCompat

/// `ranchhand demo` and `ranchhand sandbox`. They live in their own binary so that `ranchhand
/// decode`, which runs on every event, links only the event model and starts in milliseconds;
/// `ranchhand` hands these two subcommands over to this binary, installed beside it.
@main
struct RanchhandDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ranchhand",
        abstract: "The demo and the sandbox of ranchhand (run them as `ranchhand demo` and `ranchhand sandbox`).",
        subcommands: [DemoCommand.self, SandboxCommand.self]
    )
}

import ArgumentParser

struct Ranchhand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ranchhand",
        abstract: "Handle EC2 Auto Scaling lifecycle events for Rancher-managed Kubernetes clusters.",
        discussion: """
            ranchhand is a set of small tools: ranchhand-bootstrap (joins a new instance to Rancher), \
            ranchhand-scale-in (drains and deregisters terminating instances), ranchhand-dns and \
            ranchhand-capacity. This umbrella command works on recorded events locally.
            """,
        subcommands: [DecodeCommand.self, DemoHandover.self, SandboxHandover.self]
    )
}

@main
enum RanchhandMain {
    static func main() {
        // Handed over before parsing, so `ranchhand demo --help` is the demo's own help.
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, Handover.subcommands.contains(first) { Handover.exec(arguments) }
        Ranchhand.main()
    }
}

import ArgumentParser

@main
struct Ranchhand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ranchhand",
        abstract: "Handle EC2 Auto Scaling lifecycle events for Rancher-managed Kubernetes clusters.",
        discussion: """
            ranchhand is a set of small tools: ranchhand-bootstrap (joins a new instance to Rancher), \
            ranchhand-scale-in (drains and deregisters terminating instances), ranchhand-dns and \
            ranchhand-capacity. This umbrella command works on recorded events locally.
            """,
        subcommands: [DecodeCommand.self, DemoCommand.self, SandboxCommand.self]
    )
}

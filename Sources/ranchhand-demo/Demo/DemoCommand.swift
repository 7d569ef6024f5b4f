import ArgumentParser
import Foundation
import RanchhandEvents
import RanchhandHTTP
import RanchhandSandbox

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole lifecycle story on this machine, with no AWS account: a join, events, scale-in, DNS, capacity.",
        discussion: """
            Starts the sandbox in-process (fake Rancher, Kubernetes API and IMDS on loopback), then:
            1. bootstraps a worker from a recorded launch lifecycle event: the agent's plan (from the \
            sandbox's IMDS and Rancher) and its join into the sandbox's Rancher — commands printed, not \
            executed, the registration token redacted; the node it would register is added to the sandbox;
            2. decodes a recorded SQS->Lambda batch the way every tool does;
            3. handles a terminate lifecycle event: the scale-in handler cordons, drains and deletes the \
            node in the sandbox's Rancher and completes the hook — AWS calls are printed (dry run) unless \
            AWS_ENDPOINT_URL points at an AWS endpoint such as a moto server, where they are made for real;
            4. plans the DNS records for the sandbox's Ingresses (Route53 dry run);
            5. replays the bundled NASA HTTP trace through the reactive and predictive capacity policies \
            and writes an SVG chart.
            """
    )

    @Option(help: "Where to write the capacity chart.")
    var chart = "ranchhand-demo-capacity.svg"

    @Flag(help: "Skip the capacity simulation (the slowest step in a debug build).")
    var skipCapacity = false

    func run() async throws {
        var configuration = SandboxConfiguration()
        configuration.httpsPort = nil
        configuration.clock = .live(startDate: Date())
        configuration.behaviour.drainDuration = .seconds(2)
        configuration.behaviour.removalDuration = .seconds(1)
        DemoBootstrap.imds(&configuration.imds)
        let sandbox = try await Sandbox.start(configuration)
        await sandbox.world.loadStandardScenario()
        do {
            try await story(sandbox)
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
        if !skipCapacity {
            print("\n== 5. Capacity: the NASA HTTP trace (July-August 1995), reactive vs predictive")
            try DemoCapacity(chartPath: chart).run()
        }
    }

    private func story(_ sandbox: Sandbox) async throws {
        print("== 1. Bootstrap: a launch lifecycle event, the agent's plan for the new worker, its join into Rancher")
        print("   sandbox Rancher and IMDS at \(sandbox.httpURL ?? "?") (clusters home/RKE1 and edge/RKE2)")
        try await AsyncHTTPTransport.scoped { transport in
            try await DemoBootstrap(sandbox: sandbox, cluster: SandboxWorld.standardRKE2Cluster).run(transport: transport)
        }
        print("\n== 2. Events: a recorded SQS->Lambda batch, decoded")
        for record in try EventDecoder.decode(DemoEvents.terminateBatch) {
            if let summary = EventSummary(record) { print("   " + summary.jsonLine) }
        }
        print("\n== 3. Scale-in: a worker of the RKE2 cluster \"edge\" is terminated by its Auto Scaling group")
        try await DemoScaleIn(sandbox: sandbox, environment: ProcessInfo.processInfo.environment).run()
        print("\n== 4. DNS: the plan for the edge cluster's Ingresses (external-dns-compatible ownership, dry run)")
        try await DemoDNS(sandbox: sandbox).run()
    }
}

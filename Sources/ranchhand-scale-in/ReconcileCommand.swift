import ArgumentParser
import Foundation
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda

struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Find and fix what events missed: stale nodes of terminated instances, hooks nobody is handling.",
        discussion: """
            Run on a schedule. Nodes labelled with an instance id whose instance is terminated or gone are \
            deleted (behind the quorum, control-plane and mass-deletion rules); instances of the given \
            groups waiting in Terminating:Wait are handled like a fresh terminate hook. Messages in the \
            dead-letter queue are alerted on by its CloudWatch alarm (infra/).
            """
    )

    @OptionGroup var options: ScaleInOptions
    @Option(name: .customLong("group"), help: "Auto Scaling groups whose waiting instances to handle (repeatable).") var groups: [String] = []
    @Flag(help: "Report what would be done; change nothing.") var dryRun = false

    func run() async throws {
        let wiring = try Wiring.make(options, label: "ranchhand.scale-in")
        let aws = try await wiring.aws()
        let handler = try await wiring.handler(aws: aws)
        let reconciler = ScaleInReconciler(
            rancher: try await wiring.rancher(aws: aws), ec2: LiveEC2Client(sender: aws), autoScaling: LiveAutoScalingClient(sender: aws),
            handler: handler, cluster: try wiring.cluster(), groups: groups.map(AutoScalingGroupName.init(rawValue:)))
        let findings = try await reconciler.run(dryRun: dryRun, context: HandlingContext(deadline: Date().addingTimeInterval(840), logger: wiring.logger))
        for finding in findings { print(finding) }
        if findings.isEmpty { print("nothing to reconcile") }
        await wiring.transport.shutdown()
    }
}

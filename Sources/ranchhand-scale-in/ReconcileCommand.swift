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
        abstract: "Find and fix what events missed: hooks nobody is handling, nodes of vanished instances.",
        discussion: """
            One pass, as the stack's schedule runs it in Lambda and the poller on its timer. Hooks waiting \
            in Terminating:Wait in the groups of --group/--group-prefix for longer than \
            --reconcile-take-over-after are handled like a fresh terminate event (drain, delete, complete); \
            nodes stamped with an instance id whose instance is terminated or gone are deleted (the Machine \
            for RKE2/K3s). Both go through the scale-in executor: the cluster gate, the etcd quorum and \
            control-plane rules and the scale-in budget. An EC2 answer naming none of the stamped instances \
            (a wrong region) or an empty node list stops the pass. --dry-run prints each plan and changes nothing.
            """
    )

    @OptionGroup var options: ScaleInOptions
    @Flag(help: "Print what would be done (one plan per item); change nothing.") var dryRun = false

    func run() async throws {
        let result = try await Wiring.with(options, label: "ranchhand.scale-in") { wiring in
            let handler = try await wiring.handler(aws: try await wiring.aws())
            let context = HandlingContext(deadline: Date().addingTimeInterval(840), logger: wiring.logger)
            return await handler.reconcile(dryRun: dryRun, now: Date(), context: context)
        }
        switch result {
        case .success(let findings):
            for finding in findings { print(finding) }
            if findings.isEmpty { print("nothing to reconcile") }
        case .failure(let failure):
            FileHandle.standardError.write(Data("ranchhand-scale-in reconcile: \(failure)\n".utf8))
            throw ExitCode(1)
        }
    }
}

import ArgumentParser
import CGlibcCompat
import Foundation
import RanchhandLambda

/// `ranchhand-dns`: keeps Route53 in line with the cluster (issue #7). Wiring only: the decisions
/// live in RanchhandHandlers/DNSSync.
@main
struct RanchhandDNS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ranchhand-dns",
        abstract: "Keep Route53 names following the cluster: Ingress hosts and the node-pool record.",
        discussion: """
            Every Ingress host (rules, TLS, hostname annotation) resolves to its load balancer — A ALIAS when \
            the target is an ELB/ALB/NLB host name, CNAME for another host name, A/AAAA for addresses — and \
            the node-pool name lists the Auto Scaling group's InService, healthy instances. Ownership is kept \
            in external-dns's TXT registry format, so ranchhand and external-dns can share a zone and hand \
            records over either way; a record another owner's TXT names, or one without a TXT, is never touched.

            Each sync reads the zone in one ListResourceRecordSets pass (300 per page), plans, and applies the \
            plan in the fewest ChangeResourceRecordSets requests (1,000 records / 32,000 characters each, UPSERT \
            counting twice; a record and its TXT always together). A request Route53 refuses is split so one bad \
            record never blocks the rest; the refused record is reported.

            Triggers: `sync` (once), `watch` (Ingress watch + interval), `poll` (this tool's own SQS queue of \
            Auto Scaling launch/terminate events and scheduled events; never a queue shared with another tool), \
            `replay FILE`, and the Lambda runtime when AWS_LAMBDA_RUNTIME_API is set (options then come from the \
            SSM parameter <RANCHHAND_SSM_PREFIX>options, the Rancher token from <prefix>rancher-token; see \
            `lambda --help`). ranchhand-dns never completes a lifecycle action.

            Environment: AWS credentials and region as the AWS SDKs read them (AWS_ENDPOINT_URL_* honoured), \
            KUBERNETES_TOKEN or RANCHER_TOKEN for the Ingress source.
            """,
        subcommands: [SyncCommand.self, WatchCommand.self, PollCommand.self, ReplayCommand.self, LambdaCommand.self]
    )

    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let environment = ProcessInfo.processInfo.environment
        if let endpoint = environment["AWS_LAMBDA_RUNTIME_API"], arguments.isEmpty || arguments.first == "lambda" {
            if arguments.isEmpty { arguments = ["lambda"] }
            if let prefix = environment[ParameterStoreSettings.prefixVariable], !prefix.isEmpty {
                do {
                    try await LambdaCommand.runFromParameterStore(prefix: prefix, endpoint: endpoint, arguments: arguments, environment: environment)
                } catch {
                    exit(withError: error)
                }
                return
            }
        }
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

import ArgumentParser
import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Handle recorded events locally (any delivery path: EventBridge, SNS, SQS, a bare notification).",
        discussion: """
            With --dry-run each event's plan is printed as one JSON line and nothing is touched: \
            {"version":1,"instanceId":…,"decision":"deregister"|"drain-only"|"skip"|"refuse","reason":…,"steps":[…]}. \
            With --cluster-snapshot FILE the world is read from a snapshot (see `snapshot`) and no \
            network is used at all. Without --dry-run the plan is applied against the configured Rancher \
            and AWS (set AWS_ENDPOINT_URL to aim AWS calls at an emulator).

            Exit status with --dry-run: 0 when every record decoded; 65 when a file or a record of a             batch could not be decoded (one line on stderr each, naming the JSON path and the SQS             message; the good records' plans are still printed). Without --dry-run: 1 when any             record was not handled.
            """
    )

    @OptionGroup var options: ScaleInOptions
    @Argument(help: "Recorded event files.") var files: [String]
    @Flag(help: "Print the plans; change nothing.") var dryRun = false
    @Option(help: "Decide against this snapshot instead of a live Rancher and AWS (requires --dry-run).") var clusterSnapshot: String?

    func validate() throws {
        if clusterSnapshot != nil, !dryRun { throw ValidationError("--cluster-snapshot is for offline planning: add --dry-run") }
    }

    func run() async throws {
        if let clusterSnapshot {
            let world = RecordedScaleInWorld(try ClusterSnapshotFile.load(Data(contentsOf: URL(fileURLWithPath: clusterSnapshot))).snapshot)
            try await printPlans(world: world)
            return
        }
        try await Wiring.with(options, label: "ranchhand.scale-in") { wiring in try await apply(wiring) }
    }

    private func apply(_ wiring: Wiring) async throws {
        let aws = try await wiring.aws()
        if dryRun {
            let rancher = try await wiring.rancher(aws: aws)
            try await printPlans(world: LiveScaleInWorld(
                rancher: rancher, ec2: LiveEC2Client(sender: aws), autoScaling: LiveAutoScalingClient(sender: aws),
                cluster: try wiring.cluster(), budgetWindow: TimeInterval(options.breakerWindow)))
            return
        }
        let processor = BatchProcessor(handler: try await wiring.handler(aws: aws))
        var failed = false
        for file in files {
            let report = await processor.process(Array(try Data(contentsOf: URL(fileURLWithPath: file))),
                                                 context: HandlingContext(deadline: .distantFuture, logger: wiring.logger))
            for result in report.results { print("\(file): \(result.outcome)") }
            failed = failed || report.inputError != nil || report.results.contains { $0.outcome.keepsMessage }
        }
        if failed { throw ExitCode(1) }
    }

    private func printPlans(world: any ScaleInWorld) async throws {
        var undecodable = false
        for file in files {
            let records: [EventRecord]
            do {
                records = try EventDecoder.decode(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
            } catch {
                FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
                undecodable = true
                continue
            }
            for record in records {
                // As `ranchhand decode`: a bad record is a line on stderr and exit 65, not a plan.
                if let error = record.error {
                    let message = record.sqsMessage.map { " (SQS message \($0.messageID))" } ?? ""
                    FileHandle.standardError.write(Data("\(file): \(error)\(message)\n".utf8))
                    undecodable = true
                    continue
                }
                print(try await plan(for: record, world: world).jsonLine)
            }
        }
        if undecodable { throw ExitCode(65) }
    }

    private func plan(for record: EventRecord, world: any ScaleInWorld) async throws -> ScaleInPlan {
        guard case .lifecycleAction(let event)? = record.payload else {
            let why = "\(record.payload?.kind.rawValue ?? "unknown") is not a terminate lifecycle hook"
            return ScaleInPlan(instanceID: record.payload?.instanceID ?? InstanceID(""), verdict: .skip, reason: why, steps: [])
        }
        return ScaleInDecision.plan(for: event, cluster: try await world.snapshot(for: event), policy: options.policy)
    }
}

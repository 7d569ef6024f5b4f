import Foundation
import Logging
import RanchhandClients
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport
import Testing
@testable import ranchhand_scale_in

extension FleetScenarios {
    /// The fleet scenario as deployed: the `ranchhand-scale-in` binary in Lambda mode under the real
    /// Runtime Interface Emulator — one emulator per concurrent execution, as many as the mapping's
    /// MaximumConcurrency — fed by an emulation of the SQS event source mapping (batch size, maximum
    /// concurrency, the queue's visibility timeout and redrive, partial batch responses), configured
    /// only through SSM with the options the template renders. moto with the lifecycle extension (its
    /// sweeper applies heartbeat and global timeouts and counts the hooks that timed out), the
    /// sandbox's Rancher over HTTPS with seeded lognormal drains (some longer than the function's
    /// timeout, so a drain resumes across invocations), a quarter ending `Drained=False`. Every
    /// duration of the stack ÷ 60 (FleetScenario.factor).
    @Suite("Fleet scale-in in Lambda mode (RIE, emulated SQS mapping, stack settings ×60)", .serialized)
    struct LambdaFleetScaleInTests {
        @Test func fiftyOfHundredSixtyWorkersThroughTheMappingWithNoHookLostAndNoUndrainedDeletion() async throws {
            let nodeNames = (0..<160).map { "worker-\($0)" }
            let scenario = try await FleetScenario.start(nodeNames: nodeNames, seed: 17, failing: 0.25, https: true, label: "test.fleet.lambda")
            defer { Task { await scenario.sandbox.stop() } }
            let settings = scenario.settings
            let created = try await scenario.fleet.create(
                scenario.name, groups: ["a": 54, "b": 53, "c": 53].sorted { $0.key < $1.key }.map { ScaleInFleet.GroupSpec(suffix: $0.key, size: $0.value) },
                heartbeatTimeout: Int(settings.heartbeatTimeout),
                queue: ScaleInFleet.QueueSpec(visibilityTimeout: Int(settings.visibilityTimeout.rounded()), maxReceiveCount: settings.maxReceiveCount))
            let instances = created.groups.flatMap(\.instanceIds)
            #expect(instances.count == 160)
            await scenario.addWorkers(instances, names: nodeNames, subnet: 6)
            var random = SandboxRandom(seed: 51)
            let victims = Array(instances.shuffled(using: &random).prefix(50))
            let victimNames = Set(victims.map { nodeNames[instances.firstIndex(of: $0)!] })

            let function = try await LambdaFunction.deploy(scenario)
            defer { function.cleanUp() }
            let mapping = try await function.mapping(from: created, scenario)
            defer { mapping.stop() }

            let started = Date()
            try await scenario.fleet.terminate(victims)
            let longest = FleetScenario.drainScripts(nodeNames, seed: 17, failing: 0.25).filter { victimNames.contains($0.key) }
                .map { Double($0.value.duration.components.seconds) }.max() ?? 0
            let bound = ceil(Double(victims.count) / Double(min(settings.concurrency, 10))) * max(longest, settings.drainTimeout) * 1.5
                + settings.reconcilePeriod
            let fleet = scenario.fleet
            let groups = created.groups.map(\.group)
            let allGone: @Sendable () async -> Bool = {
                guard let states = try? await fleet.states(groups: groups, instanceIDs: victims) else { return false }
                return victims.allSatisfy { states.ec2[$0] == "terminated" }
            }
            // The stack's schedule rule puts a scheduled event into the same queue every period.
            let schedule = Task { try await function.sendScheduledEvents(to: SQSQueueURL(created.queueUrl), every: settings.reconcilePeriod) }
            let limit = Date().addingTimeInterval(bound + 60)
            await mapping.run(shouldStop: { await allGone() || Date() > limit })
            let elapsed = Date().timeIntervalSince(started)
            schedule.cancel()

            let statistics = await mapping.statistics
            let world = scenario.sandbox.world
            let released = await allGone()
            #expect(released, "not every victim was released within \(Int(bound + 60)) s; mapping: \(statistics); \(released ? "" : mapping.output())")
            let deletions = await world.deletionLog
            let deleted = Set(deletions.map(\.nodeName))
            #expect(deleted == victimNames, "wrong or missing deletions: extra \(deleted.subtracting(victimNames)), missing \(victimNames.subtracting(deleted))")
            let undrained = deletions.filter { !$0.podsBound.isEmpty }
            #expect(undrained.isEmpty, "deleted with pods bound: \(undrained)")
            let stale = await world.nodes(in: scenario.cluster).map(\.nodeName).filter { victimNames.contains($0) }
            #expect(stale.isEmpty, "stale nodes: \(stale)")
            #expect(elapsed <= bound, "took \(Int(elapsed)) s; the bound is \(Int(bound)) s")
            let timedOut = try await MotoLifecycleStats.read().timedOut.filter { victims.contains($0.instanceId) }
            #expect(timedOut.isEmpty, "hooks that timed out: \(timedOut)")
            #expect(statistics.failedInvocations == 0, "invocations that errored or ran past the function's timeout: \(statistics.errors)")
            #expect(statistics.recordsHandedBack > 0, "no drain outlived an invocation, so resumption across invocations was not exercised")
            let offsets = deletions.map { Int($0.at.timeIntervalSince(started)) }.sorted()
            print("fleet scale-in (Lambda, RIE ×\(min(settings.concurrency, 10))): 50 of 160 workers: \(Int(elapsed)) s (bound \(Int(bound)) s), "
                  + "\(deletions.count) deletions (at \(offsets.first ?? 0)-\(offsets.last ?? 0) s), \(timedOut.count) hooks timed out; mapping: \(statistics)")
        }
    }
}

/// The scale-in function as infra/handlers.yaml deploys it for `scenario`: the options parameter the
/// template renders (time-compressed values given as the template's parameters and extra options),
/// the token as a SecureString, the executable (the packaged release `bootstrap` under
/// `scripts/test`, else the debug build) and the environment Lambda gives it.
struct LambdaFunction {
    let handler: URL
    let environment: [String: String]
    let unpacked: Bool

    static func deploy(_ scenario: FleetScenario) async throws -> LambdaFunction {
        let settings = scenario.settings
        let (options, _) = try FleetScenario.toolDefaults()
        let f = FleetScenario.factor
        let redeliveryDelay = try LambdaCommand.parse([]).redeliveryDelay
        let compressed = [
            "--redelivery-delay \(Int((Double(redeliveryDelay) / f).rounded()))",
            "--heartbeat-interval \(max(1, options.heartbeatInterval / f))",
            "--poll-interval \(options.pollInterval / f)",
            "--breaker-window \(Int((Double(options.breakerWindow) / f).rounded()))",
            "--reconcile-take-over-after \(Int((Double(options.reconcileTakeOverAfter) / f).rounded()))",
        ]
        let rendered = try TemplateOptions.rendered("ScaleInOptionsParameter", [
            "ClusterName": scenario.name, "RancherUrl": scenario.sandbox.httpsURL!, "RancherClusterId": scenario.cluster.rawValue,
            "ScaleInDrainTimeout": "\(max(1, Int(settings.drainTimeout.rounded())))", "ScaleInMaxDrainWait": "\(Int(settings.maxDrainWait.rounded()))",
            "ScaleInExtraOptions": (["--ca-checksum \(scenario.sandbox.certificateAuthority.caChecksum)", "--log-level warning"] + compressed)
                .joined(separator: " "),
        ])
        #expect(rendered.contains("--lease-table \(scenario.leaseTable)"), "the scenario's lease table is the template's: \(rendered)")
        let prefix = "/ranchhand/\(scenario.name)/scale-in/"
        #expect(scenario.tokenParameter == prefix + "rancher-token", "the token where the template puts it")
        try await AWSTestContext.seed().parameters([
            Seed.Parameter(name: prefix + "options", value: rendered),
        ])
        let packaged = LambdaPackages.directory != nil
        let handler = packaged ? try LambdaPackages.unpack("ranchhand-scale-in") : URL(fileURLWithPath: LambdaBinaries.debug("ranchhand-scale-in"))
        let environment = [
            "AWS_ENDPOINT_URL": try await MotoServer.shared.endpoints().moto, "AWS_REGION": AWSTestContext.region,
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing-session",
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_LAMBDA_FUNCTION_TIMEOUT": "\(Int(settings.functionTimeout.rounded()))",
            "RANCHHAND_SSM_PREFIX": prefix,
        ]
        return LambdaFunction(handler: handler, environment: environment, unpacked: packaged)
    }

    /// The stack's event source mapping from the fleet's hook queue to this function: its batch size
    /// and maximum concurrency (at most ten emulators), the function's timeout.
    func mapping(from created: ScaleInFleet.Created, _ scenario: FleetScenario) async throws -> EventSourceMappingEmulator {
        let settings = scenario.settings
        return try await EventSourceMappingEmulator.start(
            EventSourceMappingEmulator.Settings(queue: SQSQueueURL(created.queueUrl), queueARN: created.queueArn, batchSize: settings.batchSize,
                                                maximumConcurrency: min(settings.concurrency, 10),
                                                functionTimeout: .milliseconds(Int64(settings.functionTimeout * 1000))),
            sqs: LiveSQSClient(sender: scenario.aws), handler: handler.path, environment: environment)
    }

    /// What the schedule rule delivers: the recorded EventBridge scheduled event, once per period.
    func sendScheduledEvents(to queue: SQSQueueURL, every period: Double) async throws {
        let event = try String(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent("events/aws.events/scheduled/eventbridge.json"),
                               encoding: .utf8)
        let seed = try await AWSTestContext.seed()
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(Int64(period * 1000)))
            try await seed.send(queueURL: queue.rawValue, body: event)
        }
    }

    func cleanUp() {
        if unpacked { try? FileManager.default.removeItem(at: handler.deletingLastPathComponent()) }
    }
}

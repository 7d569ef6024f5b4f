import Foundation
import RanchhandClients
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport
import Testing
@testable import ranchhand_scale_in

extension FleetScenarios {
    /// Hooks whose events never reach the handler, in poll and in Lambda mode (FleetDriver; moto
    /// with the lifecycle extension, the sandbox's Rancher, stack settings ÷ 60): only the reconcile
    /// pass — poll's timer, or the schedule rule's events through the function — can find them.
    @Suite("Fleet reconcile (moto, sandbox, stack settings ×60)", .serialized)
    struct FleetReconcileTests {
        /// Eight of twenty workers terminated: five notifications lost (console terminations), three
        /// dead-lettered; three nodes whose instances are long gone. Within the take-over age and a few
        /// periods every hook is completed after a drain, and no stale node is left.
        @Test(arguments: FleetDriver.allCases)
        func hooksWhoseEventsWereLostOrDeadLetteredAndNodesOfVanishedInstancesAreReconciled(_ driver: FleetDriver) async throws {
            let nodeNames = (0..<20).map { "worker-\($0)" }
            let scenario = try await FleetScenario.start(nodeNames: nodeNames, seed: 29, failing: 0.25, https: driver == .lambda,
                                                         label: "test.fleet.reconcile")
            defer { Task { await scenario.sandbox.stop() } }
            let settings = scenario.settings
            let created = try await scenario.fleet.create(
                scenario.name, groups: [ScaleInFleet.GroupSpec(suffix: "a", size: 20)], heartbeatTimeout: Int(settings.heartbeatTimeout),
                queue: ScaleInFleet.QueueSpec(visibilityTimeout: Int(settings.visibilityTimeout.rounded()), maxReceiveCount: settings.maxReceiveCount))
            let instances = created.groups[0].instanceIds
            await scenario.addWorkers(instances, names: nodeNames, subnet: 7)
            let world = scenario.sandbox.world
            for index in 0..<3 {
                _ = await world.addNode(SandboxNodeSpec(name: "ghost-\(index)", roles: .worker, ipAddress: "10.7.1.\(index + 10)",
                                                        instanceID: "i-0dead00000000000\(index)", ready: false), to: scenario.cluster)
            }
            let victims = Array(instances.prefix(8))
            try await scenario.fleet.terminate(victims)
            let lost = try await takeNotifications(of: victims, from: created, scenario, deadLettering: 3)
            #expect(lost == victims.count, "every victim's notification taken off the queue before anyone saw it")

            let session = try await FleetSession.start(driver, scenario, created)
            defer { session.stop() }
            let started = Date()
            let (options, _) = try FleetScenario.toolDefaults()
            let window = Double(options.reconcileTakeOverAfter) / FleetScenario.factor + 3 * settings.reconcilePeriod + settings.drainTimeout
            let fleet = scenario.fleet, group = created.groups[0].group, cluster = scenario.cluster
            let done = try await session.run(timeout: .seconds(Int64(window))) {
                let states = try await fleet.states(groups: [group], instanceIDs: victims)
                let ghosts = await world.nodes(in: cluster).filter { $0.nodeName.hasPrefix("ghost-") }
                return victims.allSatisfy { states.ec2[$0] == "terminated" } && ghosts.isEmpty
            }

            #expect(done, "after \(Int(Date().timeIntervalSince(started))) s some hooks were still stuck or ghosts left")
            let deletions = await world.deletionLog
            let victimNames = Set(victims.map { nodeNames[instances.firstIndex(of: $0)!] })
            #expect(Set(deletions.map(\.nodeName)) == victimNames.union(["ghost-0", "ghost-1", "ghost-2"]), "\(deletions.map(\.nodeName))")
            let undrained = deletions.filter { victimNames.contains($0.nodeName) && !$0.podsBound.isEmpty }
            #expect(undrained.isEmpty, "taken-over hooks are drained like any other: \(undrained)")
            let timedOut = try await MotoLifecycleStats.read().timedOut.filter { victims.contains($0.instanceId) }
            #expect(timedOut.isEmpty, "hooks that timed out: \(timedOut)")
            if let statistics = await session.statistics {
                #expect(statistics.failedInvocations == 0, "\(statistics.errors)")
            }
        }

        /// Takes the victims' hook notifications off the queue — the first `deadLettering` of them into
        /// its dead-letter queue, as a redrive would — and returns how many it found.
        private func takeNotifications(of victims: [String], from created: ScaleInFleet.Created, _ scenario: FleetScenario,
                                       deadLettering: Int) async throws -> Int {
            let sqs = LiveSQSClient(sender: scenario.aws)
            let queue = SQSQueueURL(created.queueUrl), dlq = created.queueUrl + "-dlq"
            let seed = try await AWSTestContext.seed()
            var found = 0
            let limit = Date().addingTimeInterval(30)
            while found < victims.count, Date() < limit {
                for message in try await sqs.receiveMessages(ReceiveMessagesRequest(queue: queue, maximumMessages: 10, waitTimeSeconds: 1,
                                                                                     visibilityTimeoutSeconds: 60)) {
                    if victims.contains(where: message.body.contains) {
                        if found < deadLettering { try await seed.send(queueURL: dlq, body: message.body) }
                        found += 1
                    }
                    _ = try await sqs.deleteMessageBatch(queue: queue, receiptHandles: [message.receiptHandle])
                }
            }
            return found
        }
    }
}

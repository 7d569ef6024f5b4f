import Foundation
import RanchhandClients
import RanchhandHandlers
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// A Running or Hibernated warm pool hands the instance to the group without a boot: the IMDS
/// sandbox's target lifecycle state is switched to InService while the agent's follower polls it,
/// and the node joins then. moto holds the warm-pool launch hook (its Pending:Wait stands for AWS's
/// Warmed:Pending:Wait: moto models no warm pools, the agent completes both with the same call);
/// the sandbox's Rancher over HTTPS sees the join.
@Suite struct BootstrapWarmPoolTests {
    @Test(arguments: ["Warmed:Running", "Warmed:Hibernated"])
    func aWarmInstanceJoinsWhenItEntersServiceWithoutABoot(_ pool: String) async throws {
        try await BootstrapHarness.run(distro: .rke1, configure: { $0.imds.targetLifecycleState = pool }) { harness in
            let host = harness.host()
            let lines = LineCollector()
            let agent = harness.agent(runner: host, lines: lines, realTimeSleep: true)

            let warm = await agent.run(harness.request())
            guard case .prepared = warm else { Issue.record("\(warm): \(lines.lines.joined(separator: "\n"))"); return }
            #expect(try await harness.groupState() == "InService", "the warm-pool hook was continued")
            let unit = try #require(harness.writtenFiles()[HostFiles.followUnitPath])
            #expect(unit.contains("ExecStart=/usr/local/bin/ranchhand-bootstrap follow --ssm-prefix \(harness.prefix)"))
            #expect(await host.changes.contains { $0.command.argv == ["systemctl", "start", "--no-block", HostFiles.followUnitName] })
            #expect(await harness.sandbox.world.nodes(in: harness.cluster).isEmpty, "nothing joins from the pool")

            let follower = Task { await agent.awaitService(every: .milliseconds(200)) }
            let sawWarm = try await Self.eventually { await harness.targetStateReads() >= 3 }
            #expect(sawWarm, "the follower reads the target state while warm")
            #expect(await harness.sandbox.world.nodes(in: harness.cluster).isEmpty)
            await harness.sandbox.world.updateIMDS { $0.targetLifecycleState = "InService" }
            let arrival = await follower.value
            #expect(arrival == .inService)

            let served = await agent.run(harness.request())
            #expect(served.succeeded, "\(lines.lines.joined(separator: "\n"))")
            let node = try #require(await harness.sandbox.world.nodes(in: harness.cluster).first)
            #expect(node.labels[NodeMatcher.instanceIDLabel] == harness.instanceID)
            #expect(lines.lines.contains("follow: target lifecycle state \(pool)") && lines.lines.contains("follow: target lifecycle state InService"))
        }
    }

    @Test func aStoppedPoolNeedsNoFollowerAndAnInstanceTerminatedFromThePoolEndsIt() async throws {
        try await BootstrapHarness.run(distro: .rke1, configure: { $0.imds.targetLifecycleState = "Warmed:Stopped" }) { harness in
            let host = harness.host()
            let lines = LineCollector()
            let agent = harness.agent(runner: host, lines: lines, realTimeSleep: true)
            _ = await agent.run(harness.request())
            #expect(harness.writtenFiles()[HostFiles.followUnitPath] == nil, "a stopped instance boots into service: the boot unit runs")
            await harness.sandbox.world.updateIMDS { $0.targetLifecycleState = "Terminated" }
            #expect(await agent.awaitService(every: .milliseconds(200)) == .gone("the group is terminating the instance"))
        }
    }

    static func eventually(timeout: Duration = .seconds(20), _ done: @Sendable () async -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await done() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return await done()
    }
}

extension BootstrapHarness {
    /// Reads of `autoscaling/target-lifecycle-state` the IMDS sandbox answered.
    func targetStateReads() async -> Int {
        await sandbox.requests().filter { $0.path == "/latest/meta-data/autoscaling/target-lifecycle-state" && $0.status == 200 }.count
    }
}

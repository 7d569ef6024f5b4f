import Foundation
import RanchhandClients
import RanchhandHandlers
import RanchhandSandbox
import Testing

/// Failures end with ABANDON and a reason a person can act on; the group then terminates and
/// replaces the instance (moto's launcher does as AWS does).
@Suite struct BootstrapFaultTests {
    @Test func rancherDownAbandonsWithTheReason() async throws {
        try await BootstrapHarness.run { harness in
            await harness.sandbox.faults.inject(.status(503), on: .path("/v3/"), probability: 1)
            let lines = LineCollector()
            let outcome = await harness.agent(runner: harness.host(), lines: lines).run(harness.request())
            guard case .failed(let reason, let abandoned) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                return
            }
            #expect(abandoned)
            #expect(reason.contains("Rancher") && reason.contains("503"))
            #expect(lines.lines.last?.hasPrefix("ranchhand-bootstrap: failed and abandoned") == true)
            try await expectAbandoned(harness)
        }
    }

    @Test func registrationTokenNeverFilledAbandons() async throws {
        // A cluster without a token: the one the agent creates is never filled in (commands due in a day).
        try await BootstrapHarness.run(defaultToken: false) { harness in
            await harness.sandbox.world.update { $0.registrationCommandDelay = .seconds(86_400) }
            let host = harness.host()
            let lines = LineCollector()
            let outcome = await harness.agent(runner: host, lines: lines).run(harness.request(["registration-token-timeout": "2m"]))
            guard case .failed(let reason, true) = outcome else {
                Issue.record("expected failed and abandoned, got \(outcome)")
                return
            }
            #expect(reason.hasPrefix("join-rancher: no usable registration token for c-d8f82 within 2m0s"), "\(reason)")
            #expect(!(await host.changes.contains { $0.command.argv.starts(with: ["docker", "run"]) }))
            try await expectAbandoned(harness)
        }
    }

    @Test func nodeNeverActiveAbandonsAfterTheJoinTimeout() async throws {
        try await BootstrapHarness.run { harness in
            let lines = LineCollector()
            let outcome = await harness.agent(runner: harness.host(nodeBecomesReady: false), lines: lines)
                .run(harness.request(["join-timeout": "10m"]))
            guard case .failed(let reason, true) = outcome else {
                Issue.record("expected failed and abandoned, got \(outcome)")
                return
            }
            #expect(reason.hasPrefix("wait-node-active: the node did not become active within 10m0s"))
            #expect(reason.contains("is unavailable") && reason.contains("docker logs ranchhand-rancher-agent"))
            #expect(lines.lines.contains { $0.contains("[10/11] wait-node-active: FAILED after 10m") })
            try await expectAbandoned(harness)
        }
    }

    @Test func anEtcdNodeNeverActiveIsHeldNotAbandoned() async throws {
        try await BootstrapHarness.run { harness in
            let lines = LineCollector()
            let outcome = await harness.agent(runner: harness.host(nodeBecomesReady: false), lines: lines)
                .run(harness.request(["roles": "etcd,controlplane"]))
            guard case .held(let reason) = outcome else {
                Issue.record("expected held, got \(outcome)")
                return
            }
            // The member default (30 min), not the worker's 15.
            #expect(reason.hasPrefix("wait-node-active: the node did not become active within 30m0s"), "\(reason)")
            #expect(lines.lines.last?.hasPrefix("ranchhand-bootstrap: held, not abandoned") == true)
            #expect(!outcome.succeeded)
            // Still waiting for a person: not abandoned, not terminated.
            let groupState = try await harness.groupState()
            #expect(groupState == "Pending:Wait")
            let ec2State = try await harness.ec2State()
            #expect(ec2State == "running")
        }
    }

    @Test func dryRunerChangesNothingAnywhere() async throws {
        try await BootstrapHarness.run { harness in
            let printed = LineCollector()
            let dry = DryCommandRunner(probes: harness.host(), print: { printed.append($0) })
            let lines = LineCollector()
            let outcome = await harness.agent(runner: dry, lines: lines).run(harness.request())
            #expect(outcome.succeeded, "\(lines.lines.joined(separator: "\n"))")
            #expect(printed.lines.contains { $0.contains("would run: CATTLE_TOKEN=<registration token, fetched when the step runs> docker run") })
            #expect(lines.lines.contains { $0.contains("would complete lifecycle action ranchhand-launch with CONTINUE") })
            #expect(await harness.sandbox.world.nodes(in: harness.cluster).isEmpty)
            #expect(await harness.sandbox.world.registrationTokens(of: harness.cluster).count == 1)
            let state = try await harness.groupState()
            #expect(state == "Pending:Wait")
        }
    }

    private func expectAbandoned(_ harness: BootstrapHarness) async throws {
        // ABANDON on a launch hook terminates the instance; the group launches a replacement.
        let group = try await harness.groupState(), ec2 = try await harness.ec2State()
        #expect(group == nil)
        #expect(ec2 == "terminated")
    }
}

import Foundation
import RanchhandClients
import RanchhandHandlers
import RanchhandSandbox
import Testing

/// A distro without fail2ban (apt answering as it does for a package no source lists) against
/// the sandbox (fake Rancher + IMDSv2) and moto (the launch hook): best-effort joins with a
/// warning and CONTINUEs the hook; required ABANDONs it, naming the step and the packages. And bad
/// settings: every one reported, nothing written.
@Suite struct BootstrapHardeningTests {
    @Test func withoutAFail2banPackageTheNodeStillJoinsWithAWarning() async throws {
        try await BootstrapHarness.run(distro: .rke1) { harness in
            let lines = LineCollector()
            let outcome = await harness.agent(runner: harness.host(unavailable: ["fail2ban"]), lines: lines).run(harness.request())
            guard case .joined(let detail) = outcome else {
                Issue.record("expected joined, got \(outcome)\n\(lines.lines.joined(separator: "\n"))")
                return
            }
            #expect(detail.contains("launch action completed with CONTINUE"))
            #expect(detail.hasSuffix("; warning: fail2ban skipped (best-effort) after install-fail2ban: could not install fail2ban (fail2ban, python3-systemd) "
                                     + "with apt: `DEBIAN_FRONTEND=noninteractive apt-get install -y -q fail2ban python3-systemd` exited with status 100: "
                                     + "Reading package lists... Building dependency tree... Reading state information... E: Unable to locate package fail2ban"),
                    "\(detail)")
            #expect(lines.lines.contains { $0.contains("] install-fail2ban: FAILED after") })
            #expect(lines.lines.contains { $0.contains("] start-fail2ban: skipped: fail2ban was given up at an earlier step") })
            let groupState = try await harness.groupState()
            #expect(groupState == "InService")
            #expect(await harness.sandbox.world.nodes(in: harness.cluster).first?.state == .active)
            let journal = try #require(harness.writtenFiles()["/var/lib/ranchhand/bootstrap.json"])
            let last = try #require(try JSONSerialization.jsonObject(with: Data(journal.utf8)) as? [String: Any])["lastOutcome"] as? String
            #expect(last?.contains("warning: fail2ban skipped (best-effort) after install-fail2ban") == true, "\(journal)")
            #expect(last?.contains("\n") == false)
        }
    }

    @Test func requiredFail2banAbandonsNamingTheStepAndThePackages() async throws {
        try await BootstrapHarness.run(distro: .rke1) { harness in
            let lines = LineCollector()
            let host = harness.host(unavailable: ["fail2ban"])
            let outcome = await harness.agent(runner: host, lines: lines).run(harness.request(["fail2ban": "required"]))
            guard case .failed(let reason, true) = outcome else {
                Issue.record("expected failed and abandoned, got \(outcome)")
                return
            }
            #expect(reason.hasPrefix("install-fail2ban: could not install fail2ban (fail2ban, python3-systemd) with apt: "), "\(reason)")
            #expect(reason.contains("E: Unable to locate package fail2ban"))
            #expect(!(await host.changes.contains { $0.command.argv.starts(with: ["docker", "run"]) }), "no join after a required step failed")
            let groupState = try await harness.groupState()
            #expect(groupState == nil)
            let ec2State = try await harness.ec2State()
            #expect(ec2State == "terminated")
        }
    }

    @Test func everyBadSettingIsReportedAndNothingIsWritten() async throws {
        try await BootstrapHarness.run(distro: .rke1) { harness in
            let before = harness.writtenFiles()
            let lines = LineCollector()
            let host = harness.host()
            let outcome = await harness.agent(runner: host, lines: lines)
                .run(harness.request(["labels": "novalue", "fail2ban": "sometimes", "log-max-files": "1"]))
            guard case .failed(let reason, _) = outcome else {
                Issue.record("expected a configuration failure, got \(outcome)")
                return
            }
            for fragment in ["flags: labels: 'novalue' is not a valid key=value label", "flags: fail2ban: 'sometimes' must be required, best-effort or off",
                             "flags: log-max-files: '1'"] {
                #expect(reason.contains(fragment), "missing \(fragment) in \(reason)")
            }
            #expect(harness.writtenFiles().keys.sorted() == before.keys.sorted(), "files written despite bad settings")
            #expect(await host.changes.isEmpty)
        }
    }
}

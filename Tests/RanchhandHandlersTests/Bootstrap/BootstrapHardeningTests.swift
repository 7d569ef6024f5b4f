import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

/// What may cost the node: fail2ban as `required | best-effort | off` (and how the setting reads,
/// with the booleans of earlier versions), etcd nodes held rather than abandoned on a join timeout
/// (and the longer default it gets), and settings problems reported all at once.
@Suite struct BootstrapHardeningTests {
    typealias F = BootstrapFixtures
    let fail2banSteps: [BootstrapStepID] = [.configureFail2ban, .installFail2ban, .startFail2ban]

    @Test func bestEffortByDefaultMarksOnlyTheFail2banSteps() {
        let plan = BootstrapDecision.plan(F.inputs(.rke1, os: F.amazonLinux2023))
        for step in plan.steps {
            #expect(step.bestEffort == (fail2banSteps.contains(step.id) ? "fail2ban" : nil), "\(step.id)")
        }
        // Joining and the container runtime RKE1 needs stay fatal.
        #expect(plan.step(.installDocker)?.bestEffort == nil && plan.step(.joinRancher)?.bestEffort == nil)
    }

    @Test func requiredFail2banIsFatalAndOffLeavesItOut() {
        let required = BootstrapDecision.plan(F.inputs(.rke1, settings: BootstrapSettings(fail2ban: Fail2banSettings(mode: .required))))
        #expect(fail2banSteps.allSatisfy { required.step($0) != nil && required.step($0)?.bestEffort == nil })
        let off = BootstrapDecision.plan(F.inputs(.rke1, settings: BootstrapSettings(fail2ban: Fail2banSettings(mode: .off))))
        #expect(fail2banSteps.allSatisfy { off.step($0) == nil })
    }

    @Test func anUnknownPackageManagerIsAWarningForBestEffortFail2ban() {
        let alpine = OperatingSystem(id: "alpine", idLike: [], versionID: "3.20")
        let plan = BootstrapDecision.plan(F.inputs(.rke2, os: alpine))
        guard case .fail(let reason)? = plan.step(.installFail2ban)?.actions.first else {
            Issue.record("expected install-fail2ban to fail on alpine")
            return
        }
        #expect(plan.step(.installFail2ban)?.bestEffort == "fail2ban")
        #expect(reason.contains("fail2ban=off"))
    }

    @Test(arguments: [("required", HardeningMode.required), ("best-effort", .bestEffort), ("off", .off), ("Best-Effort", .bestEffort),
                      ("true", .bestEffort), ("yes", .bestEffort), ("false", .off), ("0", .off)])
    func fail2banSettingReads(_ text: String, _ mode: HardeningMode) throws {
        let resolved = try BootstrapSettings.resolve([SettingsLayer(source: "flags", values: ["fail2ban": text])])
        #expect(resolved.settings.fail2ban.mode == mode)
    }

    @Test func fail2banDefaultsToBestEffort() throws {
        #expect(try BootstrapSettings.resolve([]).settings.fail2ban.mode == .bestEffort)
    }

    @Test(arguments: [("worker", 900), ("etcd", 1800), ("controlplane", 1800), ("etcd,controlplane,worker", 1800)])
    func joinTimeoutDefaultsByRole(_ roles: String, _ seconds: Int) throws {
        let resolved = try BootstrapSettings.resolve([SettingsLayer(source: "flags", values: ["roles": roles])])
        #expect(resolved.settings.joinTimeout == .seconds(seconds))
        let explicit = try BootstrapSettings.resolve([SettingsLayer(source: "flags", values: ["roles": roles, "join-timeout": "20m"])])
        #expect(explicit.settings.joinTimeout == .seconds(1200))
    }

    @Test func onlyEtcdNodesAreHeldOnAJoinTimeout() {
        let etcd = BootstrapDecision.plan(F.inputs(.rke2, settings: BootstrapSettings(roles: [.etcd, .controlPlane])))
        #expect(etcd.holdsOnJoinTimeout)
        #expect(etcd.text(snapshot: nil).contains("except wait-node-active timing out: an etcd member is held"))
        #expect(!BootstrapDecision.plan(F.inputs(.rke2, settings: BootstrapSettings(roles: [.controlPlane]))).holdsOnJoinTimeout)
        #expect(!BootstrapDecision.plan(F.inputs(.rke1)).holdsOnJoinTimeout)
        // Warm pool: nothing joins, so nothing to hold.
        #expect(!BootstrapDecision.plan(F.inputs(.rke2, settings: BootstrapSettings(roles: [.etcd]), target: .warmed("Warmed:Stopped"))).holdsOnJoinTimeout)
    }

    @Test func aLabelWithoutAnEqualsSignAndAnotherBadSettingAreBothReported() {
        let flags = SettingsLayer(source: "flags", values: ["labels": "team=web,novalue", "fail2ban": "sometimes"])
        do {
            _ = try BootstrapSettings.resolve([flags])
            Issue.record("expected configuration problems")
        } catch {
            #expect(error.kind == .configuration)
            #expect(error.message.contains("flags: labels: 'novalue' is not a valid key=value label"), "\(error.message)")
            #expect(error.message.contains("flags: fail2ban: 'sometimes' must be required, best-effort or off"), "\(error.message)")
            #expect(!error.message.contains("team=web"))
        }
        // An empty value is still a label when written with its '='.
        #expect((try? BootstrapSettings.resolve([SettingsLayer(source: "flags", values: ["labels": "edge="])]))?.settings.labels == ["edge": ""])
    }
}

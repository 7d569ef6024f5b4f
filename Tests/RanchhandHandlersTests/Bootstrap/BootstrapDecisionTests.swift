import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

/// The planner's table: distro families, role sets, both join paths, warm pool, re-runs.
@Suite struct BootstrapDecisionTests {
    typealias F = BootstrapFixtures

    @Test func rke1JoinOnDebianRunsEveryStepInOrder() {
        let plan = BootstrapDecision.plan(F.inputs(.rke1))
        #expect(plan.goal == .join)
        #expect(plan.steps.map(\.id) == [.installBootUnit, .configureDocker, .installDocker, .checkDockerVersion, .startDocker,
                                         .configureFail2ban, .installFail2ban, .startFail2ban, .joinRancher, .waitNodeActive, .completeLifecycleAction])
        #expect(plan.launchAction == F.hook().action)
        #expect(F.commands(plan.step(.installDocker)).map(\.argv) == [
            ["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "docker.io"],
        ])
        #expect(F.commands(plan.step(.installFail2ban)).last?.argv == ["apt-get", "install", "-y", "-q", "fail2ban", "python3-systemd"])
        #expect(plan.step(.completeLifecycleAction)?.actions == [.completeLifecycleAction(F.hook().action, .continue)])
    }

    @Test func rke1JoinArgvIsBuiltFromFieldsWithTheTokenOnlyInTheEnvironment() throws {
        var settings = BootstrapSettings(roles: [.worker, .etcd, .controlPlane], labels: ["team": "web", JoinCommands.instanceIDLabel: "forged"])
        settings.taints = [try #require(NodeTaint("dedicated=gpu:NoSchedule"))]
        let join = try #require(BootstrapDecision.plan(F.inputs(.rke1, settings: settings)).step(.joinRancher))
        let commands = F.commands(join)
        #expect(commands.first?.argv == ["docker", "rm", "-f", "ranchhand-rancher-agent"])
        #expect(commands.first?.acceptedStatuses == [0, 1])
        #expect(commands.last?.argv == [
            "docker", "run", "-d", "--privileged", "--restart=unless-stopped", "--net=host", "--name", "ranchhand-rancher-agent",
            "-v", "/etc/kubernetes:/etc/kubernetes", "-v", "/var/run:/var/run", "-e", "CATTLE_TOKEN", "rancher/rancher-agent:v2.9.3",
            "--server", "https://rancher.example.com", "--ca-checksum", F.checksum, "--etcd", "--controlplane", "--worker",
            "--address", "203.0.113.23", "--internal-address", "10.0.1.23", "--node-name", "ip-10-0-1-23.eu-west-1.compute.internal",
            "--label", "ranchhand.io/instance-id=i-0b2f6a3c9d1e4f5a6", "--label", "team=web", "--taints", "dedicated=gpu:NoSchedule",
        ])
        #expect(commands.last?.environment == [.init("CATTLE_TOKEN", .registrationToken)])
        #expect(join.check == [.nodeRegistered])
        #expect(commands.last?.description.contains("CATTLE_TOKEN=<registration token, fetched when the step runs>") == true)
    }

    @Test func rke2JoinFetchesTheInstallScriptTrustingOnlyRancherCAAndWritesKubeletRotation() throws {
        let settings = BootstrapSettings(roles: [.etcd, .controlPlane], taints: [NodeTaint(key: "node-role", value: "cp", effect: "NoExecute")],
                                         nodeName: .shortHostname, address: .private, logRotation: LogRotation(maxSize: "100m", maxFiles: 3))
        let plan = BootstrapDecision.plan(F.inputs(.rke2, settings: settings))
        #expect(plan.steps.map(\.id) == [.installBootUnit, .configureFail2ban, .installFail2ban, .startFail2ban, .configureKubeletLogs,
                                         .joinRancher, .waitNodeActive, .completeLifecycleAction])
        let kubelet = "# Written by ranchhand-bootstrap: container log rotation for the kubelet.\nkubelet-arg+:\n"
            + "  - \"container-log-max-size=100Mi\"\n  - \"container-log-max-files=3\"\n"
        #expect(plan.step(.configureKubeletLogs)?.actions == [.writeFile(path: "/etc/rancher/rke2/config.yaml.d/90-ranchhand.yaml", contents: kubelet, mode: 0o600)])
        let join = try #require(plan.step(.joinRancher))
        #expect(join.actions.first == .writeFile(path: "/var/lib/ranchhand/rancher-ca.pem", contents: F.caPEM + "\n", mode: 0o644))
        #expect(F.commands(join).map(\.argv) == [
            ["curl", "-fsSL", "--retry", "5", "--retry-delay", "3", "--retry-connrefused", "--cacert", "/var/lib/ranchhand/rancher-ca.pem",
             "-o", "/var/lib/ranchhand/system-agent-install.sh", "https://rancher.example.com/system-agent-install.sh"],
            ["sh", "/var/lib/ranchhand/system-agent-install.sh", "--server", "https://rancher.example.com", "--label", "cattle.io/os=linux",
             "--ca-checksum", F.checksum, "--etcd", "--controlplane", "--node-name", "ip-10-0-1-23", "--address", "10.0.1.23",
             "--internal-address", "10.0.1.23", "--label", "ranchhand.io/instance-id=i-0b2f6a3c9d1e4f5a6", "--taint", "node-role=cp:NoExecute"],
        ])
        #expect(F.commands(join).last?.environment == [.init("CATTLE_TOKEN", .registrationToken)])
    }

    @Test func publiclyTrustedRancherGetsNoChecksumAndNoCAFile() throws {
        var inputs = F.inputs(.k3s)
        inputs.rancher = F.rancher(.k3s, privateCA: false)
        let plan = BootstrapDecision.plan(inputs)
        #expect(plan.step(.configureKubeletLogs)?.check.first == .file(path: "/etc/rancher/k3s/config.yaml.d/90-ranchhand.yaml",
                                                                        contents: HostFiles.kubeletLogConfig(LogRotation()), mode: 0o600))
        let join = try #require(plan.step(.joinRancher))
        #expect(!join.actions.contains { if case .writeFile = $0 { true } else { false } })
        #expect(F.commands(join).allSatisfy { !$0.argv.contains("--ca-checksum") && !$0.argv.contains("--cacert") })
    }

    @Test(arguments: [
        (BootstrapFixtures.amazonLinux2023, PackageManager.dnf, "docker"),
        (BootstrapFixtures.amazonLinux2, .yum, "docker"),
        (BootstrapFixtures.rocky9, .dnf, "docker"),
        (BootstrapFixtures.ubuntu, .apt, "docker.io"),
    ])
    func distroFamiliesPickTheirPackageManager(os: OperatingSystem, manager: PackageManager, docker: String) {
        let plan = BootstrapDecision.plan(F.inputs(.rke1, os: os))
        #expect(plan.step(.installDocker)?.check == [.packagesInstalled([docker], manager)])
        #expect(plan.step(.checkDockerVersion)?.check == [.packageVersion(docker, manager, accepted: BootstrapSettings.defaultDockerVersions)])
        let install = F.commands(plan.step(.installDocker)).last?.argv
        #expect(install == (manager == .apt ? ["apt-get", "install", "-y", "-q", docker] : [manager.rawValue, "install", "-y", "-q", docker]))
        let fail2ban = manager == .apt ? ["fail2ban", "python3-systemd"] : ["fail2ban", "fail2ban-systemd"]
        #expect(plan.step(.installFail2ban)?.check == [.packagesInstalled(fail2ban, manager)])
    }

    @Test func unknownDistroFailsTheInstallStepsWithAReason() {
        let plan = BootstrapDecision.plan(F.inputs(.rke1, os: OperatingSystem(id: "alpine", versionID: "3.20")))
        guard case .fail(let reason)? = plan.step(.installDocker)?.actions.first else {
            Issue.record("expected a failing install step")
            return
        }
        #expect(reason.contains("ID=alpine") && reason.contains("docker=never"))
    }

    @Test func warmPoolPreparesButDoesNotJoinAndStillCompletesTheHook() {
        let plan = BootstrapDecision.plan(F.inputs(.rke1, target: .warmed("Warmed:Stopped"), hook: F.hook(state: "Warmed:Pending:Wait")))
        #expect(plan.goal == .warmPool)
        #expect(!plan.steps.contains { [.joinRancher, .waitNodeActive, .uncordonNode].contains($0.id) })
        #expect(plan.steps.contains { $0.id == .installDocker })
        #expect(plan.steps.last?.id == .completeLifecycleAction)
        #expect(plan.summary.contains("prepare for the warm pool"))
    }

    @Test(arguments: ["Warmed:Running", "Warmed:Hibernated"])
    func aPoolWithoutABootStartsTheFollowerBeforeTheHookIsCompleted(_ pool: String) throws {
        let plan = BootstrapDecision.plan(F.inputs(.rke1, target: .warmed(pool), hook: F.hook(state: "Warmed:Pending:Wait")))
        let ids = plan.steps.map(\.id)
        let follower = try #require(plan.steps.first { $0.id == .startServiceFollower })
        #expect(ids.firstIndex(of: .startServiceFollower)! < ids.firstIndex(of: .completeLifecycleAction)!,
                "the follower is running before the pool may move the instance")
        #expect(!ids.contains(.joinRancher))
        #expect(follower.actions.contains(.run(HostCommand(["systemctl", "start", "--no-block", HostFiles.followUnitName], requiresBootedSystem: true))))
        let unit = HostFiles.followUnit(agentPath: BootstrapSettings().agentPath, arguments: ["follow", "--ssm-prefix", "/ranchhand/home/"])
        #expect(follower.check == [.file(path: HostFiles.followUnitPath, contents: unit, mode: 0o644), .unitActive(HostFiles.followUnitName)])
        for target: TargetLifecycleState in [.warmed("Warmed:Stopped"), .inService] {
            #expect(!BootstrapDecision.plan(F.inputs(.rke1, target: target)).steps.contains { $0.id == .startServiceFollower }, "\(target) boots into service")
        }
    }

    @Test func backFromTheWarmPoolUncordonsTheDrainedNodeInsteadOfJoining() {
        let drained = F.node(.rke1, state: .drained, unschedulable: true)
        let plan = BootstrapDecision.plan(F.inputs(.rke1, node: drained))
        #expect(plan.goal == .rejoin)
        #expect(plan.steps.suffix(3).map(\.id) == [.uncordonNode, .waitNodeActive, .completeLifecycleAction])
        #expect(!plan.steps.contains { $0.id == .joinRancher })
        #expect(!HostSnapshot(node: drained).satisfies(.nodeSchedulable))
    }

    @Test(arguments: [ClusterKind.rke1, .rke2, .k3s])
    func reRunWithEverythingDoneHasNothingToDo(kind: ClusterKind) {
        let firstPlan = BootstrapDecision.plan(F.inputs(kind))
        let node = F.node(kind)
        let after = F.finished(firstPlan, node: node)
        #expect(firstPlan.steps.allSatisfy { after.isSatisfied($0) })
        // The next boot finds the node: the plan changes to "rejoin", and still nothing is pending.
        let reboot = BootstrapDecision.plan(F.inputs(kind, hook: F.hook(state: "InService"), node: node))
        #expect(reboot.goal == .rejoin)
        #expect(reboot.launchAction == nil, "nothing waits, so nothing would be abandoned")
        #expect(reboot.steps.filter { !after.isSatisfied($0) }.map(\.id) == [])
        #expect(reboot.text(snapshot: after).contains("0 pending: nothing to do"))
    }

    @Test func freshHostHasEveryStepPending() {
        let plan = BootstrapDecision.plan(F.inputs(.rke1))
        let fresh = HostSnapshot(lifecycleState: "Pending:Wait")
        #expect(plan.steps.allSatisfy { !fresh.isSatisfied($0) })
    }

    @Test func unsupportedDockerVersionLeavesTheVersionCheckPending() {
        let plan = BootstrapDecision.plan(F.inputs(.rke1))
        let snapshot = F.finished(plan, node: F.node(.rke1), dockerVersion: "5:28.1.1-1~debian.12")
        #expect(plan.steps.filter { !snapshot.isSatisfied($0) }.map(\.id) == [.checkDockerVersion])
    }

    @Test func prepareOnlyHasHostStepsOnlyAndNothingToAbandon() {
        let plan = BootstrapDecision.plan(F.inputs(nil, settings: BootstrapSettings(docker: .always), prepareOnly: true))
        #expect(plan.goal == .prepareOnly)
        #expect(plan.steps.map(\.id) == [.installBootUnit, .configureDocker, .installDocker, .startDocker, .configureFail2ban, .installFail2ban, .startFail2ban])
        #expect(plan.launchAction == nil)
    }

    @Test func dockerChoiceAndFail2banSwitch() {
        let always = BootstrapDecision.plan(F.inputs(.rke2, settings: BootstrapSettings(docker: .always)))
        #expect(always.steps.contains { $0.id == .installDocker } && !always.steps.contains { $0.id == .checkDockerVersion })
        let never = BootstrapDecision.plan(F.inputs(.rke1, settings: BootstrapSettings(docker: .never, fail2ban: Fail2banSettings(mode: .off))))
        #expect(never.steps.map(\.id) == [.installBootUnit, .joinRancher, .waitNodeActive, .completeLifecycleAction])
    }

    @Test func withoutALaunchHookNothingIsCompleted() {
        let plan = BootstrapDecision.plan(F.inputs(.rke1, target: .notInGroup, hook: nil))
        #expect(plan.goal == .join)
        #expect(plan.step(.completeLifecycleAction) == nil && plan.launchAction == nil)
    }

    @Test func addressFollowsTheSetting() throws {
        let privateOnly = BootstrapDecision.plan(F.inputs(.rke1, identity: F.identity(publicIP: nil)))
        let argv = try #require(F.commands(privateOnly.step(.joinRancher)).last?.argv)
        #expect(argv.split(separator: "--address").last?.first == "10.0.1.23")
        let named = BootstrapDecision.plan(F.inputs(.rke1, settings: BootstrapSettings(nodeName: .instanceID)))
        #expect(F.commands(named.step(.joinRancher)).last?.argv.contains("i-0b2f6a3c9d1e4f5a6") == true)
    }

    @Test func unreadableDaemonJSONFailsConfigureDockerWithWhatToDo() {
        let plan = BootstrapDecision.plan(F.inputs(.rke1, daemonJSON: "{ not json"))
        guard case .fail(let reason)? = plan.step(.configureDocker)?.actions.first else {
            Issue.record("expected configure-docker to fail")
            return
        }
        #expect(reason.contains("/etc/docker/daemon.json") && reason.contains("fix or remove it"))
    }

    @Test func planTextShowsCommandsFilesAndStatusButNoSecret() {
        var settings = BootstrapSettings()
        settings.rancherToken = BootstrapSecret("token-abcde:supersecretvalue")
        let plan = BootstrapDecision.plan(F.inputs(.rke1, settings: settings))
        let text = plan.text(snapshot: HostSnapshot(lifecycleState: "Pending:Wait"))
        #expect(text.contains("install-docker") && text.contains("pending"))
        #expect(text.contains("run: DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io"))
        #expect(text.contains("| [sshd]"))
        #expect(text.contains("on any failure (except a best-effort step's): complete lifecycle action ranchhand-launch"))
        #expect(text.contains("on failure: a warning; the rest of fail2ban is skipped and the plan goes on (best-effort)"))
        #expect(!text.contains("supersecretvalue"))
        #expect("\(settings)".contains("<redacted>") && !"\(settings)".contains("supersecretvalue"))
    }
}

/// The start-up warning about the bootstrap token's reach, for each thing the cluster list can show.
@Suite struct TokenScopeWarningTests {
    func facts(_ scope: TokenScope) -> RancherFacts {
        var facts = BootstrapFixtures.rancher(.rke1, node: nil)
        facts.tokenScope = scope
        return facts
    }

    @Test func eachScopeSaysWhatItKnows() {
        #expect(BootstrapAgent.tokenScopeWarning(facts(.onlyThisCluster)) == nil)
        let many = (1...7).map { RancherClusterID("c-\($0)") }
        let warning = BootstrapAgent.tokenScopeWarning(facts(.alsoSees(many)))
        #expect(warning?.contains("sees 7 clusters besides") == true && warning?.contains("c-1, c-2, c-3, c-4, c-5, …") == true)
        #expect(BootstrapAgent.tokenScopeWarning(facts(.unchecked("HTTP 503"))) == "warning: could not list Rancher's clusters to check the token's scope (HTTP 503); the join goes on")
    }
}

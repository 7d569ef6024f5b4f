import RanchhandClients
import RanchhandEvents

/// The pure decision: from what the agent learnt (instance, group, hook, host, Rancher) and its
/// settings, the ordered steps, each with its "already satisfied?" check. No I/O.
public enum BootstrapDecision {
    public static func plan(_ inputs: BootstrapInputs) -> BootstrapPlan {
        let goal = goal(inputs)
        let settings = inputs.settings
        let kind = inputs.rancher?.kind
        var steps = [bootUnit(inputs)]
        let packages = inputs.host.operatingSystem.packageManager
        let wantsDocker = settings.docker == .always || (settings.docker == .auto && kind == .rke1)
        if wantsDocker {
            steps += docker(inputs, packages: packages, checkVersion: kind == .rke1)
        }
        if settings.fail2ban.enabled {
            steps += fail2ban(inputs, packages: packages)
        }
        if let kind, !kind.usesDocker {
            let path = HostFiles.kubeletConfigPath(kind)
            let contents = HostFiles.kubeletLogConfig(settings.logRotation)
            steps.append(BootstrapStep(.configureKubeletLogs, "set the kubelet's container log rotation in \(path)",
                                       check: [.file(path: path, contents: contents, mode: 0o600)],
                                       actions: [.writeFile(path: path, contents: contents, mode: 0o600)]))
        }
        if goal == .warmPool, case .warmed(let state) = inputs.target, state != "Warmed:Stopped" {
            steps.append(follower(inputs))
        }
        if let rancher = inputs.rancher {
            let node = NodeRegistration(settings: settings, identity: inputs.identity)
            switch goal {
            case .join:
                let actions: [BootstrapAction] = rancher.kind == .rke1
                    ? JoinCommands.rke1(rancher, node).map(BootstrapAction.run) : JoinCommands.systemAgent(rancher, node)
                steps.append(BootstrapStep(.joinRancher, "register with \(rancher.cluster.name) (\(rancher.cluster.id), \(rancher.kind.rawValue.uppercased())) as \(node.nodeName)",
                                           check: [.nodeRegistered], actions: actions))
            case .rejoin:
                steps.append(BootstrapStep(.uncordonNode, "make \(rancher.node?.id.rawValue ?? node.nodeName) schedulable again",
                                           check: [.nodeSchedulable], actions: [.uncordonNode]))
            case .warmPool, .prepareOnly:
                break
            }
            if goal == .join || goal == .rejoin {
                steps.append(BootstrapStep(.waitNodeActive, "wait until the node is active in Rancher (at most \(BootstrapProgress.seconds(settings.joinTimeout)))",
                                           check: [.nodeActive], actions: [.waitForNodeActive(timeout: settings.joinTimeout)]))
            }
        }
        if let hook = inputs.launchHook, !inputs.prepareOnly {
            steps.append(BootstrapStep(.completeLifecycleAction, "complete launch lifecycle action \(hook.hook.name) with CONTINUE",
                                       check: [.lifecycleActionCompleted], actions: [.completeLifecycleAction(hook.action, .continue)]))
        }
        return BootstrapPlan(instanceID: inputs.identity.instanceID, goal: goal, summary: summary(inputs, goal: goal), steps: steps,
                             launchAction: inputs.prepareOnly ? nil : inputs.launchHook.flatMap { $0.isWaiting ? $0.action : nil },
                             holdsOnJoinTimeout: settings.roles.contains(.etcd) && steps.contains { $0.id == .waitNodeActive })
    }

    static func goal(_ inputs: BootstrapInputs) -> BootstrapGoal {
        if inputs.prepareOnly { return .prepareOnly }
        switch inputs.target {
        case .warmed, .other: return .warmPool
        case .inService, .notInGroup: return inputs.rancher?.node == nil ? .join : .rejoin
        }
    }

    private static func bootUnit(_ inputs: BootstrapInputs) -> BootstrapStep {
        let unit = HostFiles.bootUnit(agentPath: inputs.settings.agentPath, arguments: inputs.unitArguments)
        let name = HostFiles.bootUnitName
        return BootstrapStep(.installBootUnit, "install \(name) so the agent runs at every boot",
                             check: [.file(path: HostFiles.bootUnitPath, contents: unit, mode: 0o644), .unitEnabled(name)],
                             actions: [.writeFile(path: HostFiles.bootUnitPath, contents: unit, mode: 0o644),
                                       .run(systemctl("daemon-reload", booted: true)), .run(systemctl("enable", name))])
    }

    /// A Running or Hibernated warm pool hands the instance to the group without a boot: the
    /// follower unit watches IMDS and runs the join then (`ranchhand-bootstrap follow`).
    private static func follower(_ inputs: BootstrapInputs) -> BootstrapStep {
        let arguments = ["follow"] + (inputs.unitArguments.first == "run" ? Array(inputs.unitArguments.dropFirst()) : inputs.unitArguments)
        let unit = HostFiles.followUnit(agentPath: inputs.settings.agentPath, arguments: arguments)
        let name = HostFiles.followUnitName
        return BootstrapStep(.startServiceFollower, "start \(name) to join when the instance leaves the warm pool (\(inputs.target)) without a boot",
                             check: [.file(path: HostFiles.followUnitPath, contents: unit, mode: 0o644), .unitActive(name)],
                             actions: [.writeFile(path: HostFiles.followUnitPath, contents: unit, mode: 0o644),
                                       .run(systemctl("daemon-reload", booted: true)), .run(HostCommand(["systemctl", "start", "--no-block", name], requiresBootedSystem: true))])
    }

    private static func docker(_ inputs: BootstrapInputs, packages: PackageManager?, checkVersion: Bool) -> [BootstrapStep] {
        let rotation = inputs.settings.logRotation
        let configure: BootstrapStep
        do {
            let merged = try HostFiles.mergedDockerDaemonJSON(existing: inputs.host.dockerDaemonJSON, rotation: rotation)
            configure = BootstrapStep(.configureDocker, "rotate container logs in \(HostFiles.dockerDaemonPath) (json-file, \(rotation.maxSize) × \(rotation.maxFiles))",
                                      check: [.file(path: HostFiles.dockerDaemonPath, contents: merged, mode: 0o644)],
                                      actions: [.writeFile(path: HostFiles.dockerDaemonPath, contents: merged, mode: 0o644),
                                                .run(systemctl("try-restart", "docker.service", booted: true))])
        } catch {
            configure = BootstrapStep(.configureDocker, "rotate container logs in \(HostFiles.dockerDaemonPath)", check: [], actions: [.fail(error.message)])
        }
        guard let packages else { return [configure, unsupported(.installDocker, inputs)] }
        let package = inputs.settings.dockerPackage ?? inputs.host.operatingSystem.dockerPackage
        var steps = [configure, install(.installDocker, "Docker", [package], packages)]
        if checkVersion {
            let accepted = inputs.settings.dockerVersions
            steps.append(BootstrapStep(.checkDockerVersion, "check \(package) is a Docker version RKE1 supports (\(accepted.joined(separator: ", ")))",
                                       check: [.packageVersion(package, packages, accepted: accepted)],
                                       actions: [.requirePackageVersion(package, packages, accepted: accepted)]))
        }
        steps.append(start(.startDocker, "docker.service", verify: nil))
        return steps
    }

    private static func fail2ban(_ inputs: BootstrapInputs, packages: PackageManager?) -> [BootstrapStep] {
        let jail = HostFiles.fail2banJail(inputs.settings.fail2ban)
        let configure = BootstrapStep(.configureFail2ban, "write the sshd jail \(HostFiles.fail2banJailPath)",
                                      check: [.file(path: HostFiles.fail2banJailPath, contents: jail, mode: 0o644)],
                                      actions: [.writeFile(path: HostFiles.fail2banJailPath, contents: jail, mode: 0o644),
                                                .run(systemctl("try-reload-or-restart", "fail2ban.service", booted: true))])
        let names = inputs.host.operatingSystem.fail2banPackages
        let steps = packages.map { packages in
            [configure, install(.installFail2ban, "fail2ban", names, packages),
             start(.startFail2ban, "fail2ban.service", verify: HostCommand(["fail2ban-client", "-t"]))]
        } ?? [configure, unsupported(.installFail2ban, inputs)]
        guard inputs.settings.fail2ban.mode == .bestEffort else { return steps }
        return steps.map { step in
            var step = step
            step.bestEffort = "fail2ban"
            return step
        }
    }

    private static func install(_ id: BootstrapStepID, _ what: String, _ names: [String], _ manager: PackageManager) -> BootstrapStep {
        let quiet = HostCommand.Variable("DEBIAN_FRONTEND", .text("noninteractive"))
        let commands: [HostCommand] = switch manager {
        case .apt: [HostCommand(["apt-get", "update", "-q"], environment: [quiet]), HostCommand(["apt-get", "install", "-y", "-q"] + names, environment: [quiet])]
        case .dnf: [HostCommand(["dnf", "install", "-y", "-q"] + names)]
        case .yum: [HostCommand(["yum", "install", "-y", "-q"] + names)]
        }
        return BootstrapStep(id, "install \(what) (\(names.joined(separator: ", "))) with \(manager.rawValue)",
                             check: [.packagesInstalled(names, manager)], actions: commands.map(BootstrapAction.run))
    }

    private static func start(_ id: BootstrapStepID, _ unit: String, verify: HostCommand?) -> BootstrapStep {
        let actions = (verify.map { [BootstrapAction.run($0)] } ?? []) + [.run(systemctl("enable", unit)), .run(systemctl("start", unit, booted: true))]
        return BootstrapStep(id, "enable and start \(unit)", check: [.unitEnabled(unit), .unitActive(unit)], actions: actions)
    }

    private static func unsupported(_ id: BootstrapStepID, _ inputs: BootstrapInputs) -> BootstrapStep {
        let os = inputs.host.operatingSystem
        return BootstrapStep(id, "install packages", check: [], actions: [.fail(
            "\(os.prettyName) (ID=\(os.id)) has no package manager the agent knows (apt, dnf, yum): "
                + "use a Debian, Ubuntu, Amazon Linux or RHEL-family image, or set docker=never and fail2ban=off")])
    }

    /// `systemctl VERB [unit]`; `booted` marks verbs that need a running systemd (skipped in a chroot).
    static func systemctl(_ verb: String, _ unit: String? = nil, booted: Bool = false) -> HostCommand {
        HostCommand(["systemctl", verb] + (unit.map { [$0] } ?? []), requiresBootedSystem: booted)
    }

    private static func summary(_ inputs: BootstrapInputs, goal: BootstrapGoal) -> String {
        let identity = inputs.identity
        var text = "\(identity.instanceID)"
        if let group = identity.group { text += " in \(group)" }
        text += " (\(inputs.target))"
        let roles = inputs.settings.orderedRoles.map(\.rawValue).joined(separator: ",")
        let cluster = inputs.rancher.map { "\($0.cluster.name) (\($0.cluster.id), \($0.kind.rawValue.uppercased()))" } ?? "no cluster"
        switch goal {
        case .join: text += ": join \(cluster) as \(roles)"
        case .rejoin: text += ": already registered in \(cluster) as \(inputs.rancher?.node?.id.rawValue ?? "?"); make it active"
        case .warmPool: text += ": prepare for the warm pool (no join)"
        case .prepareOnly: text += ": prepare the host only"
        }
        if let hook = inputs.launchHook, !inputs.prepareOnly {
            text += "; launch hook \(hook.hook.name) \(hook.isWaiting ? "waiting" : "not waiting (\(hook.instanceState ?? "unknown"))")"
        }
        return text
    }
}

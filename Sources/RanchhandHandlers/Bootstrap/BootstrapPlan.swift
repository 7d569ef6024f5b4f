import Foundation
import RanchhandClients
import RanchhandEvents

/// The steps the agent knows, in the order a plan lists them.
public enum BootstrapStepID: String, Sendable, Hashable, CaseIterable, Codable {
    case installBootUnit = "install-boot-unit"
    case configureDocker = "configure-docker"
    case installDocker = "install-docker"
    case checkDockerVersion = "check-docker-version"
    case startDocker = "start-docker"
    case configureFail2ban = "configure-fail2ban"
    case installFail2ban = "install-fail2ban"
    case startFail2ban = "start-fail2ban"
    case configureKubeletLogs = "configure-kubelet-logs"
    case startServiceFollower = "start-service-follower"
    case joinRancher = "join-rancher"
    case uncordonNode = "uncordon-node"
    case waitNodeActive = "wait-node-active"
    case completeLifecycleAction = "complete-lifecycle-action"
}

/// "Already satisfied?" as data. A step is skipped when all its conditions hold; the agent
/// evaluates them against the live host right before the step (`HostSnapshot`).
public enum BootstrapCondition: Sendable, Hashable {
    /// The file exists with exactly these bytes and this mode.
    case file(path: String, contents: String, mode: Int)
    case packagesInstalled([String], PackageManager)
    /// Installed, at one of these `major.minor` versions.
    case packageVersion(String, PackageManager, accepted: [String])
    case unitEnabled(String)
    case unitActive(String)
    /// A Rancher node carries this instance's `ranchhand.io/instance-id` label.
    case nodeRegistered
    case nodeActive
    case nodeSchedulable
    /// The instance is not waiting in `Pending:Wait` / `Warmed:Pending:Wait`.
    case lifecycleActionCompleted
}

/// A variable for a command's environment. The registration token is fetched from Rancher right
/// before the command runs and is never part of a plan, its printout or the log.
public enum CommandValue: Sendable, Hashable {
    case text(String)
    case registrationToken
}

/// One program and its arguments, run without a shell: nothing received over the network is ever
/// handed to `sh -c` or `eval`.
public struct HostCommand: Sendable, Hashable, CustomStringConvertible {
    public var argv: [String]
    public var environment: [Variable]
    /// Exit statuses that count as success (`docker rm -f` of a missing container exits 1).
    public var acceptedStatuses: Set<Int32>
    /// Reads the host without changing it (`dpkg-query`, `systemctl is-active`): run even by `plan`
    /// and `--runner dry`.
    public var isProbe: Bool
    /// Needs a running systemd (`systemctl start`, `daemon-reload`): skipped, and said so, in a
    /// chroot or image build, where the service starts at the next boot instead.
    public var requiresBootedSystem: Bool

    public struct Variable: Sendable, Hashable {
        public var name: String
        public var value: CommandValue
        public init(_ name: String, _ value: CommandValue) {
            self.name = name
            self.value = value
        }
    }

    public init(_ argv: [String], environment: [Variable] = [], acceptedStatuses: Set<Int32> = [0], isProbe: Bool = false,
                requiresBootedSystem: Bool = false) {
        self.argv = argv
        self.environment = environment
        self.acceptedStatuses = acceptedStatuses
        self.isProbe = isProbe
        self.requiresBootedSystem = requiresBootedSystem
    }

    public var needsRegistrationToken: Bool { environment.contains { $0.value == .registrationToken } }

    /// Shell-quoted for people to read; secrets show as placeholders.
    public var description: String {
        let variables = environment.map { variable -> String in
            switch variable.value {
            case .text(let text): "\(variable.name)=\(ShellQuoting.quote(text))"
            case .registrationToken: "\(variable.name)=<registration token, fetched when the step runs>"
            }
        }
        return (variables + argv.map(ShellQuoting.quote)).joined(separator: " ")
    }
}

/// What a step does, in order.
public enum BootstrapAction: Sendable, Hashable {
    /// Written atomically (temporary file, then rename), directories created as needed.
    case writeFile(path: String, contents: String, mode: Int)
    case run(HostCommand)
    /// Fails the step unless the package is installed at one of the accepted versions.
    case requirePackageVersion(String, PackageManager, accepted: [String])
    case waitForNodeActive(timeout: Duration)
    case uncordonNode
    case completeLifecycleAction(LifecycleActionReference, LifecycleActionResult)
    /// The planner already knows this cannot work (an unreadable daemon.json): fail with why.
    case fail(String)
}

public struct BootstrapStep: Sendable, Hashable {
    public var id: BootstrapStepID
    /// One line for people: "install Docker (docker.io) with apt".
    public var title: String
    /// All must hold for the step to be skipped; empty means it always runs.
    public var check: [BootstrapCondition]
    public var actions: [BootstrapAction]
    /// The best-effort hardening this step is part of ("fail2ban"): when it fails, the part's
    /// remaining steps are skipped with a warning and the plan goes on. Nil: a failure fails the plan.
    public var bestEffort: String?

    public init(_ id: BootstrapStepID, _ title: String, check: [BootstrapCondition], actions: [BootstrapAction], bestEffort: String? = nil) {
        self.id = id
        self.title = title
        self.check = check
        self.actions = actions
        self.bestEffort = bestEffort
    }

    /// Starting services needs a booted systemd (a chroot or image build has none).
    public var needsRunningSystem: Bool { [.startDocker, .startFail2ban].contains(id) }
}

/// Why the agent runs and what it aims for.
public enum BootstrapGoal: String, Sendable, Hashable {
    /// First start: register with Rancher.
    case join
    /// The node is known to Rancher (a reboot, or back from the warm pool): make sure it is
    /// schedulable and active.
    case rejoin
    /// Entering the warm pool: prepare the host, do not join.
    case warmPool = "warm-pool"
    /// `--prepare-only` (image builds, the chroot test): host steps only.
    case prepareOnly = "prepare-only"
}

/// A plan is data: printed by `plan`, compared in tests, applied by `BootstrapExecutor`.
public struct BootstrapPlan: Sendable, Hashable {
    public var instanceID: InstanceID
    public var goal: BootstrapGoal
    /// One line: who, where, what for.
    public var summary: String
    public var steps: [BootstrapStep]
    /// The launch action to ABANDON if anything fails; nil when none is waiting.
    public var launchAction: LifecycleActionReference?
    /// An etcd node that does not become active in time is held, not abandoned: terminating a
    /// member that may have half joined is the scale-in path's job, behind its quorum guard.
    public var holdsOnJoinTimeout: Bool

    public init(instanceID: InstanceID, goal: BootstrapGoal, summary: String, steps: [BootstrapStep], launchAction: LifecycleActionReference?,
                holdsOnJoinTimeout: Bool = false) {
        self.instanceID = instanceID
        self.goal = goal
        self.summary = summary
        self.steps = steps
        self.launchAction = launchAction
        self.holdsOnJoinTimeout = holdsOnJoinTimeout
    }

    public func step(_ id: BootstrapStepID) -> BootstrapStep? { steps.first { $0.id == id } }
}

/// POSIX shell quoting, for display only.
enum ShellQuoting {
    static func quote(_ word: String) -> String {
        let safe = word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./:=,@%+".contains($0)) }
        if safe, !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

import RanchhandClients
import RanchhandEvents

/// What the host, Rancher and Auto Scaling look like right now, as far as a plan's checks ask.
/// `satisfies` is pure, so plan tests evaluate checks against a snapshot they write by hand.
public struct HostSnapshot: Sendable, Equatable {
    public struct FileState: Sendable, Equatable {
        public var contents: String
        public var mode: Int
        public init(contents: String, mode: Int) {
            self.contents = contents
            self.mode = mode
        }
    }

    public var files: [String: FileState]
    /// Installed package → version.
    public var packages: [String: String]
    public var enabledUnits: Set<String>
    public var activeUnits: Set<String>
    /// systemd runs as PID 1 (false in a chroot or image build: no unit can be active there, so
    /// "active" is not asked; enabling is what takes effect at the next boot).
    public var systemBooted: Bool
    /// The node carrying this instance's id label.
    public var node: RancherNode?
    /// The instance's Auto Scaling lifecycle state; nil outside a group.
    public var lifecycleState: String?

    public init(files: [String: FileState] = [:], packages: [String: String] = [:], enabledUnits: Set<String> = [], activeUnits: Set<String> = [],
                systemBooted: Bool = true, node: RancherNode? = nil, lifecycleState: String? = nil) {
        self.files = files
        self.packages = packages
        self.enabledUnits = enabledUnits
        self.activeUnits = activeUnits
        self.systemBooted = systemBooted
        self.node = node
        self.lifecycleState = lifecycleState
    }

    public func satisfies(_ condition: BootstrapCondition) -> Bool {
        switch condition {
        case .file(let path, let contents, let mode):
            return files[path] == FileState(contents: contents, mode: mode)
        case .packagesInstalled(let names, _):
            return names.allSatisfy { packages[$0] != nil }
        case .packageVersion(let name, _, let accepted):
            return packages[name].map { PackageVersion.isAccepted($0, accepted) } ?? false
        case .unitEnabled(let unit):
            return enabledUnits.contains(unit)
        case .unitActive(let unit):
            return activeUnits.contains(unit) || !systemBooted
        case .nodeRegistered:
            return node != nil
        case .nodeActive:
            return node?.state == .active
        case .nodeSchedulable:
            return node.map { !$0.unschedulable } ?? false
        case .lifecycleActionCompleted:
            return !(lifecycleState.map(LaunchHookFacts.isWaiting) ?? false)
        }
    }

    /// A step with checks is satisfied when all hold; a step without checks always runs.
    public func isSatisfied(_ step: BootstrapStep) -> Bool {
        !step.check.isEmpty && step.check.allSatisfy(satisfies)
    }
}

/// Distro package versions reduced to `major.minor`: `5:20.10.24+dfsg1-1+b3` → `20.10`.
enum PackageVersion {
    static func majorMinor(_ version: String) -> String {
        let withoutEpoch = version.split(separator: ":", maxSplits: 1).last.map(String.init) ?? version
        let numbers = withoutEpoch.split(whereSeparator: { !$0.isNumber }).prefix(2)
        return numbers.joined(separator: ".")
    }

    static func isAccepted(_ version: String, _ accepted: [String]) -> Bool {
        accepted.contains(majorMinor(version))
    }
}

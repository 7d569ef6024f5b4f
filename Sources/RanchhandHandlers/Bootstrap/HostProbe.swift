import RanchhandClients
import RanchhandEvents

/// Answers a plan's checks from the live host (files under the root, read-only queries through
/// the command runner), Rancher (the node with this instance's label) and Auto Scaling (the
/// instance's lifecycle state). Only what the given conditions ask is looked at.
public struct HostProbe: Sendable {
    public let runner: any CommandRunner
    public let files: RootedFileSystem
    public let rancher: (any RancherClient)?
    public let clusterID: RancherClusterID?
    public let autoScaling: (any AutoScalingClient)?
    public let instanceID: InstanceID
    /// systemd is PID 1 (the executable looks at `/run/systemd/system`; tests choose).
    public let systemBooted: Bool

    public init(runner: any CommandRunner, files: RootedFileSystem, rancher: (any RancherClient)?, clusterID: RancherClusterID?,
                autoScaling: (any AutoScalingClient)?, instanceID: InstanceID, systemBooted: Bool) {
        self.runner = runner
        self.files = files
        self.rancher = rancher
        self.clusterID = clusterID
        self.autoScaling = autoScaling
        self.instanceID = instanceID
        self.systemBooted = systemBooted
    }

    public func snapshot(for conditions: [BootstrapCondition]) async throws(BootstrapError) -> HostSnapshot {
        var snapshot = HostSnapshot(systemBooted: systemBooted)
        var askedNode = false
        for condition in conditions {
            switch condition {
            case .file(let path, _, _):
                if let state = files.read(path) { snapshot.files[path] = state }
            case .packagesInstalled(let names, let manager):
                snapshot.packages.merge(await packages(names, manager)) { $1 }
            case .packageVersion(let name, let manager, _):
                snapshot.packages.merge(await packages([name], manager)) { $1 }
            case .unitEnabled(let unit):
                let result = await runner.run(HostCommand(["systemctl", "is-enabled", unit], acceptedStatuses: [0, 1], isProbe: true), environment: [:])
                if result.status == 0 { snapshot.enabledUnits.insert(unit) }
            case .unitActive(let unit):
                guard systemBooted else { continue }
                let result = await runner.run(HostCommand(["systemctl", "is-active", "--quiet", unit], isProbe: true), environment: [:])
                if result.status == 0 { snapshot.activeUnits.insert(unit) }
            case .nodeRegistered, .nodeActive, .nodeSchedulable:
                if !askedNode {
                    snapshot.node = try await node()
                    askedNode = true
                }
            case .lifecycleActionCompleted:
                snapshot.lifecycleState = try await lifecycleState()
            }
        }
        return snapshot
    }

    /// The node labelled with this instance's id.
    public func node() async throws(BootstrapError) -> RancherNode? {
        guard let rancher, let clusterID else { return nil }
        return try await Self.node(of: instanceID, in: clusterID, rancher: rancher)
    }

    /// The node labelled `ranchhand.io/instance-id=<instance>`. Several (a stale registration):
    /// the active one, else the first by id.
    static func node(of instanceID: InstanceID, in clusterID: RancherClusterID, rancher: any RancherClient) async throws(BootstrapError) -> RancherNode? {
        let filter = RancherNodeFilter(clusterID: clusterID, labels: [JoinCommands.instanceIDLabel: instanceID.rawValue])
        let nodes: [RancherNode]
        do {
            nodes = try await rancher.nodes(matching: filter)
        } catch {
            throw BootstrapError(.rancher, "cannot list the nodes of \(clusterID) in Rancher: \(error)")
        }
        let ordered = nodes.sorted { $0.id.rawValue < $1.id.rawValue }
        return ordered.first { $0.state == .active } ?? ordered.first
    }

    func lifecycleState() async throws(BootstrapError) -> String? {
        guard let autoScaling else { return nil }
        do {
            return try await autoScaling.describeAutoScalingInstances([instanceID]).first { $0.instanceID == instanceID }?.lifecycleState
        } catch {
            throw BootstrapError(.identity, "cannot read the Auto Scaling state of \(instanceID): \(error)")
        }
    }

    /// Installed packages among `names` with their versions.
    func packages(_ names: [String], _ manager: PackageManager) async -> [String: String] {
        let command: HostCommand = switch manager {
        case .apt: HostCommand(["dpkg-query", "-W", "--showformat=${Package}|${db:Status-Abbrev}|${Version}\\n"] + names, acceptedStatuses: [0, 1], isProbe: true)
        case .dnf, .yum: HostCommand(["rpm", "-q", "--qf", "%{NAME}|ii |%{VERSION}\\n"] + names, isProbe: true)
        }
        let result = await runner.run(command, environment: [:])
        var installed: [String: String] = [:]
        for line in result.output.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, fields[1].hasPrefix("ii"), names.contains(fields[0]) else { continue }
            installed[fields[0]] = fields[2]
        }
        return installed
    }
}

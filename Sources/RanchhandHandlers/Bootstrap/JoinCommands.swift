import RanchhandClients
import RanchhandEvents

/// What the node registers as: the same for both join paths.
public struct NodeRegistration: Sendable, Hashable {
    public var nodeName: String
    /// `--address`: a real IP (the agents' `awslocal`/`awspublic` read IMDSv1 and fail on IMDSv2-only hosts).
    public var address: String
    public var internalAddress: String
    public var roles: [NodeRole]
    /// `key=value`: `ranchhand.io/instance-id` first, then the configured labels by key.
    public var labels: [String]
    public var taints: [NodeTaint]

    public init(settings: BootstrapSettings, identity: NodeIdentity) {
        switch settings.nodeName {
        case .hostname: nodeName = identity.hostname
        case .shortHostname: nodeName = String(identity.hostname.prefix { $0 != "." })
        case .instanceID: nodeName = identity.instanceID.rawValue
        }
        switch settings.address {
        case .auto: address = identity.publicIPv4 ?? identity.privateIPv4
        case .public: address = identity.publicIPv4 ?? identity.privateIPv4
        case .private: address = identity.privateIPv4
        }
        internalAddress = identity.privateIPv4
        roles = settings.orderedRoles
        let own = JoinCommands.instanceIDLabel
        labels = ["\(own)=\(identity.instanceID)"]
            + settings.labels.filter { $0.key != own }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        taints = settings.taints
    }
}

/// The join commands, built from API fields and settings as argv: the `nodeCommand` string Rancher
/// returns is never run. The registration token reaches the agent through `CATTLE_TOKEN` in the
/// environment (both agents read it), so it is not in any argv (`/proc/<pid>/cmdline` is world-readable).
public enum JoinCommands {
    public static let instanceIDLabel = "ranchhand.io/instance-id"
    /// The RKE1 agent container's name: a retried join replaces it instead of adding a second one.
    public static let agentContainerName = "ranchhand-rancher-agent"

    /// RKE1 (Rancher ≤ 2.11): the `rancher-agent` container, as `nodeCommand` would start it.
    public static func rke1(_ rancher: RancherFacts, _ node: NodeRegistration) -> [HostCommand] {
        var argv = ["docker", "run", "-d", "--privileged", "--restart=unless-stopped", "--net=host", "--name", agentContainerName,
                    "-v", "/etc/kubernetes:/etc/kubernetes", "-v", "/var/run:/var/run", "-e", "CATTLE_TOKEN", rancher.agentImage,
                    "--server", rancher.serverURL]
        if let checksum = rancher.caChecksum { argv += ["--ca-checksum", checksum] }
        argv += node.roles.map { "--\($0.rawValue)" }
        argv += ["--address", node.address, "--internal-address", node.internalAddress, "--node-name", node.nodeName]
        argv += node.labels.flatMap { ["--label", $0] }
        argv += node.taints.flatMap { ["--taints", $0.description] }
        return [
            HostCommand(["docker", "rm", "-f", agentContainerName], acceptedStatuses: [0, 1]),
            HostCommand(argv, environment: [.init("CATTLE_TOKEN", .registrationToken)]),
        ]
    }

    /// RKE2/K3s (provisioning v2, Rancher ≥ 2.6): fetch `system-agent-install.sh` from Rancher
    /// (trusting only Rancher's own CA when it has one) and run it with the same flags the UI's
    /// command has, plus roles, addresses, name, labels and taints.
    public static func systemAgent(_ rancher: RancherFacts, _ node: NodeRegistration) -> [BootstrapAction] {
        var actions: [BootstrapAction] = []
        var curl = ["curl", "-fsSL", "--retry", "5", "--retry-delay", "3", "--retry-connrefused"]
        if rancher.caChecksum != nil {
            actions.append(.writeFile(path: HostFiles.rancherCAPath, contents: pem(rancher.caCertificates), mode: 0o644))
            curl += ["--cacert", HostFiles.rancherCAPath]
        }
        curl += ["-o", HostFiles.installScriptPath, rancher.serverURL + "/system-agent-install.sh"]
        actions.append(.run(HostCommand(curl)))
        var argv = ["sh", HostFiles.installScriptPath, "--server", rancher.serverURL, "--label", "cattle.io/os=linux"]
        if let checksum = rancher.caChecksum { argv += ["--ca-checksum", checksum] }
        argv += node.roles.map { "--\($0.rawValue)" }
        argv += ["--node-name", node.nodeName, "--address", node.address, "--internal-address", node.internalAddress]
        argv += node.labels.flatMap { ["--label", $0] }
        argv += node.taints.flatMap { ["--taint", $0.description] }
        actions.append(.run(HostCommand(argv, environment: [.init("CATTLE_TOKEN", .registrationToken)])))
        return actions
    }

    static func pem(_ text: String) -> String { text.hasSuffix("\n") ? text : text + "\n" }
}

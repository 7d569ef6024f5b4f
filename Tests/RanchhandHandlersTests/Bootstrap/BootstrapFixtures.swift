import RanchhandClients
import RanchhandEvents
@testable import RanchhandHandlers

/// Inputs for the planner, written out by hand: one instance, its hook, a host and a cluster.
enum BootstrapFixtures {
    static let instance: InstanceID = "i-0b2f6a3c9d1e4f5a6"
    static let checksum = String(repeating: "ab", count: 32)
    static let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"

    static let debian = OperatingSystem(osRelease: """
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        ID=debian
        """)
    static let ubuntu = OperatingSystem(id: "ubuntu", idLike: ["debian"], versionID: "24.04")
    static let amazonLinux2023 = OperatingSystem(osRelease: "ID=\"amzn\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"2023\"\nPRETTY_NAME=\"Amazon Linux 2023\"\n")
    static let amazonLinux2 = OperatingSystem(id: "amzn", idLike: ["centos", "rhel", "fedora"], versionID: "2")
    static let rocky9 = OperatingSystem(id: "rocky", idLike: ["rhel", "centos", "fedora"], versionID: "9.4")

    static func identity(publicIP: String? = "203.0.113.23") -> NodeIdentity {
        NodeIdentity(instanceID: instance, region: "eu-west-1", availabilityZone: "eu-west-1a", privateIPv4: "10.0.1.23", publicIPv4: publicIP,
                     hostname: "ip-10-0-1-23.eu-west-1.compute.internal", group: "rancher-workers")
    }

    static func hook(state: String? = "Pending:Wait", metadata: String? = nil) -> LaunchHookFacts {
        let hook = LifecycleHook(name: "ranchhand-launch", transition: .launching, heartbeatTimeout: 300, globalTimeout: 30000,
                                 defaultResult: .abandon, notificationMetadata: metadata)
        return LaunchHookFacts(action: LifecycleActionReference(group: "rancher-workers", hook: "ranchhand-launch", instanceID: instance, token: nil),
                               hook: hook, instanceState: state)
    }

    static func cluster(_ kind: ClusterKind) -> RancherCluster {
        switch kind {
        case .rke1: RancherCluster(id: "c-d8f82", name: "home", driver: "rancherKubernetesEngine", kubernetesVersion: "v1.27.16")
        case .rke2: RancherCluster(id: "c-m-4xkq7zp2", name: "edge", driver: "rke2", kubernetesVersion: "v1.30.4+rke2r1")
        case .k3s: RancherCluster(id: "c-m-9k3s0001", name: "tiny", driver: "k3s", kubernetesVersion: "v1.30.4+k3s1")
        }
    }

    static func rancher(_ kind: ClusterKind, node: RancherNode? = nil, privateCA: Bool = true) -> RancherFacts {
        RancherFacts(serverURL: "https://rancher.example.com", serverVersion: "v2.9.3", cluster: cluster(kind), kind: kind,
                     agentImage: "rancher/rancher-agent:v2.9.3", caCertificates: privateCA ? caPEM : "", caChecksum: privateCA ? checksum : nil, node: node)
    }

    static func node(_ kind: ClusterKind, state: RancherNodeState = .active, unschedulable: Bool = false) -> RancherNode {
        var node = RancherNode(id: RancherNodeID("\(cluster(kind).id):m-0a1b2c3d4e5f"), clusterID: cluster(kind).id,
                               nodeName: "ip-10-0-1-23.eu-west-1.compute.internal", labels: [JoinCommands.instanceIDLabel: instance.rawValue])
        node.state = state
        node.unschedulable = unschedulable
        return node
    }

    static func inputs(
        _ kind: ClusterKind? = .rke1, os: OperatingSystem = debian, settings: BootstrapSettings = BootstrapSettings(roles: [.worker]),
        target: TargetLifecycleState = .inService, hook: LaunchHookFacts? = hook(), node: RancherNode? = nil, daemonJSON: String? = nil,
        identity: NodeIdentity = identity(), prepareOnly: Bool = false
    ) -> BootstrapInputs {
        BootstrapInputs(settings: settings, identity: identity, target: target, launchHook: hook,
                        host: HostFacts(operatingSystem: os, dockerDaemonJSON: daemonJSON), rancher: kind.map { rancher($0, node: node) },
                        unitArguments: ["run", "--ssm-prefix", "/ranchhand/home/"], prepareOnly: prepareOnly)
    }

    /// The host after a complete, successful run of `plan`: every file written, every package
    /// installed at `dockerVersion`, every unit enabled and active, the node active, the hook done.
    static func finished(_ plan: BootstrapPlan, node: RancherNode?, dockerVersion: String = "20.10.24+dfsg1-1+deb12u1") -> HostSnapshot {
        var snapshot = HostSnapshot(node: node, lifecycleState: "InService")
        for action in plan.steps.flatMap(\.actions) {
            if case .writeFile(let path, let contents, let mode) = action { snapshot.files[path] = .init(contents: contents, mode: mode) }
        }
        for condition in plan.steps.flatMap(\.check) {
            switch condition {
            case .packagesInstalled(let names, _): for name in names { snapshot.packages[name] = dockerVersion }
            case .unitEnabled(let unit): snapshot.enabledUnits.insert(unit)
            case .unitActive(let unit): snapshot.activeUnits.insert(unit)
            default: break
            }
        }
        return snapshot
    }

    static func commands(_ step: BootstrapStep?) -> [HostCommand] {
        (step?.actions ?? []).compactMap { action in
            if case .run(let command) = action { return command }
            return nil
        }
    }
}

import Foundation
import RanchhandClients
import RanchhandEvents

/// Who this instance is, from IMDSv2 (and its group from the instance's tags).
public struct NodeIdentity: Sendable, Hashable {
    public var instanceID: InstanceID
    public var region: AWSRegion
    public var availabilityZone: String
    public var privateIPv4: String
    public var publicIPv4: String?
    /// The private DNS name (`ip-10-0-1-23.eu-west-1.compute.internal`).
    public var hostname: String
    /// nil when the instance is not in an Auto Scaling group.
    public var group: AutoScalingGroupName?

    public init(instanceID: InstanceID, region: AWSRegion, availabilityZone: String, privateIPv4: String, publicIPv4: String?,
                hostname: String, group: AutoScalingGroupName?) {
        self.instanceID = instanceID
        self.region = region
        self.availabilityZone = availabilityZone
        self.privateIPv4 = privateIPv4
        self.publicIPv4 = publicIPv4
        self.hostname = hostname
        self.group = group
    }

    public init(_ metadata: InstanceMetadata, group: AutoScalingGroupName?) {
        self.init(instanceID: metadata.instanceID, region: metadata.region, availabilityZone: metadata.availabilityZone,
                  privateIPv4: metadata.privateIPv4, publicIPv4: metadata.publicIPv4, hostname: metadata.hostname, group: group)
    }

    /// The tag EC2 puts on every instance a group launches.
    public static let groupTag = "aws:autoscaling:groupName"
}

/// IMDS `autoscaling/target-lifecycle-state`: where the group is taking this instance.
public enum TargetLifecycleState: Sendable, Hashable, CustomStringConvertible {
    case inService
    /// `Warmed:Stopped`, `Warmed:Running`, `Warmed:Hibernated`.
    case warmed(String)
    /// Not in an Auto Scaling group (the metadata item is absent).
    case notInGroup
    case other(String)

    public init(metadataValue: String?) {
        switch metadataValue {
        case nil: self = .notInGroup
        case "InService"?: self = .inService
        case let value? where value.hasPrefix("Warmed:"): self = .warmed(value)
        case let value?: self = .other(value)
        }
    }

    public var description: String {
        switch self {
        case .inService: "InService"
        case .warmed(let state), .other(let state): state
        case .notInGroup: "not in an Auto Scaling group"
        }
    }
}

/// The group's launch hook and whether this instance waits on it.
public struct LaunchHookFacts: Sendable, Equatable {
    /// Addressed by instance id: the agent never sees the notification's token.
    public var action: LifecycleActionReference
    public var hook: LifecycleHook
    /// The instance's lifecycle state (`Pending:Wait`, `Warmed:Pending:Wait`, `InService`, …).
    public var instanceState: String?

    public init(action: LifecycleActionReference, hook: LifecycleHook, instanceState: String?) {
        self.action = action
        self.hook = hook
        self.instanceState = instanceState
    }

    public var isWaiting: Bool { instanceState.map(Self.isWaiting) ?? false }

    static func isWaiting(_ state: String) -> Bool { state.hasSuffix("Pending:Wait") }
}

/// The package tool of the distro.
public enum PackageManager: String, Sendable, Hashable, CaseIterable {
    case apt, dnf, yum
}

/// `/etc/os-release`, the parts that choose packages and commands.
public struct OperatingSystem: Sendable, Hashable {
    public var id: String
    public var idLike: [String]
    public var versionID: String
    public var prettyName: String

    public init(id: String, idLike: [String] = [], versionID: String = "", prettyName: String = "") {
        self.id = id
        self.idLike = idLike
        self.versionID = versionID
        self.prettyName = prettyName.isEmpty ? "\(id) \(versionID)" : prettyName
    }

    /// Parses os-release's `KEY=value` lines (values optionally quoted).
    public init(osRelease text: String) {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            var value = String(line[line.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            fields[String(line[..<equals])] = value
        }
        self.init(id: fields["ID"] ?? "linux", idLike: (fields["ID_LIKE"] ?? "").split(separator: " ").map(String.init),
                  versionID: fields["VERSION_ID"] ?? "", prettyName: fields["PRETTY_NAME"] ?? "")
    }

    /// apt on Debian/Ubuntu; yum on Amazon Linux 2 and RHEL/CentOS 7; dnf on Amazon Linux 2023,
    /// RHEL/Rocky/Alma 8+ and Fedora; nil for anything else.
    public var packageManager: PackageManager? {
        let family = [id] + idLike
        if family.contains(where: { ["debian", "ubuntu"].contains($0) }) { return .apt }
        let major = Int(versionID.prefix { $0 != "." }) ?? 0
        if id == "amzn" { return major >= 2022 ? .dnf : .yum }
        if family.contains(where: { ["rhel", "centos", "fedora"].contains($0) }) { return id != "fedora" && major < 8 ? .yum : .dnf }
        return nil
    }

    /// Docker as the distro packages it.
    public var dockerPackage: String { packageManager == .apt ? "docker.io" : "docker" }

    /// fail2ban with what its systemd journal backend needs.
    public var fail2banPackages: [String] { packageManager == .apt ? ["fail2ban", "python3-systemd"] : ["fail2ban", "fail2ban-systemd"] }
}

/// What the planner needs to know about the host.
public struct HostFacts: Sendable, Hashable {
    public var operatingSystem: OperatingSystem
    /// The current `/etc/docker/daemon.json`, nil when absent (merged, never replaced).
    public var dockerDaemonJSON: String?

    public init(operatingSystem: OperatingSystem, dockerDaemonJSON: String? = nil) {
        self.operatingSystem = operatingSystem
        self.dockerDaemonJSON = dockerDaemonJSON
    }
}

/// How the cluster's nodes join, read from the cluster object.
public enum ClusterKind: String, Sendable, Hashable {
    /// `docker run rancher/rancher-agent` (Rancher up to 2.11).
    case rke1
    /// `system-agent-install.sh` (Rancher 2.6+ provisioning v2).
    case rke2, k3s

    /// `driver` `rancherKubernetesEngine` is RKE1; `rke2`/`k3s` (or a `c-m-` id) provisioning v2.
    /// Imported and hosted clusters (EKS, …) cannot take custom nodes: nil.
    public init?(_ cluster: RancherCluster) {
        switch cluster.driver.lowercased() {
        case "rancherkubernetesengine": self = .rke1
        case "rke2": self = .rke2
        case "k3s": self = .k3s
        default:
            guard cluster.isProvisionedByRancherV2 else { return nil }
            self = cluster.kubernetesVersion.contains("k3s") ? .k3s : .rke2
        }
    }

    public var usesDocker: Bool { self == .rke1 }
}

/// What Rancher told the agent before planning (all reads; nothing is created).
public struct RancherFacts: Sendable, Equatable {
    public var serverURL: String
    public var serverVersion: String
    public var cluster: RancherCluster
    public var kind: ClusterKind
    /// `rancher/rancher-agent:<version>` (RKE1), from the `agent-image` setting or the server version.
    public var agentImage: String
    /// `/v3/settings/cacerts`: a PEM bundle, or empty when Rancher's certificate is publicly trusted.
    public var caCertificates: String
    /// sha256 of `caCertificates` with one trailing newline; nil when there is no private CA.
    public var caChecksum: String?
    /// The node carrying this instance's id label, if it has joined before.
    public var node: RancherNode?
    /// What the token can see besides this cluster (`GET /v3/clusters` lists only what its user
    /// may read). Every node can read the token, so any other cluster is more than it needs.
    public var tokenScope: TokenScope = .onlyThisCluster

    public init(serverURL: String, serverVersion: String, cluster: RancherCluster, kind: ClusterKind, agentImage: String,
                caCertificates: String, caChecksum: String?, node: RancherNode?) {
        self.serverURL = serverURL
        self.serverVersion = serverVersion
        self.cluster = cluster
        self.kind = kind
        self.agentImage = agentImage
        self.caCertificates = caCertificates
        self.caChecksum = caChecksum
        self.node = node
    }
}

/// The bootstrap token's reach, as far as the cluster list shows it.
public enum TokenScope: Sendable, Equatable {
    case onlyThisCluster
    case alsoSees([RancherClusterID])
    /// The list could not be read: nothing is known either way.
    case unchecked(String)
}

/// Everything the planner decides from.
public struct BootstrapInputs: Sendable, Equatable {
    public var settings: BootstrapSettings
    public var identity: NodeIdentity
    public var target: TargetLifecycleState
    public var launchHook: LaunchHookFacts?
    public var host: HostFacts
    /// nil only for `--prepare-only` without Rancher settings.
    public var rancher: RancherFacts?
    /// The arguments the boot unit re-runs the agent with (this run's, minus `--root`/`--runner`).
    public var unitArguments: [String]
    public var prepareOnly: Bool

    public init(settings: BootstrapSettings, identity: NodeIdentity, target: TargetLifecycleState, launchHook: LaunchHookFacts?,
                host: HostFacts, rancher: RancherFacts?, unitArguments: [String] = ["run"], prepareOnly: Bool = false) {
        self.settings = settings
        self.identity = identity
        self.target = target
        self.launchHook = launchHook
        self.host = host
        self.rancher = rancher
        self.unitArguments = unitArguments
        self.prepareOnly = prepareOnly
    }
}

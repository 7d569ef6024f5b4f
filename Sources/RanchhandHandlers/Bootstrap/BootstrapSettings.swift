import RanchhandClients
import RanchhandEvents

/// A Kubernetes role a node takes in its cluster. The raw values are the agents' flags
/// (`--etcd`, `--controlplane`, `--worker`) and the names used in configuration.
public enum NodeRole: String, Sendable, Hashable, CaseIterable, Comparable {
    case etcd
    case controlPlane = "controlplane"
    case worker

    public static func < (lhs: NodeRole, rhs: NodeRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// `key=value:Effect` (or `key:Effect`), as both agents take it.
public struct NodeTaint: Sendable, Hashable, CustomStringConvertible {
    public static let effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
    public var key: String
    public var value: String
    public var effect: String

    public init(key: String, value: String, effect: String) {
        self.key = key
        self.value = value
        self.effect = effect
    }

    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let effect = String(text[text.index(after: colon)...])
        let pair = text[..<colon]
        let key = String(pair.prefix { $0 != "=" })
        let value = pair.contains("=") ? String(pair.drop { $0 != "=" }.dropFirst()) : ""
        guard Self.effects.contains(effect), LabelSyntax.isKey(key), value.isEmpty || LabelSyntax.isValue(value) else { return nil }
        self.init(key: key, value: value, effect: effect)
    }

    public var description: String { value.isEmpty ? "\(key):\(effect)" : "\(key)=\(value):\(effect)" }
}

/// Which cluster to join: by id (`c-xxxxx`, `c-m-xxxxxxxx`) or by display name.
public enum ClusterReference: Sendable, Hashable, CustomStringConvertible {
    case id(RancherClusterID)
    case name(String)

    public var description: String {
        switch self {
        case .id(let id): "cluster \(id)"
        case .name(let name): "cluster named \(name)"
        }
    }
}

/// The address the node registers as `--address`.
public enum AddressChoice: String, Sendable, Hashable, CaseIterable {
    /// The public IPv4 when the instance has one, else the private one.
    case auto
    case `public`
    case `private`
}

/// What `--node-name` is.
public enum NodeNameChoice: String, Sendable, Hashable, CaseIterable {
    /// The private DNS name from metadata (`ip-10-0-1-23.eu-west-1.compute.internal`): what the AWS
    /// cloud provider expects.
    case hostname
    /// Its first label (`ip-10-0-1-23`), as `hostname -s` gives it: the rancher-agent default.
    case shortHostname = "short-hostname"
    case instanceID = "instance-id"
}

/// Whether to install Docker.
public enum DockerChoice: String, Sendable, Hashable, CaseIterable {
    /// Only for an RKE1 cluster, which runs Kubernetes in Docker; RKE2/K3s bring containerd.
    case auto
    case always
    case never
}

/// A secret read from configuration. It never prints: `description`, `debugDescription` and
/// `dump` show `<redacted>`, so a settings value can be logged whole.
public struct BootstrapSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["value": "<redacted>"]) }
}

/// How much a hardening step may cost the node. A node that cannot harden itself still serves,
/// so by default a failure is a warning: Amazon Linux 2023 (and RHEL without EPEL) ships no
/// fail2ban, and ABANDONing the launch hook there would replace the instance in a loop.
public enum HardeningMode: String, Sendable, Hashable, CaseIterable {
    /// A failure fails the bootstrap and ABANDONs the launch action.
    case required
    /// A failure skips the rest of this hardening with a warning; the join goes on.
    case bestEffort = "best-effort"
    case off
}

/// The fail2ban sshd jail.
public struct Fail2banSettings: Sendable, Hashable {
    public var mode: HardeningMode
    /// fail2ban time syntax (`1h`, `10m`, `600`), checked by `fail2ban-client -t`.
    public var bantime: String
    public var findtime: String
    public var maxretry: Int

    public var enabled: Bool { mode != .off }

    public init(mode: HardeningMode = .bestEffort, bantime: String = "1h", findtime: String = "10m", maxretry: Int = 5) {
        self.mode = mode
        self.bantime = bantime
        self.findtime = findtime
        self.maxretry = maxretry
    }
}

/// Container log rotation: Docker's `json-file` options on RKE1, the kubelet's
/// `container-log-max-size` / `container-log-max-files` on RKE2/K3s.
public struct LogRotation: Sendable, Hashable {
    /// Docker syntax, binary units: `50m` is 50 MiB (the kubelet gets `50Mi`).
    public var maxSize: String
    public var maxFiles: Int

    public init(maxSize: String = "50m", maxFiles: Int = 5) {
        self.maxSize = maxSize
        self.maxFiles = maxFiles
    }

    /// `50m` → `50Mi`, `1g` → `1Gi`, `500k` → `500Ki`; a bare number is bytes.
    public var kubeletMaxSize: String {
        guard let unit = maxSize.last, unit.isLetter else { return maxSize }
        return String(maxSize.dropLast()) + unit.uppercased() + "i"
    }
}

/// Everything the agent is told, parsed once from flags, environment, the config file, SSM
/// Parameter Store and the launch hook's metadata (`BootstrapSettings.resolve`).
public struct BootstrapSettings: Sendable, Hashable {
    public var rancherURL: String?
    public var rancherToken: BootstrapSecret?
    public var cluster: ClusterReference?
    /// Rancher's CA checksum: the Rancher client pins the CA with it, and the agents get it.
    public var caChecksum: String?
    public var roles: Set<NodeRole>
    public var labels: [String: String]
    public var taints: [NodeTaint]
    public var nodeName: NodeNameChoice
    public var address: AddressChoice
    public var logRotation: LogRotation
    public var docker: DockerChoice
    /// nil: the distro's (`docker.io` on Debian/Ubuntu, `docker` elsewhere).
    public var dockerPackage: String?
    /// Accepted Docker `major.minor` versions (RKE1 only).
    public var dockerVersions: [String]
    public var fail2ban: Fail2banSettings
    /// Unset, `memberJoinTimeout` for etcd and control-plane nodes, `workerJoinTimeout` otherwise.
    public var joinTimeout: Duration
    public var registrationTokenTimeout: Duration
    /// The launch hook to complete when the group has several.
    public var lifecycleHook: LifecycleHookName?
    /// Where the binary lives, for the systemd unit that re-runs it at every boot.
    public var agentPath: String

    /// RKE1's supported Docker versions for Kubernetes 1.25–1.29
    /// (rancher/kontainer-driver-metadata `pkg/rke/k8s_docker_info.go`).
    public static let defaultDockerVersions = ["20.10", "23.0", "24.0", "25.0"]

    public static let workerJoinTimeout: Duration = .seconds(900)
    /// An etcd member's first join on RKE2 (snapshot, member add, certificates) can outlast 15 minutes.
    public static let memberJoinTimeout: Duration = .seconds(1800)

    public init(
        rancherURL: String? = nil, rancherToken: BootstrapSecret? = nil, cluster: ClusterReference? = nil, caChecksum: String? = nil,
        roles: Set<NodeRole> = [.worker], labels: [String: String] = [:], taints: [NodeTaint] = [], nodeName: NodeNameChoice = .hostname,
        address: AddressChoice = .auto, logRotation: LogRotation = LogRotation(), docker: DockerChoice = .auto, dockerPackage: String? = nil,
        dockerVersions: [String] = BootstrapSettings.defaultDockerVersions, fail2ban: Fail2banSettings = Fail2banSettings(),
        joinTimeout: Duration = BootstrapSettings.workerJoinTimeout, registrationTokenTimeout: Duration = .seconds(120), lifecycleHook: LifecycleHookName? = nil,
        agentPath: String = "/usr/local/bin/ranchhand-bootstrap"
    ) {
        self.rancherURL = rancherURL
        self.rancherToken = rancherToken
        self.cluster = cluster
        self.caChecksum = caChecksum
        self.roles = roles
        self.labels = labels
        self.taints = taints
        self.nodeName = nodeName
        self.address = address
        self.logRotation = logRotation
        self.docker = docker
        self.dockerPackage = dockerPackage
        self.dockerVersions = dockerVersions
        self.fail2ban = fail2ban
        self.joinTimeout = joinTimeout
        self.registrationTokenTimeout = registrationTokenTimeout
        self.lifecycleHook = lifecycleHook
        self.agentPath = agentPath
    }

    /// Roles in the agents' order (`etcd`, `controlplane`, `worker`).
    public var orderedRoles: [NodeRole] { roles.sorted() }
}

/// Kubernetes label syntax (an optional DNS-subdomain prefix and `/`, then a name of at most 63
/// characters), checked before any label reaches an agent's argv.
enum LabelSyntax {
    static func isKey(_ key: String) -> Bool {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.last, isName(name) else { return false }
        guard parts.count == 2 else { return true }
        let prefix = parts[0]
        return !prefix.isEmpty && prefix.count <= 253
            && prefix.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
                !label.isEmpty && label.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
                    && label.first != "-" && label.last != "-"
            }
    }

    static func isValue(_ value: String) -> Bool { value.isEmpty || isName(Substring(value)) }

    private static func isName(_ name: Substring) -> Bool {
        guard !name.isEmpty, name.count <= 63, let first = name.first, let last = name.last else { return false }
        let alphanumeric: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return alphanumeric(first) && alphanumeric(last) && name.allSatisfy { alphanumeric($0) || "-_.".contains($0) }
    }
}

/// A cluster registration token. Rancher fills the commands in asynchronously after creation, so a
/// token is usable only once `isReady`.
public struct ClusterRegistrationToken: Sendable, Hashable, Decodable {
    public var id: RegistrationTokenID
    public var clusterID: RancherClusterID
    public var name: String
    public var state: String
    public var token: String
    /// `kubectl apply -f <server>/v3/import/<token>_<cluster>.yaml`
    public var command: String
    public var insecureCommand: String
    /// The command a new Linux node runs to join (docker run rancher-agent for RKE1 up to v2.11,
    /// system-agent-install.sh for RKE2/K3s).
    public var nodeCommand: String
    public var insecureNodeCommand: String
    public var windowsNodeCommand: String
    public var manifestURL: String
    /// From Rancher v2.15 tokens expire (`expiresAt`, RFC 3339); empty before.
    public var expiresAt: String

    public init(
        id: RegistrationTokenID, clusterID: RancherClusterID, name: String = "", state: String = "active", token: String = "",
        command: String = "", insecureCommand: String = "", nodeCommand: String = "", insecureNodeCommand: String = "",
        windowsNodeCommand: String = "", manifestURL: String = "", expiresAt: String = ""
    ) {
        self.id = id
        self.clusterID = clusterID
        self.name = name
        self.state = state
        self.token = token
        self.command = command
        self.insecureCommand = insecureCommand
        self.nodeCommand = nodeCommand
        self.insecureNodeCommand = insecureNodeCommand
        self.windowsNodeCommand = windowsNodeCommand
        self.manifestURL = manifestURL
        self.expiresAt = expiresAt
    }

    /// Both commands are filled in (what terraform-provider-rancher2 waits for).
    public var isReady: Bool { !command.isEmpty && !nodeCommand.isEmpty }

    enum CodingKeys: String, CodingKey {
        case id, clusterId, name, state, token, command, insecureCommand, nodeCommand, insecureNodeCommand
        case windowsNodeCommand, manifestUrl, expiresAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) throws -> String { try c.decodeIfPresent(String.self, forKey: key) ?? "" }
        self.init(
            id: try c.decode(RegistrationTokenID.self, forKey: .id), clusterID: RancherClusterID(try text(.clusterId)),
            name: try text(.name), state: try text(.state), token: try text(.token), command: try text(.command),
            insecureCommand: try text(.insecureCommand), nodeCommand: try text(.nodeCommand),
            insecureNodeCommand: try text(.insecureNodeCommand), windowsNodeCommand: try text(.windowsNodeCommand),
            manifestURL: try text(.manifestUrl), expiresAt: try text(.expiresAt))
    }
}

/// A cluster-api Machine as Rancher's `/v1/cluster.x-k8s.io.machines` API shows it.
public struct RancherMachine: Sendable, Hashable {
    public var ref: MachineRef
    /// `Pending`, `Provisioning`, `Provisioned`, `Running`, `Deleting`, `Deleted`, `Failed`.
    public var phase: String
    /// The Kubernetes Node this Machine became, when it has joined.
    public var nodeName: String?
    /// Deletion has been requested and finalizers are running.
    public var isDeleting: Bool
    /// The provisioning cluster's name (`cluster.x-k8s.io/cluster-name`), not its `c-m-` id.
    public var clusterName: String?

    public static let clusterNameLabel = "cluster.x-k8s.io/cluster-name"

    public init(ref: MachineRef, phase: String, nodeName: String? = nil, isDeleting: Bool = false, clusterName: String? = nil) {
        self.ref = ref
        self.phase = phase
        self.nodeName = nodeName
        self.isDeleting = isDeleting
        self.clusterName = clusterName
    }
}

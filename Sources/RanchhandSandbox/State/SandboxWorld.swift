import RanchhandClients

/// Everything the fake servers know: Rancher's clusters, nodes, Machines and tokens, each cluster's
/// Kubernetes objects, and the instance the IMDS fake describes. Transitions are due at instants of
/// the sandbox clock and applied when the world is next looked at (`settle`), so virtual time gives
/// exact, repeatable timings with no background tasks.
public actor SandboxWorld {
    public nonisolated let clock: SandboxClock
    public var behaviour: SandboxBehaviour
    public var imds: IMDSConfiguration
    var random: SandboxRandom
    var clusters: [RancherClusterID: SandboxCluster] = [:]
    var nodes: [RancherNodeID: SandboxNode] = [:]
    var machines: [MachineRef: SandboxMachine] = [:]
    var tokens: [RegistrationTokenID: SandboxRegistrationToken] = [:]
    var kubernetes: [RancherClusterID: KubernetesObjects] = [:]
    var imdsTokens: [String: SandboxClock.Instant] = [:]
    /// Every first deletion request of a v3 node or Machine, with what was still bound to the node.
    public internal(set) var deletionLog: [SandboxDeletion] = []
    /// The Kubernetes resourceVersion counter, shared by every object.
    var revision = 100
    /// The CA `/v3/settings/cacerts` serves (empty when serving only plain HTTP).
    var caPEM: String
    var caChecksum: String

    init(clock: SandboxClock, seed: UInt64, behaviour: SandboxBehaviour, imds: IMDSConfiguration, caPEM: String, caChecksum: String) {
        self.clock = clock
        self.random = SandboxRandom(seed: seed)
        self.behaviour = behaviour
        self.imds = imds
        self.caPEM = caPEM
        self.caChecksum = caChecksum
    }

    // MARK: Configuring

    public func update(_ change: @Sendable (inout SandboxBehaviour) -> Void) { change(&behaviour) }

    /// The API token that authenticates from now on, as after an operator rotated it in Rancher: the
    /// one the sandbox started with is answered 401.
    public private(set) var rotatedAPIToken: String?
    public func rotateAPIToken(to token: String) { rotatedAPIToken = token }
    public func updateIMDS(_ change: @Sendable (inout IMDSConfiguration) -> Void) { change(&imds) }

    @discardableResult
    public func addCluster(id: RancherClusterID, name: String, distro: SandboxDistro, kubernetesVersion: String? = nil, withDefaultToken: Bool = true) -> SandboxCluster {
        let version = kubernetesVersion ?? (distro == .rke1 ? "v1.27.16" : distro == .k3s ? "v1.30.4+k3s1" : "v1.30.4+rke2r1")
        let cluster = SandboxCluster(id: id, name: name, distro: distro, kubernetesVersion: version)
        clusters[id] = cluster
        kubernetes[id] = kubernetes[id] ?? KubernetesObjects()
        if withDefaultToken {
            let tokenID = RegistrationTokenID("\(id):default-token")
            tokens[tokenID] = SandboxRegistrationToken(
                id: tokenID, clusterID: id, name: "default-token", token: random.string(54, from: SandboxRandom.tokenAlphabet),
                created: clock.now, commandsReadyAt: clock.now)
        }
        return cluster
    }

    /// Adds a node as its distro would register it: RKE1 `m-…` with `customConfig`; RKE2/K3s a
    /// Machine `custom-…` in `fleet-default`, mirrored by a v3 node `machine-…` annotated with it.
    @discardableResult
    public func addNode(_ spec: SandboxNodeSpec, to clusterID: RancherClusterID) -> SandboxNode {
        guard var cluster = clusters[clusterID] else { preconditionFailure("add the cluster \(clusterID) first") }
        var labels = spec.labels
        labels["kubernetes.io/hostname"] = spec.name
        if spec.roles.contains(.etcd) { labels["node-role.kubernetes.io/etcd"] = "true" }
        if spec.roles.contains(.controlPlane) {
            labels[cluster.distro == .rke1 ? "node-role.kubernetes.io/controlplane" : "node-role.kubernetes.io/control-plane"] = "true"
        }
        if spec.roles.contains(.worker) { labels["node-role.kubernetes.io/worker"] = "true" }
        if let instance = spec.instanceID { labels[SandboxNodeSpec.instanceIDLabel] = instance }
        var annotations = spec.annotations
        var providerID = ""
        if spec.awsProviderID, let instance = spec.instanceID { providerID = "aws:///\(spec.availabilityZone)/\(instance)" }
        let id: RancherNodeID
        switch cluster.distro {
        case .rke1:
            id = RancherNodeID("\(clusterID):m-\(random.string(12, from: "0123456789abcdef"))")
            annotations["rke.cattle.io/internal-ip"] = spec.ipAddress
            if !spec.externalIPAddress.isEmpty { annotations["rke.cattle.io/external-ip"] = spec.externalIPAddress }
        case .rke2, .k3s:
            let machine = MachineRef(namespace: "fleet-default", name: "custom-\(random.string(12, from: "0123456789abcdef"))")
            machines[machine] = SandboxMachine(ref: machine, clusterID: clusterID, nodeName: spec.name)
            annotations[MachineRef.machineAnnotation] = machine.name
            annotations[MachineRef.namespaceAnnotation] = machine.namespace
            if providerID.isEmpty { providerID = "\(cluster.distro.rawValue)://\(spec.name)" }
            id = newMirrorID(in: clusterID)
        }
        let node = SandboxNode(
            id: id, clusterID: clusterID, nodeName: spec.name, hostname: spec.name, ipAddress: spec.ipAddress,
            externalIPAddress: spec.externalIPAddress, providerID: providerID, roles: spec.roles, labels: labels, annotations: annotations,
            ready: spec.ready, unschedulable: false, hasCustomConfig: cluster.distro == .rke1, drain: nil, removalCompletes: nil,
            uuid: newUUID(), created: clock.now)
        nodes[id] = node
        if spec.roles.contains(.etcd) {
            cluster.etcdMembers.insert(spec.name)
            clusters[clusterID] = cluster
        }
        revision += 1
        return node
    }

    public func updateNode(_ id: RancherNodeID, _ change: @Sendable (inout SandboxNode) -> Void) {
        settle()
        guard var node = nodes[id] else { return }
        change(&node)
        nodes[id] = node
        revision += 1
    }

    // MARK: Reading back

    public func cluster(_ id: RancherClusterID) -> SandboxCluster? {
        settle()
        return clusters[id]
    }

    public func node(_ id: RancherNodeID) -> SandboxNode? {
        settle()
        return nodes[id]
    }

    public func node(named name: String, in clusterID: RancherClusterID) -> SandboxNode? {
        settle()
        return nodes.values.first { $0.clusterID == clusterID && $0.nodeName == name }
    }

    public func nodes(in clusterID: RancherClusterID) -> [SandboxNode] {
        settle()
        return nodes.values.filter { $0.clusterID == clusterID }.sorted { $0.id.rawValue < $1.id.rawValue }
    }

    /// Node names of the cluster's etcd members, sorted.
    public func etcdMembers(of clusterID: RancherClusterID) -> [String] {
        settle()
        return (clusters[clusterID]?.etcdMembers ?? []).sorted()
    }

    public func machine(_ ref: MachineRef) -> SandboxMachine? {
        settle()
        return machines[ref]
    }

    public func registrationTokens(of clusterID: RancherClusterID) -> [SandboxRegistrationToken] {
        settle()
        return tokens.values.filter { $0.clusterID == clusterID }.sorted { $0.id.rawValue < $1.id.rawValue }
    }

    // MARK: Identities

    func newMirrorID(in clusterID: RancherClusterID) -> RancherNodeID {
        RancherNodeID("\(clusterID):machine-\(random.string(5, from: "bcdfghjklmnpqrstvwxz2456789"))")
    }

    func newUUID() -> String {
        let hex = random.string(32, from: "0123456789abcdef")
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}

/// A node's summarised state as Rancher shows it. Open-ended: Rancher adds states, so unknown
/// values are kept, not rejected.
public struct RancherNodeState: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }

    public static let active = Self(rawValue: "active")
    public static let cordoned = Self(rawValue: "cordoned")
    public static let draining = Self(rawValue: "draining")
    public static let drained = Self(rawValue: "drained")
    /// `Ready` is False or Unknown: what a terminated instance shows.
    public static let unavailable = Self(rawValue: "unavailable")
    /// After DELETE, while finalizers run.
    public static let removing = Self(rawValue: "removing")
    public static let registering = Self(rawValue: "registering")
    public static let provisioning = Self(rawValue: "provisioning")
    public static let error = Self(rawValue: "error")
}

/// The node actions ranchhand uses (`POST /v3/nodes/<id>?action=<name>`).
public enum RancherNodeAction: String, Sendable, Hashable, CaseIterable, Codable {
    case cordon, uncordon, drain, stopDrain
}

public struct RancherCondition: Sendable, Hashable, Codable {
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    public var message: String?
    public var reason: String?

    public init(type: String, status: String, message: String? = nil, reason: String? = nil) {
        self.type = type
        self.status = status
        self.message = message
        self.reason = reason
    }
}

/// A v3 node: the fields ranchhand decides on. Everything else Rancher sends is ignored.
public struct RancherNode: Sendable, Hashable {
    public var id: RancherNodeID
    public var clusterID: RancherClusterID
    public var name: String
    /// The Kubernetes Node name.
    public var nodeName: String
    public var hostname: String
    public var requestedHostname: String
    public var ipAddress: String
    public var externalIPAddress: String
    /// `aws:///<az>/<instance>` only when a cloud provider set it; `rke2://…`, `k3s://…` or empty otherwise.
    public var providerID: String
    public var labels: [String: String]
    public var annotations: [String: String]
    public var etcd: Bool
    public var controlPlane: Bool
    public var worker: Bool
    public var state: RancherNodeState
    /// `yes`, `no` or `error`.
    public var transitioning: String
    public var transitioningMessage: String
    public var unschedulable: Bool
    public var conditions: [RancherCondition]
    /// RKE1 custom nodes carry a `customConfig`; deleting their v3 node is the real deletion.
    public var hasCustomConfig: Bool
    public var nodePoolID: String
    /// Action name → URL, as the server offered them for the node's current role and state.
    public var actions: [String: String]
    public var links: [String: String]

    public init(
        id: RancherNodeID, clusterID: RancherClusterID? = nil, name: String = "", nodeName: String = "",
        hostname: String = "", requestedHostname: String = "", ipAddress: String = "", externalIPAddress: String = "",
        providerID: String = "", labels: [String: String] = [:], annotations: [String: String] = [:],
        etcd: Bool = false, controlPlane: Bool = false, worker: Bool = true, state: RancherNodeState = .active,
        transitioning: String = "no", transitioningMessage: String = "", unschedulable: Bool = false,
        conditions: [RancherCondition] = [], hasCustomConfig: Bool = false, nodePoolID: String = "",
        actions: [String: String] = [:], links: [String: String] = [:]
    ) {
        self.id = id
        self.clusterID = clusterID ?? id.clusterID ?? RancherClusterID("")
        self.name = name
        self.nodeName = nodeName
        self.hostname = hostname
        self.requestedHostname = requestedHostname
        self.ipAddress = ipAddress
        self.externalIPAddress = externalIPAddress
        self.providerID = providerID
        self.labels = labels
        self.annotations = annotations
        self.etcd = etcd
        self.controlPlane = controlPlane
        self.worker = worker
        self.state = state
        self.transitioning = transitioning
        self.transitioningMessage = transitioningMessage
        self.unschedulable = unschedulable
        self.conditions = conditions
        self.hasCustomConfig = hasCustomConfig
        self.nodePoolID = nodePoolID
        self.actions = actions
        self.links = links
    }

    /// The cluster-api Machine behind an RKE2/K3s node, from its annotations.
    public var machine: MachineRef? { MachineRef(annotations: annotations) }

    /// Whether the server currently offers `action` for this node (it answers 422 `InvalidAction`
    /// to anything else).
    public func offers(_ action: RancherNodeAction) -> Bool { actions[action.rawValue] != nil }

    public func condition(_ type: String) -> RancherCondition? { conditions.first { $0.type == type } }

    /// The EC2 instance id in `providerId` (`aws:///eu-west-1a/i-0abc` → `i-0abc`), if one is there.
    public var providerInstanceID: String? { AWSProviderID.instanceID(in: providerID) }
}

extension RancherNode: Decodable {
    enum CodingKeys: String, CodingKey {
        case id, clusterId, name, nodeName, hostname, requestedHostname, ipAddress, externalIpAddress, providerId
        case labels, annotations, etcd, controlPlane, worker, state, transitioning, transitioningMessage
        case unschedulable, conditions, customConfig, nodePoolId, actions, links
    }

    /// Rancher sends `null` for many unset fields; they read as empty here.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) throws -> String { try c.decodeIfPresent(String.self, forKey: key) ?? "" }
        func flag(_ key: CodingKeys) throws -> Bool { try c.decodeIfPresent(Bool.self, forKey: key) ?? false }
        func map(_ key: CodingKeys) throws -> [String: String] { try c.decodeIfPresent([String: String].self, forKey: key) ?? [:] }
        let id = try c.decode(RancherNodeID.self, forKey: .id)
        let cluster = try c.decodeIfPresent(String.self, forKey: .clusterId)
        let customConfig = c.contains(.customConfig) ? !(try c.decodeNil(forKey: .customConfig)) : false
        self.init(
            id: id, clusterID: cluster.map(RancherClusterID.init(rawValue:)), name: try text(.name),
            nodeName: try text(.nodeName), hostname: try text(.hostname), requestedHostname: try text(.requestedHostname),
            ipAddress: try text(.ipAddress), externalIPAddress: try text(.externalIpAddress), providerID: try text(.providerId),
            labels: try map(.labels), annotations: try map(.annotations), etcd: try flag(.etcd),
            controlPlane: try flag(.controlPlane), worker: try flag(.worker),
            state: try c.decodeIfPresent(RancherNodeState.self, forKey: .state) ?? RancherNodeState(rawValue: ""),
            transitioning: try text(.transitioning), transitioningMessage: try text(.transitioningMessage),
            unschedulable: try flag(.unschedulable),
            conditions: try c.decodeIfPresent([RancherCondition].self, forKey: .conditions) ?? [],
            hasCustomConfig: customConfig,
            nodePoolID: try text(.nodePoolId), actions: try map(.actions), links: try map(.links))
    }
}

/// The cloud provider id the AWS cloud provider and its controller manager set on a Node, as the
/// Kubernetes Node and Rancher's v3 node both carry it.
public enum AWSProviderID {
    /// `aws:///eu-west-1a/i-0abc` → `i-0abc`; nil for any other provider or shape.
    public static func instanceID(in providerID: String) -> String? {
        guard providerID.hasPrefix("aws:///"), let last = providerID.split(separator: "/").last, last.hasPrefix("i-") else { return nil }
        return String(last)
    }
}

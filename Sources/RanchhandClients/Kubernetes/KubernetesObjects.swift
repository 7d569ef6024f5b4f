import RanchhandEvents

public struct KubernetesNodeName: StringIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A namespaced object's address: a pod, a deployment, an ingress.
public struct NamespacedName: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }
    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name) }
}

public struct OwnerReference: Sendable, Hashable, Decodable {
    public var kind: String
    public var name: String
    public var controller: Bool?

    public init(kind: String, name: String, controller: Bool? = true) {
        self.kind = kind
        self.name = name
        self.controller = controller
    }
}

/// The metadata fields ranchhand reads; the rest is ignored when decoding.
public struct ObjectMeta: Sendable, Hashable, Decodable {
    public var name: String
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var labels: [String: String]
    public var annotations: [String: String]
    /// Set once deletion was requested (RFC 3339).
    public var deletionTimestamp: String?
    public var ownerReferences: [OwnerReference]

    public init(
        name: String, namespace: String? = nil, uid: String? = nil, resourceVersion: String? = nil, labels: [String: String] = [:],
        annotations: [String: String] = [:], deletionTimestamp: String? = nil, ownerReferences: [OwnerReference] = []
    ) {
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.labels = labels
        self.annotations = annotations
        self.deletionTimestamp = deletionTimestamp
        self.ownerReferences = ownerReferences
    }

    enum CodingKeys: String, CodingKey {
        case name, namespace, uid, resourceVersion, labels, annotations, deletionTimestamp, ownerReferences
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decodeIfPresent(String.self, forKey: .name) ?? "", namespace: try c.decodeIfPresent(String.self, forKey: .namespace),
            uid: try c.decodeIfPresent(String.self, forKey: .uid), resourceVersion: try c.decodeIfPresent(String.self, forKey: .resourceVersion),
            labels: try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:],
            annotations: try c.decodeIfPresent([String: String].self, forKey: .annotations) ?? [:],
            deletionTimestamp: try c.decodeIfPresent(String.self, forKey: .deletionTimestamp),
            ownerReferences: try c.decodeIfPresent([OwnerReference].self, forKey: .ownerReferences) ?? [])
    }
}

/// A v1 Node: what cordoning, labelling and instance matching need.
public struct KubernetesNode: Sendable, Hashable, Decodable {
    public struct Address: Sendable, Hashable, Decodable {
        /// `InternalIP`, `ExternalIP`, `Hostname`, `InternalDNS`, `ExternalDNS`.
        public var type: String
        public var address: String

        public init(type: String, address: String) {
            self.type = type
            self.address = address
        }
    }

    public var metadata: ObjectMeta
    public var unschedulable: Bool
    public var providerID: String
    public var addresses: [Address]
    /// The `Ready` condition's status (`True`, `False`, `Unknown`), if reported.
    public var ready: String?

    public var name: KubernetesNodeName { KubernetesNodeName(metadata.name) }

    /// The EC2 instance of an AWS `providerID` (`aws:///eu-west-1c/i-09af54f292341f816`).
    public var awsInstanceID: String? { AWSProviderID.instanceID(in: providerID) }

    public func address(_ type: String) -> String? { addresses.first { $0.type == type }?.address }

    public init(metadata: ObjectMeta, unschedulable: Bool = false, providerID: String = "", addresses: [Address] = [], ready: String? = "True") {
        self.metadata = metadata
        self.unschedulable = unschedulable
        self.providerID = providerID
        self.addresses = addresses
        self.ready = ready
    }

    enum CodingKeys: String, CodingKey { case metadata, spec, status }
    struct Spec: Decodable { var unschedulable: Bool?; var providerID: String? }
    struct Condition: Decodable { var type: String; var status: String }
    struct Status: Decodable { var addresses: [Address]?; var conditions: [Condition]? }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decode(ObjectMeta.self, forKey: .metadata)
        let spec = try c.decodeIfPresent(Spec.self, forKey: .spec)
        let status = try c.decodeIfPresent(Status.self, forKey: .status)
        unschedulable = spec?.unschedulable ?? false
        providerID = spec?.providerID ?? ""
        addresses = status?.addresses ?? []
        ready = status?.conditions?.first { $0.type == "Ready" }?.status
    }
}

/// A pod, with what a drain needs to decide whether and how to evict it.
public struct Pod: Sendable, Hashable, Decodable {
    public var metadata: ObjectMeta
    public var nodeName: String
    /// `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`.
    public var phase: String
    public var usesEmptyDir: Bool

    public var ref: NamespacedName { NamespacedName(namespace: metadata.namespace ?? "default", name: metadata.name) }
    /// kubectl drain skips these with `--ignore-daemonsets`.
    public var isDaemonSetPod: Bool { metadata.ownerReferences.contains { $0.kind == "DaemonSet" } }
    /// Static pods mirrored by the kubelet cannot be evicted.
    public var isMirrorPod: Bool { metadata.annotations["kubernetes.io/config.mirror"] != nil }
    public var isFinished: Bool { phase == "Succeeded" || phase == "Failed" }

    enum CodingKeys: String, CodingKey { case metadata, spec, status }
    struct Volume: Decodable { var emptyDir: JSONValue? }
    struct Spec: Decodable { var nodeName: String?; var volumes: [Volume]? }
    struct Status: Decodable { var phase: String? }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decode(ObjectMeta.self, forKey: .metadata)
        let spec = try c.decodeIfPresent(Spec.self, forKey: .spec)
        nodeName = spec?.nodeName ?? ""
        usesEmptyDir = spec?.volumes?.contains { $0.emptyDir != nil } ?? false
        phase = try c.decodeIfPresent(Status.self, forKey: .status)?.phase ?? "Unknown"
    }
}

/// The policy/v1 Eviction request's options.
public struct EvictionOptions: Sendable, Hashable {
    /// Overrides the pod's grace period; nil keeps it.
    public var gracePeriodSeconds: Int?
    public var dryRun: Bool

    public init(gracePeriodSeconds: Int? = nil, dryRun: Bool = false) {
        self.gracePeriodSeconds = gracePeriodSeconds
        self.dryRun = dryRun
    }
}

public enum EvictionOutcome: Sendable, Hashable {
    case evicted
    /// 429 because a PodDisruptionBudget allows no more disruptions now: try again later, as
    /// kubectl drain does (it waits 5 s). Not retried by the client: the caller owns the deadline.
    case blockedByDisruptionBudget(message: String)
    /// 404: the pod is already gone.
    case alreadyGone
}

/// A Deployment's `scale` subresource (autoscaling/v1 Scale).
public struct Scale: Sendable, Hashable, Decodable {
    public var deployment: NamespacedName
    public var replicas: Int
    /// The replicas the controller currently sees.
    public var statusReplicas: Int
    public var selector: String
    public var resourceVersion: String?

    public init(deployment: NamespacedName, replicas: Int, statusReplicas: Int, selector: String = "", resourceVersion: String? = nil) {
        self.deployment = deployment
        self.replicas = replicas
        self.statusReplicas = statusReplicas
        self.selector = selector
        self.resourceVersion = resourceVersion
    }

    enum CodingKeys: String, CodingKey { case metadata, spec, status }
    struct Spec: Decodable { var replicas: Int? }
    struct Status: Decodable { var replicas: Int?; var selector: String? }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let metadata = try c.decode(ObjectMeta.self, forKey: .metadata)
        let status = try c.decodeIfPresent(Status.self, forKey: .status)
        self.init(
            deployment: NamespacedName(namespace: metadata.namespace ?? "default", name: metadata.name),
            replicas: try c.decodeIfPresent(Spec.self, forKey: .spec)?.replicas ?? 0, statusReplicas: status?.replicas ?? 0,
            selector: status?.selector ?? "", resourceVersion: metadata.resourceVersion)
    }
}

/// The Kubernetes error body (`kind: Status`), and the in-stream watch ERROR object.
public struct KubernetesStatus: Sendable, Hashable, Decodable {
    public var status: String?
    public var message: String?
    /// `NotFound`, `Gone`, `Expired`, `TooManyRequests`, `Conflict`, …
    public var reason: String?
    public var code: Int?
    public var details: Details?

    public struct Details: Sendable, Hashable, Decodable {
        public struct Cause: Sendable, Hashable, Decodable {
            public var reason: String?
            public var message: String?
        }
        public var causes: [Cause]?
    }

    /// A PodDisruptionBudget refused an eviction (429 with a `DisruptionBudget` cause, or the
    /// well-known message on servers that send no causes).
    public var isDisruptionBudgetRefusal: Bool {
        code == 429 && ((details?.causes ?? []).contains { $0.reason == "DisruptionBudget" }
            || (message ?? "").contains("disruption budget"))
    }
}

/// The parts of an apps/v1 Deployment the capacity tool reads.
public struct Deployment: Sendable, Hashable, Decodable {
    public var id: NamespacedName
    /// spec.replicas: what the controller is asked for.
    public var replicas: Int
    /// status.readyReplicas: pods that pass their readiness probe (absent means 0).
    public var readyReplicas: Int
    public var annotations: [String: String]
    public var resourceVersion: String?

    public init(id: NamespacedName, replicas: Int, readyReplicas: Int, annotations: [String: String] = [:], resourceVersion: String? = nil) {
        self.id = id
        self.replicas = replicas
        self.readyReplicas = readyReplicas
        self.annotations = annotations
        self.resourceVersion = resourceVersion
    }

    enum CodingKeys: String, CodingKey { case metadata, spec, status }
    struct Spec: Decodable { var replicas: Int? }
    struct Status: Decodable { var readyReplicas: Int? }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let metadata = try c.decode(ObjectMeta.self, forKey: .metadata)
        // spec.replicas defaults to 1 when a manifest leaves it out.
        self.init(
            id: NamespacedName(namespace: metadata.namespace ?? "default", name: metadata.name),
            replicas: try c.decodeIfPresent(Spec.self, forKey: .spec)?.replicas ?? 1,
            readyReplicas: try c.decodeIfPresent(Status.self, forKey: .status)?.readyReplicas ?? 0,
            annotations: metadata.annotations, resourceVersion: metadata.resourceVersion)
    }
}

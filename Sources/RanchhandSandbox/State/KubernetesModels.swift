import RanchhandClients

public struct SandboxIngress: Sendable, Hashable {
    public var namespace: String
    public var name: String
    public var ingressClassName: String?
    /// `spec.rules[].host`.
    public var hosts: [String]
    /// `spec.tls[].hosts` (one TLS block).
    public var tlsHosts: [String]
    public var loadBalancerIPs: [String]
    public var loadBalancerHostnames: [String]
    public var annotations: [String: String]
    public var labels: [String: String]
    public internal(set) var resourceVersion = 0
    public internal(set) var uid = ""

    public init(
        namespace: String = "default", name: String, ingressClassName: String? = "nginx", hosts: [String], tlsHosts: [String] = [],
        loadBalancerIPs: [String] = [], loadBalancerHostnames: [String] = [], annotations: [String: String] = [:], labels: [String: String] = [:]
    ) {
        self.namespace = namespace
        self.name = name
        self.ingressClassName = ingressClassName
        self.hosts = hosts
        self.tlsHosts = tlsHosts
        self.loadBalancerIPs = loadBalancerIPs
        self.loadBalancerHostnames = loadBalancerHostnames
        self.annotations = annotations
        self.labels = labels
    }

    public var id: NamespacedName { NamespacedName(namespace: namespace, name: name) }
}

public struct SandboxPod: Sendable, Hashable {
    public var namespace: String
    public var name: String
    public var nodeName: String
    public var labels: [String: String]
    /// `ReplicaSet`, `DaemonSet`, `StatefulSet`, … or nil for a bare pod.
    public var ownerKind: String?
    public var phase: String
    public var usesEmptyDir: Bool
    public var annotations: [String: String]
    /// A replacement a controller created: `Pending` until this instant, then `Running`.
    var runsAt: SandboxClock.Instant?

    public init(
        namespace: String = "default", name: String, nodeName: String, labels: [String: String] = [:], ownerKind: String? = "ReplicaSet",
        phase: String = "Running", usesEmptyDir: Bool = false, annotations: [String: String] = [:]
    ) {
        self.namespace = namespace
        self.name = name
        self.nodeName = nodeName
        self.labels = labels
        self.ownerKind = ownerKind
        self.phase = phase
        self.usesEmptyDir = usesEmptyDir
        self.annotations = annotations
    }

    public var id: NamespacedName { NamespacedName(namespace: namespace, name: name) }
}

/// A PodDisruptionBudget with `minAvailable` over the pods whose labels include `matchLabels`.
public struct SandboxDisruptionBudget: Sendable, Hashable {
    public var namespace: String
    public var name: String
    public var matchLabels: [String: String]
    public var minAvailable: Int

    public init(namespace: String = "default", name: String, matchLabels: [String: String], minAvailable: Int) {
        self.namespace = namespace
        self.name = name
        self.matchLabels = matchLabels
        self.minAvailable = minAvailable
    }

    func selects(_ pod: SandboxPod) -> Bool {
        pod.namespace == namespace && matchLabels.allSatisfy { pod.labels[$0.key] == $0.value }
    }
}

public struct SandboxDeployment: Sendable, Hashable {
    public var namespace: String
    public var name: String
    public var replicas: Int
    public var selector: [String: String]
    public var annotations: [String: String]
    /// Pods passing readiness; nil follows `replicas` at once (an instant rollout).
    public var readyReplicas: Int?
    public internal(set) var resourceVersion = 0

    public init(namespace: String = "default", name: String, replicas: Int, selector: [String: String],
                annotations: [String: String] = [:], readyReplicas: Int? = nil) {
        self.namespace = namespace
        self.name = name
        self.replicas = replicas
        self.selector = selector
        self.annotations = annotations
        self.readyReplicas = readyReplicas
    }

    public var id: NamespacedName { NamespacedName(namespace: namespace, name: name) }
}

/// One cluster's Kubernetes objects, and the Ingress event history a watch resumes from.
struct KubernetesObjects: Sendable {
    struct WatchRecord: Sendable {
        var revision: Int
        var type: String
        var ingress: SandboxIngress
    }

    var ingresses: [NamespacedName: SandboxIngress] = [:]
    var pods: [NamespacedName: SandboxPod] = [:]
    var budgets: [SandboxDisruptionBudget] = []
    var deployments: [NamespacedName: SandboxDeployment] = [:]
    var watchLog: [WatchRecord] = []
    /// Watches from a resourceVersion below this answer 410 Gone (history compacted).
    var compactedThrough = 0
}

/// A networking.k8s.io/v1 Ingress: the hosts it claims and the load balancer it got.
public struct Ingress: Sendable, Hashable, Decodable {
    public struct LoadBalancerIngress: Sendable, Hashable, Decodable {
        public var ip: String?
        public var hostname: String?

        public init(ip: String? = nil, hostname: String? = nil) {
            self.ip = ip
            self.hostname = hostname
        }
    }

    public var metadata: ObjectMeta
    public var ingressClassName: String?
    /// `spec.rules[].host`, empty hosts left out.
    public var ruleHosts: [String]
    /// `spec.tls[].hosts[]`.
    public var tlsHosts: [String]
    /// `status.loadBalancer.ingress[]`.
    public var loadBalancer: [LoadBalancerIngress]

    public var id: NamespacedName { NamespacedName(namespace: metadata.namespace ?? "default", name: metadata.name) }

    public init(metadata: ObjectMeta, ingressClassName: String? = nil, ruleHosts: [String] = [], tlsHosts: [String] = [], loadBalancer: [LoadBalancerIngress] = []) {
        self.metadata = metadata
        self.ingressClassName = ingressClassName
        self.ruleHosts = ruleHosts
        self.tlsHosts = tlsHosts
        self.loadBalancer = loadBalancer
    }

    enum CodingKeys: String, CodingKey { case metadata, spec, status }
    struct Rule: Decodable { var host: String? }
    struct TLS: Decodable { var hosts: [String]? }
    struct Spec: Decodable { var ingressClassName: String?; var rules: [Rule]?; var tls: [TLS]? }
    struct LoadBalancerStatus: Decodable { var ingress: [LoadBalancerIngress]? }
    struct Status: Decodable { var loadBalancer: LoadBalancerStatus? }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let spec = try c.decodeIfPresent(Spec.self, forKey: .spec)
        self.init(
            metadata: try c.decode(ObjectMeta.self, forKey: .metadata), ingressClassName: spec?.ingressClassName,
            ruleHosts: (spec?.rules ?? []).compactMap { $0.host }.filter { !$0.isEmpty },
            tlsHosts: (spec?.tls ?? []).flatMap { $0.hosts ?? [] },
            loadBalancer: try c.decodeIfPresent(Status.self, forKey: .status)?.loadBalancer?.ingress ?? [])
    }
}

/// A complete list (every `continue` page followed) and the resourceVersion to watch from.
public struct IngressList: Sendable, Hashable {
    public var resourceVersion: String
    public var items: [Ingress]

    public init(resourceVersion: String, items: [Ingress]) {
        self.resourceVersion = resourceVersion
        self.items = items
    }
}

public enum IngressWatchEvent: Sendable, Hashable {
    case added(Ingress)
    case modified(Ingress)
    case deleted(Ingress)
    /// No change; the resourceVersion to resume from advanced.
    case bookmark(resourceVersion: String)
}

/// What one bounded watch request returned.
public struct IngressWatchBatch: Sendable, Hashable {
    public var events: [IngressWatchEvent]
    /// Where to resume: the last event's or bookmark's resourceVersion, or the one watched from.
    public var resourceVersion: String
    /// The server no longer has history from the requested resourceVersion (HTTP 410, or an
    /// in-stream ERROR with code 410): relist, then watch from the list's resourceVersion.
    public var expired: Bool

    public init(events: [IngressWatchEvent], resourceVersion: String, expired: Bool) {
        self.events = events
        self.resourceVersion = resourceVersion
        self.expired = expired
    }
}

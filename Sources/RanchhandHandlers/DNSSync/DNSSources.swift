import Foundation
import RanchhandClients
import RanchhandEvents

/// Where the Ingresses come from: the Kubernetes API (directly or through Rancher's proxy), a
/// recorded IngressList, or a watch-fed mirror.
public protocol IngressProvider: Sendable {
    func ingresses() async throws(ClientError) -> [Ingress]
}

/// Lists every Ingress (all pages) on each read.
public struct KubernetesIngressProvider: IngressProvider {
    public let client: any KubernetesClient
    public let namespace: String?

    public init(client: any KubernetesClient, namespace: String? = nil) {
        self.client = client
        self.namespace = namespace
    }

    public func ingresses() async throws(ClientError) -> [Ingress] { try await client.ingresses(namespace: namespace).items }
}

/// A recorded `IngressList` (`kubectl get ingress -A -o json`): networking.k8s.io/v1 or the older
/// extensions/v1beta1, whose hosts, TLS and status read the same.
public struct RecordedIngresses: IngressProvider {
    public let items: [Ingress]

    public init(items: [Ingress]) { self.items = items }

    public init(listJSON data: Data) throws {
        struct List: Decodable { var items: [Ingress] }
        self.items = try JSONDecoder().decode(List.self, from: data).items
    }

    public func ingresses() async throws(ClientError) -> [Ingress] { items }
}

/// What a sync needs to read besides the zone.
public protocol DNSSources: Sendable {
    /// nil when no Ingress source is configured.
    func ingresses() async throws(ClientError) -> [Ingress]?
    /// nil when no node pool is configured.
    func nodes(excluding: Set<InstanceID>) async throws(ClientError) -> [NodeInstance]?
    /// The canonical zones of load balancers whose names the table does not cover.
    func loadBalancerZones(for hostnames: [String]) async throws(ClientError) -> LoadBalancerZones
}

/// The sources through the clients. Auto Scaling is only read (DescribeAutoScalingGroups): the
/// DNS syncer never completes a lifecycle action.
public struct LiveDNSSources: DNSSources {
    public let ingressProvider: (any IngressProvider)?
    public let group: AutoScalingGroupName?
    public let autoScaling: (any AutoScalingClient)?
    public let ec2: (any EC2Client)?
    public let elb: (any ELBv2Client)?
    /// The cluster's API: with it, node-pool members are only instances whose Node is Ready and
    /// not cordoned. Without it (no Kubernetes access configured), Auto Scaling's view alone.
    public let kubernetes: (any KubernetesClient)?

    public init(ingressProvider: (any IngressProvider)?, group: AutoScalingGroupName?, autoScaling: (any AutoScalingClient)?,
                ec2: (any EC2Client)?, elb: (any ELBv2Client)?, kubernetes: (any KubernetesClient)? = nil) {
        self.ingressProvider = ingressProvider
        self.group = group
        self.autoScaling = autoScaling
        self.ec2 = ec2
        self.elb = elb
        self.kubernetes = kubernetes
    }

    public func ingresses() async throws(ClientError) -> [Ingress]? {
        guard let ingressProvider else { return nil }
        return try await ingressProvider.ingresses()
    }

    public func nodes(excluding excluded: Set<InstanceID>) async throws(ClientError) -> [NodeInstance]? {
        guard let group, let autoScaling, let ec2 else { return nil }
        guard let found = try await autoScaling.describeAutoScalingGroups([group]).first(where: { $0.name == group }) else {
            // Never read "no group" as "no nodes": that would delete every node record.
            throw ClientError(.configuration, service: "autoscaling", operation: "DescribeAutoScalingGroups",
                              message: "Auto Scaling group \(group) not found; check --group and the region")
        }
        let ids = found.instances.map(\.instanceID).filter { !excluded.contains($0) }
        let instances = ids.isEmpty ? [] : try await ec2.describeInstances(DescribeInstancesRequest(instanceIDs: ids))
        var clusterNodes: [KubernetesNode]?
        if let kubernetes {
            let listed = try await kubernetes.nodes()
            // An empty list is a bad read (wrong cluster, a token that sees nothing), never "no nodes":
            // it would delete every node record.
            guard !listed.isEmpty else {
                throw ClientError(.service, service: "kubernetes", operation: "GET /api/v1/nodes",
                                  message: "the cluster lists no Nodes; node-pool records are left as they are")
            }
            clusterNodes = listed
        }
        return NodePoolEndpoints.members(of: found, instances: instances, excluding: excluded, clusterNodes: clusterNodes)
    }

    public func loadBalancerZones(for hostnames: [String]) async throws(ClientError) -> LoadBalancerZones {
        let table = LoadBalancerZones()
        let unknown = hostnames.filter { LoadBalancerZones.looksLikeLoadBalancer($0) && table.zone(for: $0) == nil }
        guard let elb, !unknown.isEmpty else { return table }
        return LoadBalancerZones(try await elb.describeLoadBalancers(names: [], arns: []))
    }
}

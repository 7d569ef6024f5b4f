import RanchhandClients
import RanchhandEvents

/// The node-pool name (`nodes.<zone>`): the group's InService, healthy instances.
public struct NodePoolOptions: Sendable, Equatable {
    public enum Address: String, Sendable, CaseIterable {
        case privateIPv4 = "private"
        case publicIPv4 = "public"
    }

    public enum Style: String, Sendable, CaseIterable {
        /// One record set per instance (SetIdentifier = instance id, multivalue answer routing):
        /// a launch or termination touches only that instance's record. Resolvers get up to 8 of them.
        case multivalue
        /// One A record set holding every address (UPSERT on each change); resolvers get all.
        case simple

        /// Route53's quotas (DNSLimitations): 100 record sets of one name and type with multivalue
        /// answer routing; 400 values in one record set. Past them a change fails as an opaque
        /// InvalidChangeBatch, so the members beyond are refused by name instead.
        public var route53Limit: Int { self == .multivalue ? 100 : 400 }

        func overLimit(_ members: Int) -> String {
            switch self {
            case .multivalue: "\(members) members: Route53 allows 100 multivalue record sets per name (and answers with at most 8); "
                + "the first 100 by instance id are listed. Use --node-style simple (up to 400 addresses) or split the pool"
            case .simple: "\(members) members: a Route53 record set holds at most 400 values; the first 400 by instance id are listed"
            }
        }
    }

    public var group: AutoScalingGroupName
    public var recordName: String
    public var address: Address
    public var ttl: Int
    public var style: Style
    /// The pool's own policy, whatever the Ingress records' is: a departed instance's record is a
    /// deletion, and an upsert-only pool would hand clients the addresses of terminated nodes.
    public var policy: PlanPolicy
    /// Fewer members than this (an empty or bad read of the group) change no node-pool record.
    public var minimumRecords: Int

    public init(group: AutoScalingGroupName, recordName: String, address: Address = .privateIPv4, ttl: Int = 60, style: Style = .multivalue,
                policy: PlanPolicy = .sync, minimumRecords: Int = 1) {
        self.group = group
        self.recordName = RecordName.normalized(recordName)
        self.address = address
        self.ttl = ttl
        self.style = style
        self.policy = policy
        self.minimumRecords = minimumRecords
    }
}

/// A compute node as the DNS syncer needs it.
public struct NodeInstance: Sendable, Equatable {
    public var instanceID: InstanceID
    public var privateIPv4: String?
    public var publicIPv4: String?

    public init(instanceID: InstanceID, privateIPv4: String?, publicIPv4: String?) {
        self.instanceID = instanceID
        self.privateIPv4 = privateIPv4
        self.publicIPv4 = publicIPv4
    }
}

public enum NodePoolEndpoints {
    /// The group's `InService` + `Healthy` members that EC2 reports running, less `excluded` (the
    /// instance of a terminating event, gone from DNS at once even if Auto Scaling still lists it).
    /// With the cluster's Nodes, only instances whose Node is Ready and schedulable: a NotReady
    /// kubelet serves nothing, a cordoned node is being drained, and a new one is added only once
    /// it has joined.
    public static func members(of group: AutoScalingGroup, instances: [EC2Instance], excluding excluded: Set<InstanceID>,
                               clusterNodes: [KubernetesNode]? = nil) -> [NodeInstance] {
        let serving = Set(group.instances.filter { $0.lifecycleState == "InService" && $0.healthStatus == "Healthy" }.map(\.instanceID))
        return instances
            .filter { serving.contains($0.instanceID) && !excluded.contains($0.instanceID) && $0.state == .running }
            .filter { instance in clusterNodes.map { nodes in nodes.contains { servesTraffic($0, as: instance) } } ?? true }
            .map { NodeInstance(instanceID: $0.instanceID, privateIPv4: $0.privateIPv4, publicIPv4: $0.publicIPv4) }
            .sorted { $0.instanceID.rawValue < $1.instanceID.rawValue }
    }

    /// The Node is this instance's (the bootstrap label, the AWS provider ID, or the private
    /// address), its kubelet reports Ready, and it is not cordoned.
    static func servesTraffic(_ node: KubernetesNode, as instance: EC2Instance) -> Bool {
        guard node.ready == "True", !node.unschedulable else { return false }
        if let label = node.metadata.labels[NodeMatcher.instanceIDLabel], !label.isEmpty { return label == instance.instanceID.rawValue }
        if let id = node.awsInstanceID { return id == instance.instanceID.rawValue }
        return instance.privateIPv4 != nil && node.address("InternalIP") == instance.privateIPv4
    }

    public static func desired(from nodes: [NodeInstance], options: NodePoolOptions) -> DesiredRecords {
        let resource = DNSResource.nodes(options.group)
        var desired = DesiredRecords()
        var addressed: [(NodeInstance, String)] = []
        for node in nodes {
            let address = options.address == .privateIPv4 ? node.privateIPv4 : node.publicIPv4
            guard let address, !address.isEmpty else {
                desired.rejected.append(RecordConflict(name: options.recordName, type: .a, setIdentifier: node.instanceID.rawValue, resource: resource,
                                                       reason: "instance \(node.instanceID) has no \(options.address.rawValue) IPv4 address"))
                continue
            }
            addressed.append((node, address))
        }
        let limit = options.style.route53Limit
        for (node, _) in addressed.dropFirst(limit) {
            desired.rejected.append(RecordConflict(name: options.recordName, type: .a, setIdentifier: node.instanceID.rawValue, resource: resource,
                                                   reason: options.style.overLimit(addressed.count)))
        }
        addressed = Array(addressed.prefix(limit))
        switch options.style {
        case .multivalue:
            desired.endpoints = addressed.map { node, address in
                DNSEndpoint(name: options.recordName, type: .a, setIdentifier: node.instanceID.rawValue, multiValueAnswer: true,
                            ttl: options.ttl, target: .values([address]), resource: resource)
            }
        case .simple:
            if !addressed.isEmpty {
                desired.endpoints = [DNSEndpoint(name: options.recordName, type: .a, ttl: options.ttl, target: .values(addressed.map(\.1)),
                                                 resource: resource)]
            }
        }
        return desired
    }
}

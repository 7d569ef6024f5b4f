import RanchhandEvents

/// The EC2 reads the tools make: which instances a group has, their addresses and tags.
public protocol EC2Client: Sendable {
    /// Every instance matching `request`, all pages read (reservations flattened).
    func describeInstances(_ request: DescribeInstancesRequest) async throws(ClientError) -> [EC2Instance]
}

/// One `Filter.N` of DescribeInstances: instances match when any value matches (and every filter does).
public struct EC2Filter: Sendable, Equatable {
    public var name: String
    public var values: [String]

    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }

    /// `tag:<key>` = any of `values`.
    public static func tag(_ key: String, _ values: String...) -> EC2Filter {
        EC2Filter(name: "tag:\(key)", values: values)
    }

    /// `instance-state-name`: filter on state, since terminated instances stay listed for a while.
    public static func state(_ states: InstanceState...) -> EC2Filter {
        EC2Filter(name: "instance-state-name", values: states.map(\.rawValue))
    }
}

public struct DescribeInstancesRequest: Sendable, Equatable {
    public var instanceIDs: [InstanceID]
    public var filters: [EC2Filter]
    /// `MaxResults` per page (5...1000). EC2 refuses it together with instance ids, so it is sent
    /// only when `instanceIDs` is empty.
    public var pageSize: Int?

    public init(instanceIDs: [InstanceID] = [], filters: [EC2Filter] = [], pageSize: Int? = nil) {
        self.instanceIDs = instanceIDs
        self.filters = filters
        self.pageSize = pageSize
    }
}

public struct EC2Instance: Sendable, Equatable {
    public var instanceID: InstanceID
    /// `nil` when EC2 answered with a state name this version does not know.
    public var state: InstanceState?
    public var instanceType: String
    public var imageID: String
    public var availabilityZone: String
    public var privateIPv4: String?
    public var publicIPv4: String?
    public var privateDNSName: String?
    public var publicDNSName: String?
    public var subnetID: String?
    public var vpcID: String?
    public var launchTime: Timestamp?
    public var tags: [String: String]

    public init(instanceID: InstanceID, state: InstanceState?, instanceType: String = "", imageID: String = "",
                availabilityZone: String = "", privateIPv4: String? = nil, publicIPv4: String? = nil,
                privateDNSName: String? = nil, publicDNSName: String? = nil, subnetID: String? = nil, vpcID: String? = nil,
                launchTime: Timestamp? = nil, tags: [String: String] = [:]) {
        self.instanceID = instanceID
        self.state = state
        self.instanceType = instanceType
        self.imageID = imageID
        self.availabilityZone = availabilityZone
        self.privateIPv4 = privateIPv4
        self.publicIPv4 = publicIPv4
        self.privateDNSName = privateDNSName
        self.publicDNSName = publicDNSName
        self.subnetID = subnetID
        self.vpcID = vpcID
        self.launchTime = launchTime
        self.tags = tags
    }

    /// The Auto Scaling group EC2 tagged the instance with, if any.
    public var autoScalingGroup: AutoScalingGroupName? {
        tags["aws:autoscaling:groupName"].map(AutoScalingGroupName.init(rawValue:))
    }
}

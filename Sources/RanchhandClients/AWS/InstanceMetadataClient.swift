import RanchhandEvents

/// The EC2 instance metadata service (IMDSv2 only) as the bootstrap agent and the region and
/// credentials resolution use it.
public protocol InstanceMetadataClient: Sendable {
    /// Identity and addresses of this instance.
    func instanceMetadata() async throws(ClientError) -> InstanceMetadata
    /// Instance tags, or `nil` when the instance does not expose tags in metadata.
    func instanceTags() async throws(ClientError) -> [String: String]?
    /// `autoscaling/target-lifecycle-state` (`InService`, `Terminated`, `Warmed:Stopped`, …), or
    /// `nil` when the instance is not in an Auto Scaling group.
    func targetLifecycleState() async throws(ClientError) -> String?
}

public struct InstanceMetadata: Sendable, Equatable {
    public var instanceID: InstanceID
    public var region: AWSRegion
    public var availabilityZone: String
    public var instanceType: String
    public var privateIPv4: String
    /// `nil` without a public address.
    public var publicIPv4: String?
    /// The private DNS hostname (`ip-10-0-1-5.ec2.internal`).
    public var hostname: String
    /// Tags when exposed in metadata.
    public var tags: [String: String]?

    public init(instanceID: InstanceID, region: AWSRegion, availabilityZone: String, instanceType: String, privateIPv4: String,
                publicIPv4: String?, hostname: String, tags: [String: String]?) {
        self.instanceID = instanceID
        self.region = region
        self.availabilityZone = availabilityZone
        self.instanceType = instanceType
        self.privateIPv4 = privateIPv4
        self.publicIPv4 = publicIPv4
        self.hostname = hostname
        self.tags = tags
    }
}

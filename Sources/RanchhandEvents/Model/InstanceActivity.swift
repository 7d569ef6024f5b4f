/// Which scaling activity finished: EventBridge's "EC2 Instance Launch Successful" and friends,
/// or their classic notification-configuration twins (`autoscaling:EC2_INSTANCE_LAUNCH`, …).
public enum InstanceActivityKind: String, Sendable, CaseIterable {
    case launchSuccessful = "launch-successful"
    case launchUnsuccessful = "launch-unsuccessful"
    case terminateSuccessful = "terminate-successful"
    case terminateUnsuccessful = "terminate-unsuccessful"

    var eventBridgeDetailType: String {
        switch self {
        case .launchSuccessful: "EC2 Instance Launch Successful"
        case .launchUnsuccessful: "EC2 Instance Launch Unsuccessful"
        case .terminateSuccessful: "EC2 Instance Terminate Successful"
        case .terminateUnsuccessful: "EC2 Instance Terminate Unsuccessful"
        }
    }

    var classicEvent: String {
        switch self {
        case .launchSuccessful: "autoscaling:EC2_INSTANCE_LAUNCH"
        case .launchUnsuccessful: "autoscaling:EC2_INSTANCE_LAUNCH_ERROR"
        case .terminateSuccessful: "autoscaling:EC2_INSTANCE_TERMINATE"
        case .terminateUnsuccessful: "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"
        }
    }
}

/// A launch or termination that completed or failed. Most fields are informational; the
/// instance and group are what the tools act on.
public struct InstanceActivity: Sendable, Equatable {
    public var kind: InstanceActivityKind
    public var instanceID: InstanceID
    public var groupName: AutoScalingGroupName
    public var statusCode: String?
    public var statusMessage: String?
    public var description: String?
    public var cause: String?
    /// `Details` has keys with spaces ("Availability Zone", "Subnet ID").
    public var details: [String: String]
    public var activityID: String?
    public var requestID: String?
    public var startTime: Timestamp?
    public var endTime: Timestamp?
    public var origin: InstanceLocation?
    public var destination: InstanceLocation?
    /// The classic notification's `Time` (EventBridge carries it on the envelope).
    public var time: Timestamp?
    public var accountID: AWSAccountID?

    public init(
        kind: InstanceActivityKind, instanceID: InstanceID, groupName: AutoScalingGroupName,
        statusCode: String? = nil, statusMessage: String? = nil, description: String? = nil,
        cause: String? = nil, details: [String: String] = [:], activityID: String? = nil,
        requestID: String? = nil, startTime: Timestamp? = nil, endTime: Timestamp? = nil,
        origin: InstanceLocation? = nil, destination: InstanceLocation? = nil, time: Timestamp? = nil,
        accountID: AWSAccountID? = nil
    ) {
        self.kind = kind
        self.instanceID = instanceID
        self.groupName = groupName
        self.statusCode = statusCode
        self.statusMessage = statusMessage
        self.description = description
        self.cause = cause
        self.details = details
        self.activityID = activityID
        self.requestID = requestID
        self.startTime = startTime
        self.endTime = endTime
        self.origin = origin
        self.destination = destination
        self.time = time
        self.accountID = accountID
    }
}

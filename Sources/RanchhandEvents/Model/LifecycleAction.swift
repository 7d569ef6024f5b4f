/// `LifecycleTransition` as Auto Scaling spells it.
public enum LifecycleTransition: String, Sendable, Codable, CaseIterable {
    case launching = "autoscaling:EC2_INSTANCE_LAUNCHING"
    case terminating = "autoscaling:EC2_INSTANCE_TERMINATING"
}

/// Where an instance comes from or goes to (`Origin` / `Destination`); present on warm-pool
/// events and, since about 2021, on ordinary ones too.
public enum InstanceLocation: String, Sendable, Codable, CaseIterable {
    case ec2 = "EC2"
    case autoScalingGroup = "AutoScalingGroup"
    case warmPool = "WarmPool"
}

/// A lifecycle hook fired: the instance waits in `Pending:Wait` or `Terminating:Wait` until
/// somebody completes the action with this token (or the hook's timeout applies its default).
public struct LifecycleActionNotification: Sendable, Equatable {
    public var transition: LifecycleTransition
    public var hookName: LifecycleHookName
    public var groupName: AutoScalingGroupName
    public var instanceID: InstanceID
    public var token: LifecycleActionToken
    /// The hook's metadata, exactly as configured: free text that may hold JSON.
    public var notificationMetadata: String?
    public var origin: InstanceLocation?
    public var destination: InstanceLocation?
    /// The notification's own `Time`; EventBridge deliveries carry the time on the envelope.
    public var time: Timestamp?
    public var accountID: AWSAccountID?
    public var requestID: String?

    public init(
        transition: LifecycleTransition, hookName: LifecycleHookName, groupName: AutoScalingGroupName,
        instanceID: InstanceID, token: LifecycleActionToken, notificationMetadata: String? = nil,
        origin: InstanceLocation? = nil, destination: InstanceLocation? = nil, time: Timestamp? = nil,
        accountID: AWSAccountID? = nil, requestID: String? = nil
    ) {
        self.transition = transition
        self.hookName = hookName
        self.groupName = groupName
        self.instanceID = instanceID
        self.token = token
        self.notificationMetadata = notificationMetadata
        self.origin = origin
        self.destination = destination
        self.time = time
        self.accountID = accountID
        self.requestID = requestID
    }

    /// A terminating instance going back into the warm pool is kept (stopped or hibernated), so
    /// its node must be drained but not deleted.
    public var returnsToWarmPool: Bool { destination == .warmPool }
}

/// `autoscaling:TEST_NOTIFICATION`, sent once when a hook or notification target is configured.
/// It has no instance and no token: acknowledge it and do nothing.
public struct TestNotification: Sendable, Equatable {
    public var groupName: AutoScalingGroupName?
    public var groupARN: String?
    public var hookName: LifecycleHookName?
    public var time: Timestamp?
    public var accountID: AWSAccountID?
    public var requestID: String?

    public init(
        groupName: AutoScalingGroupName? = nil, groupARN: String? = nil, hookName: LifecycleHookName? = nil,
        time: Timestamp? = nil, accountID: AWSAccountID? = nil, requestID: String? = nil
    ) {
        self.groupName = groupName
        self.groupARN = groupARN
        self.hookName = hookName
        self.time = time
        self.accountID = accountID
        self.requestID = requestID
    }
}

import RanchhandEvents

/// The Auto Scaling calls the tools make. Lifecycle actions are addressed by token when the event
/// carried one, else by instance id (AWS accepts either).
public protocol AutoScalingClient: Sendable {
    func completeLifecycleAction(_ action: LifecycleActionReference, result: LifecycleActionResult) async throws(ClientError)
    func recordLifecycleActionHeartbeat(_ action: LifecycleActionReference) async throws(ClientError)
    func describeAutoScalingGroups(_ names: [AutoScalingGroupName]) async throws(ClientError) -> [AutoScalingGroup]
    func describeAutoScalingInstances(_ instanceIDs: [InstanceID]) async throws(ClientError) -> [AutoScalingInstance]
    func describeLifecycleHooks(_ group: AutoScalingGroupName) async throws(ClientError) -> [LifecycleHook]
    func setDesiredCapacity(_ group: AutoScalingGroupName, to capacity: Int, honorCooldown: Bool) async throws(ClientError)
    func describeScalingActivities(_ group: AutoScalingGroupName, maximum: Int) async throws(ClientError) -> [ScalingActivity]
}

public enum LifecycleActionResult: String, Sendable, Codable {
    case `continue` = "CONTINUE"
    case abandon = "ABANDON"
}

public struct LifecycleActionReference: Sendable, Hashable {
    public var group: AutoScalingGroupName
    public var hook: LifecycleHookName
    public var instanceID: InstanceID
    /// Preferred when known; without it AWS finds the action by instance id.
    public var token: LifecycleActionToken?

    public init(group: AutoScalingGroupName, hook: LifecycleHookName, instanceID: InstanceID, token: LifecycleActionToken?) {
        self.group = group
        self.hook = hook
        self.instanceID = instanceID
        self.token = token
    }

    /// An empty token (a wait found by reconciliation, not announced by an event) addresses the
    /// action by instance id.
    public init(_ notification: LifecycleActionNotification) {
        let token = notification.token.rawValue.isEmpty ? nil : notification.token
        self.init(group: notification.groupName, hook: notification.hookName, instanceID: notification.instanceID, token: token)
    }
}

public struct AutoScalingGroup: Sendable, Equatable {
    public struct Instance: Sendable, Equatable {
        public var instanceID: InstanceID
        /// `InService`, `Pending:Wait`, `Terminating:Wait`, `Warmed:Stopped`, …
        public var lifecycleState: String
        /// `Healthy` or `Unhealthy`.
        public var healthStatus: String
        public var availabilityZone: String
        public var protectedFromScaleIn: Bool

        public init(instanceID: InstanceID, lifecycleState: String, healthStatus: String, availabilityZone: String, protectedFromScaleIn: Bool = false) {
            self.instanceID = instanceID
            self.lifecycleState = lifecycleState
            self.healthStatus = healthStatus
            self.availabilityZone = availabilityZone
            self.protectedFromScaleIn = protectedFromScaleIn
        }
    }

    public var name: AutoScalingGroupName
    public var minSize: Int
    public var maxSize: Int
    public var desiredCapacity: Int
    public var instances: [Instance]
    /// `InstanceLifecyclePolicy.RetentionTriggers.TerminateHookAbandon`: `retain` keeps an instance
    /// whose terminate hook is abandoned; `terminate` (or absent) terminates it either way.
    public var terminateHookAbandon: String?
    public var tags: [String: String]

    public init(name: AutoScalingGroupName, minSize: Int, maxSize: Int, desiredCapacity: Int, instances: [Instance],
                terminateHookAbandon: String? = nil, tags: [String: String] = [:]) {
        self.name = name
        self.minSize = minSize
        self.maxSize = maxSize
        self.desiredCapacity = desiredCapacity
        self.instances = instances
        self.terminateHookAbandon = terminateHookAbandon
        self.tags = tags
    }

    public var retainsAbandonedTerminations: Bool { terminateHookAbandon == "retain" }
}

public struct AutoScalingInstance: Sendable, Equatable {
    public var instanceID: InstanceID
    public var group: AutoScalingGroupName
    public var lifecycleState: String
    public var healthStatus: String
    public var availabilityZone: String

    public init(instanceID: InstanceID, group: AutoScalingGroupName, lifecycleState: String, healthStatus: String, availabilityZone: String) {
        self.instanceID = instanceID
        self.group = group
        self.lifecycleState = lifecycleState
        self.healthStatus = healthStatus
        self.availabilityZone = availabilityZone
    }
}

public struct LifecycleHook: Sendable, Equatable {
    public var name: LifecycleHookName
    public var transition: LifecycleTransition
    /// Seconds the instance waits without a heartbeat before `defaultResult` applies.
    public var heartbeatTimeout: Int
    /// Seconds the instance may wait at most, heartbeats included.
    public var globalTimeout: Int
    public var defaultResult: LifecycleActionResult
    public var notificationMetadata: String?

    public init(name: LifecycleHookName, transition: LifecycleTransition, heartbeatTimeout: Int, globalTimeout: Int,
                defaultResult: LifecycleActionResult, notificationMetadata: String? = nil) {
        self.name = name
        self.transition = transition
        self.heartbeatTimeout = heartbeatTimeout
        self.globalTimeout = globalTimeout
        self.defaultResult = defaultResult
        self.notificationMetadata = notificationMetadata
    }
}

public struct ScalingActivity: Sendable, Equatable {
    public var activityID: String
    public var description: String
    public var cause: String
    public var statusCode: String
    public var startTime: Timestamp?
    public var endTime: Timestamp?

    public init(activityID: String, description: String, cause: String, statusCode: String, startTime: Timestamp?, endTime: Timestamp?) {
        self.activityID = activityID
        self.description = description
        self.cause = cause
        self.statusCode = statusCode
        self.startTime = startTime
        self.endTime = endTime
    }
}

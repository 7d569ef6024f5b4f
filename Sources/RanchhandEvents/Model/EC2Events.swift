/// "EC2 Spot Instance Interruption Warning": about two minutes before the instance is reclaimed.
public struct SpotInterruptionWarning: Sendable, Equatable {
    public var instanceID: InstanceID
    /// `terminate`, `stop` or `hibernate` (kept as sent: AWS's own examples use placeholders).
    public var instanceAction: String?

    public init(instanceID: InstanceID, instanceAction: String? = nil) {
        self.instanceID = instanceID
        self.instanceAction = instanceAction
    }
}

/// "EC2 Instance Rebalance Recommendation": the Spot instance is at elevated risk of interruption.
public struct RebalanceRecommendation: Sendable, Equatable {
    public var instanceID: InstanceID

    public init(instanceID: InstanceID) {
        self.instanceID = instanceID
    }
}

public enum InstanceState: String, Sendable, Codable, CaseIterable {
    case pending
    case running
    case stopping
    case stopped
    case shuttingDown = "shutting-down"
    case terminated
}

/// "EC2 Instance State-change Notification".
public struct InstanceStateChange: Sendable, Equatable {
    public var instanceID: InstanceID
    public var state: InstanceState

    public init(instanceID: InstanceID, state: InstanceState) {
        self.instanceID = instanceID
        self.state = state
    }
}

/// A schedule fired: an EventBridge rule (`aws.events`) or EventBridge Scheduler (`aws.scheduler`,
/// whose `detail` is the string `"{}"`). The detail is whatever the schedule was configured with.
public struct ScheduledEvent: Sendable, Equatable {
    public var detail: JSONValue

    public init(detail: JSONValue = .object([:])) {
        self.detail = detail
    }
}

public enum AlarmStateValue: String, Sendable, Codable, CaseIterable {
    case ok = "OK"
    case alarm = "ALARM"
    case insufficientData = "INSUFFICIENT_DATA"
}

public struct AlarmState: Sendable, Equatable {
    public var value: AlarmStateValue
    public var reason: String?
    /// JSON inside a string, kept as sent and parsed only by whoever needs it.
    public var reasonData: String?
    public var timestamp: Timestamp?

    public init(value: AlarmStateValue, reason: String? = nil, reasonData: String? = nil, timestamp: Timestamp? = nil) {
        self.value = value
        self.reason = reason
        self.reasonData = reasonData
        self.timestamp = timestamp
    }
}

/// "CloudWatch Alarm State Change" (EventBridge shape; the classic SNS alarm JSON is a different,
/// unsupported message).
public struct AlarmStateChange: Sendable, Equatable {
    public var alarmName: String
    public var state: AlarmState
    public var previousState: AlarmState?
    /// `configuration` as sent: its metric entries come in two shapes and grow new keys.
    public var configuration: JSONValue?

    public init(alarmName: String, state: AlarmState, previousState: AlarmState? = nil, configuration: JSONValue? = nil) {
        self.alarmName = alarmName
        self.state = state
        self.previousState = previousState
        self.configuration = configuration
    }
}

/// Well-formed input that is none of the events the tools act on. It is reported, never a crash.
public struct UnsupportedEvent: Sendable, Equatable {
    /// What it looked like, for a log line ("EventBridge aws.health/AWS Health Event",
    /// "plain-text message", …).
    public var summary: String

    public init(summary: String) {
        self.summary = summary
    }
}

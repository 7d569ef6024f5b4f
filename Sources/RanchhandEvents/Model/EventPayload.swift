/// The kinds of event, with the names `ranchhand decode` prints.
public enum EventKind: String, Sendable, CaseIterable {
    case lifecycleLaunching = "lifecycle-launching"
    case lifecycleTerminating = "lifecycle-terminating"
    case testNotification = "test-notification"
    case launchSuccessful = "launch-successful"
    case launchUnsuccessful = "launch-unsuccessful"
    case terminateSuccessful = "terminate-successful"
    case terminateUnsuccessful = "terminate-unsuccessful"
    case spotInterruptionWarning = "spot-interruption-warning"
    case rebalanceRecommendation = "rebalance-recommendation"
    case instanceStateChange = "instance-state-change"
    case scheduled
    case alarmStateChange = "alarm-state-change"
    case unsupported
}

/// One event, whatever envelope it came in.
public enum EventPayload: Sendable, Equatable {
    case lifecycleAction(LifecycleActionNotification)
    case testNotification(TestNotification)
    case instanceActivity(InstanceActivity)
    case spotInterruptionWarning(SpotInterruptionWarning)
    case rebalanceRecommendation(RebalanceRecommendation)
    case instanceStateChange(InstanceStateChange)
    case scheduled(ScheduledEvent)
    case alarmStateChange(AlarmStateChange)
    case unsupported(UnsupportedEvent)

    public var kind: EventKind {
        switch self {
        case .lifecycleAction(let action):
            action.transition == .launching ? .lifecycleLaunching : .lifecycleTerminating
        case .testNotification: .testNotification
        case .instanceActivity(let activity):
            switch activity.kind {
            case .launchSuccessful: .launchSuccessful
            case .launchUnsuccessful: .launchUnsuccessful
            case .terminateSuccessful: .terminateSuccessful
            case .terminateUnsuccessful: .terminateUnsuccessful
            }
        case .spotInterruptionWarning: .spotInterruptionWarning
        case .rebalanceRecommendation: .rebalanceRecommendation
        case .instanceStateChange: .instanceStateChange
        case .scheduled: .scheduled
        case .alarmStateChange: .alarmStateChange
        case .unsupported: .unsupported
        }
    }

    /// The instance the event is about, when it is about one.
    public var instanceID: InstanceID? {
        switch self {
        case .lifecycleAction(let action): action.instanceID
        case .instanceActivity(let activity): activity.instanceID
        case .spotInterruptionWarning(let warning): warning.instanceID
        case .rebalanceRecommendation(let recommendation): recommendation.instanceID
        case .instanceStateChange(let change): change.instanceID
        case .testNotification, .scheduled, .alarmStateChange, .unsupported: nil
        }
    }
}

/// The public `ranchhand decode` line for one event: a flat JSON object with a fixed key order and
/// keys omitted when they do not apply. Scripts depend on it; change it only additively.
public struct EventSummary: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case string(String)
        case strings([String])
    }

    /// Key/value pairs in the documented order.
    public private(set) var fields: [(key: String, value: Value)] = []

    public static func == (lhs: EventSummary, rhs: EventSummary) -> Bool {
        lhs.fields.map(\.key) == rhs.fields.map(\.key) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
    }

    public subscript(key: String) -> Value? {
        fields.first(where: { $0.key == key })?.value
    }

    /// Summarises a decoded record; `nil` for a record that failed to decode.
    public init?(_ record: EventRecord) {
        guard let payload = record.payload else { return nil }
        let bridge = record.eventBridge
        let facts = EventFacts(payload)
        add("kind", payload.kind.rawValue)
        fields.append((key: "envelopes", value: .strings(record.envelopes.map(\.rawValue))))
        add("instanceId", facts.instanceID)
        add("autoScalingGroupName", facts.groupName)
        add("lifecycleHookName", facts.hookName)
        add("lifecycleActionToken", facts.token)
        add("lifecycleTransition", facts.transition)
        add("notificationMetadata", facts.notificationMetadata)
        add("origin", facts.origin)
        add("destination", facts.destination)
        add("state", facts.state)
        add("alarmName", facts.alarmName)
        add("alarmState", facts.alarmState)
        add("time", (bridge?.time ?? facts.time)?.rfc3339UTC)
        add("region", bridge?.region?.rawValue)
        add("account", (bridge?.account ?? facts.account)?.rawValue)
        add("messageId", record.sqsMessage?.messageID.rawValue)
        add("source", bridge?.source)
        add("detailType", bridge?.detailType)
    }

    private mutating func add(_ key: String, _ value: String?) {
        if let value { fields.append((key: key, value: .string(value))) }
    }

    /// One line of compact JSON.
    public var jsonLine: String {
        var writer = JSONTextWriter()
        writer.object(fields.map { ($0.key, $0.value) })
        return writer.text
    }

    /// The same object, indented for people.
    public var prettyJSON: String {
        var writer = JSONTextWriter(indent: "  ")
        writer.object(fields.map { ($0.key, $0.value) })
        return writer.text
    }
}

/// The per-kind facts a summary shows, pulled out of the payload in one place.
private struct EventFacts {
    var instanceID: String?, groupName: String?, hookName: String?, token: String?, transition: String?
    var notificationMetadata: String?, origin: String?, destination: String?, state: String?
    var alarmName: String?, alarmState: String?, time: Timestamp?, account: AWSAccountID?

    init(_ payload: EventPayload) {
        instanceID = payload.instanceID?.rawValue
        switch payload {
        case .lifecycleAction(let action):
            groupName = action.groupName.rawValue
            hookName = action.hookName.rawValue
            token = action.token.rawValue
            transition = action.transition.rawValue
            notificationMetadata = action.notificationMetadata
            origin = action.origin?.rawValue
            destination = action.destination?.rawValue
            time = action.time
            account = action.accountID
        case .testNotification(let test):
            groupName = test.groupName?.rawValue
            hookName = test.hookName?.rawValue
            time = test.time
            account = test.accountID
        case .instanceActivity(let activity):
            groupName = activity.groupName.rawValue
            origin = activity.origin?.rawValue
            destination = activity.destination?.rawValue
            time = activity.time
            account = activity.accountID
        case .instanceStateChange(let change):
            state = change.state.rawValue
        case .alarmStateChange(let change):
            alarmName = change.alarmName
            alarmState = change.state.value.rawValue
        case .spotInterruptionWarning, .rebalanceRecommendation, .scheduled, .unsupported:
            break
        }
    }
}

/// EventBridge events: the envelope's fields plus a `detail` typed by `source` + `detail-type`.
enum EventBridgeDecoder {
    static func decode(_ object: ObjectReader) throws(EventDecodingError) -> (EventPayload, EventBridgeContext) {
        let context = EventBridgeContext(
            id: try object.optionalString("id"),
            source: try object.string("source"),
            detailType: try object.string("detail-type"),
            time: try object.optionalTimestamp("time"),
            region: try object.optionalIdentifier("region"),
            account: try object.optionalIdentifier("account"),
            resources: try object.stringArray("resources"))
        return (try payload(for: context, object), context)
    }

    private static func payload(for context: EventBridgeContext, _ object: ObjectReader) throws(EventDecodingError) -> EventPayload {
        switch (context.source, context.detailType) {
        case ("aws.autoscaling", "EC2 Instance-launch Lifecycle Action"),
             ("aws.autoscaling", "EC2 Instance-terminate Lifecycle Action"):
            return .lifecycleAction(try PayloadDecoder.lifecycleAction(try detail(object), ownTime: false))
        case ("aws.autoscaling", let detailType):
            if let kind = InstanceActivityKind.allCases.first(where: { $0.eventBridgeDetailType == detailType }) {
                return .instanceActivity(try PayloadDecoder.instanceActivity(kind, try detail(object), ownTime: false))
            }
        case ("aws.ec2", "EC2 Spot Instance Interruption Warning"):
            let detail = try detail(object)
            return .spotInterruptionWarning(SpotInterruptionWarning(
                instanceID: try detail.identifier("instance-id"),
                instanceAction: try detail.optionalString("instance-action")))
        case ("aws.ec2", "EC2 Instance Rebalance Recommendation"):
            return .rebalanceRecommendation(RebalanceRecommendation(instanceID: try detail(object).identifier("instance-id")))
        case ("aws.ec2", "EC2 Instance State-change Notification"):
            let detail = try detail(object)
            return .instanceStateChange(InstanceStateChange(
                instanceID: try detail.identifier("instance-id"), state: try detail.enumeration("state")))
        case ("aws.events", "Scheduled Event"), ("aws.scheduler", "Scheduled Event"):
            return .scheduled(ScheduledEvent(detail: scheduleDetail(object)))
        case ("aws.cloudwatch", "CloudWatch Alarm State Change"):
            return .alarmStateChange(try alarmStateChange(try detail(object)))
        default:
            break
        }
        return .unsupported(UnsupportedEvent(summary: "EventBridge \(context.source) \"\(context.detailType)\""))
    }

    /// `detail` as an object; EventBridge Scheduler sends it as a JSON string, so a string holding
    /// an object is accepted too.
    private static func detail(_ object: ObjectReader) throws(EventDecodingError) -> ObjectReader {
        let path = object.path.appending("detail")
        switch object.fields["detail"] {
        case nil, .null?:
            throw EventDecodingError(.missing, at: path)
        case .string(let text)?:
            guard let parsed = try? JSONValue.parse(text), case .object(let fields) = parsed else {
                throw EventDecodingError(.wrongType(expected: "an object or a string holding one", found: "string"), at: path)
            }
            return ObjectReader(fields, at: path)
        case let value?:
            return try ObjectReader(value, at: path)
        }
    }

    /// A schedule's detail is whatever the user configured; keep it, parsing a string if it holds JSON.
    private static func scheduleDetail(_ object: ObjectReader) -> JSONValue {
        switch object.fields["detail"] {
        case nil, .null?: return .object([:])
        case .string(let text)?: return (try? JSONValue.parse(text)) ?? .string(text)
        case let value?: return value
        }
    }

    private static func alarmStateChange(_ detail: ObjectReader) throws(EventDecodingError) -> AlarmStateChange {
        AlarmStateChange(
            alarmName: try detail.string("alarmName"),
            state: try alarmState(try detail.object("state")),
            previousState: try detail.optionalObject("previousState").map { (reader) throws(EventDecodingError) in
                try alarmState(reader)
            },
            configuration: detail.fields["configuration"])
    }

    private static func alarmState(_ state: ObjectReader) throws(EventDecodingError) -> AlarmState {
        AlarmState(
            value: try state.enumeration("value"),
            reason: try state.optionalString("reason"),
            reasonData: try state.optionalString("reasonData"),
            timestamp: try state.optionalTimestamp("timestamp"))
    }
}

/// Turns an unwrapped JSON object into an event: an EventBridge event (dispatched on `source` and
/// `detail-type`), or a bare Auto Scaling notification (dispatched on `Event` and
/// `LifecycleTransition`). Anything else well-formed is `unsupported`.
enum PayloadDecoder {
    static let testNotificationEvent = "autoscaling:TEST_NOTIFICATION"

    static func decode(_ object: ObjectReader) throws(EventDecodingError) -> (EventPayload, EventBridgeContext?) {
        if object.has("detail-type") {
            return try EventBridgeDecoder.decode(object)
        }
        let event = try object.optionalString("Event")
        if event == testNotificationEvent || (try? object.optionalString("LifecycleTransition")) == testNotificationEvent {
            return (.testNotification(try testNotification(object)), nil)
        }
        if object.has("LifecycleTransition") {
            return (.lifecycleAction(try lifecycleAction(object, ownTime: true)), nil)
        }
        if let event, event.hasPrefix("autoscaling:") {
            guard let kind = InstanceActivityKind.allCases.first(where: { $0.classicEvent == event }) else {
                let allowed = [testNotificationEvent] + InstanceActivityKind.allCases.map(\.classicEvent)
                throw EventDecodingError(.unknownValue(event, allowed: allowed), at: object.path.appending("Event"))
            }
            return (.instanceActivity(try instanceActivity(kind, object, ownTime: true)), nil)
        }
        return (.unsupported(UnsupportedEvent(summary: describeUnknown(object))), nil)
    }

    static func lifecycleAction(_ object: ObjectReader, ownTime: Bool) throws(EventDecodingError) -> LifecycleActionNotification {
        LifecycleActionNotification(
            transition: try object.enumeration("LifecycleTransition"),
            hookName: try object.identifier("LifecycleHookName"),
            groupName: try object.identifier("AutoScalingGroupName"),
            instanceID: try object.identifier("EC2InstanceId"),
            token: try object.identifier("LifecycleActionToken"),
            notificationMetadata: try object.optionalString("NotificationMetadata"),
            origin: try object.optionalEnumeration("Origin"),
            destination: try object.optionalEnumeration("Destination"),
            time: ownTime ? try object.optionalTimestamp("Time") : nil,
            accountID: try object.optionalIdentifier("AccountId"),
            requestID: try object.optionalString("RequestId"))
    }

    static func testNotification(_ object: ObjectReader) throws(EventDecodingError) -> TestNotification {
        TestNotification(
            groupName: try object.optionalIdentifier("AutoScalingGroupName"),
            groupARN: try object.optionalString("AutoScalingGroupARN"),
            hookName: try object.optionalIdentifier("LifecycleHookName"),
            time: try object.optionalTimestamp("Time"),
            accountID: try object.optionalIdentifier("AccountId"),
            requestID: try object.optionalString("RequestId"))
    }

    static func instanceActivity(_ kind: InstanceActivityKind, _ object: ObjectReader, ownTime: Bool)
        throws(EventDecodingError) -> InstanceActivity {
        InstanceActivity(
            kind: kind,
            instanceID: try object.identifier("EC2InstanceId"),
            groupName: try object.identifier("AutoScalingGroupName"),
            statusCode: try object.optionalString("StatusCode"),
            statusMessage: try object.optionalString("StatusMessage"),
            description: try object.optionalString("Description"),
            cause: try object.optionalString("Cause"),
            details: try object.stringMap("Details"),
            activityID: try object.optionalString("ActivityId"),
            requestID: try object.optionalString("RequestId"),
            startTime: try object.optionalTimestamp("StartTime"),
            endTime: try object.optionalTimestamp("EndTime"),
            origin: try object.optionalEnumeration("Origin"),
            destination: try object.optionalEnumeration("Destination"),
            time: ownTime ? try object.optionalTimestamp("Time") : nil,
            accountID: try object.optionalIdentifier("AccountId"))
    }

    private static func describeUnknown(_ object: ObjectReader) -> String {
        if object.has("AlarmName"), object.has("NewStateValue") { return "classic CloudWatch alarm notification" }
        if object.has("alarmData") { return "CloudWatch alarm action payload" }
        if object.has("Records") { return "nested Records batch" }
        let keys = object.fields.keys.sorted().prefix(6).joined(separator: ", ")
        return "JSON object with keys \(keys)"
    }
}

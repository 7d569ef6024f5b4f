import Testing
import RanchhandEvents

/// The quirks and error paths, each pinned by a small inline input; the fixtures cover full shapes.
@Suite struct DecoderTests {
    private func only(_ json: String) throws -> EventRecord {
        let records = try EventDecoder.decode(json)
        try #require(records.count == 1)
        return records[0]
    }

    @Test func sqsBatchReportsEachBadRecordWithItsPathAndMessageID() throws {
        let good = #"{\"LifecycleHookName\":\"h\",\"AutoScalingGroupName\":\"g\",\"EC2InstanceId\":\"i-1\",\"LifecycleActionToken\":\"t\",\"LifecycleTransition\":\"autoscaling:EC2_INSTANCE_TERMINATING\"}"#
        let bad = good.replacingOccurrences(of: "autoscaling:EC2_INSTANCE_TERMINATING", with: "x")
        let records = try EventDecoder.decode("""
            {"Records":[{"messageId":"m0","receiptHandle":"r0","eventSource":"aws:sqs","body":"\(good)"},
                        {"messageId":"m1","receiptHandle":"r1","eventSource":"aws:sqs","body":"\(bad)"}]}
            """)
        #expect(records.map { $0.payload?.kind } == [.lifecycleTerminating, nil])
        let error = try #require(records[1].error)
        #expect(error.description.hasPrefix(#"Records[1].body.LifecycleTransition: unknown value "x""#))
        #expect(records[1].sqsMessage?.messageID == "m1")
        #expect(records[1].sqsMessage?.receiptHandle == "r1")
    }

    @Test func wrongTypesAndMissingKeysNameTheirPath() throws {
        let wrongBody = try only(#"{"Records":[{"messageId":"m","eventSource":"aws:sqs","body":42}]}"#)
        #expect(wrongBody.error?.description == "Records[0].body: expected a string, found number")
        let missing = try only(#"{"detail-type":"EC2 Instance-terminate Lifecycle Action","source":"aws.autoscaling","detail":{"LifecycleHookName":"h","AutoScalingGroupName":"g","LifecycleActionToken":"t","LifecycleTransition":"autoscaling:EC2_INSTANCE_TERMINATING"}}"#)
        #expect(missing.error?.description == "detail.EC2InstanceId: required key is missing")
        #expect(missing.envelopes == [.eventBridge])
        let badState = try only(#"{"detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","detail":{"instance-id":"i-1","state":"exploded"}}"#)
        #expect(badState.error?.path.description == "detail.state")
    }

    @Test func wholeInputFailuresThrowAtTheRoot() {
        for input in ["", "{", "not json", "[1,2]", "\"text\"", String(repeating: "[", count: 10_000)] {
            #expect(throws: EventDecodingError.self) { try EventDecoder.decode(input) }
            do { _ = try EventDecoder.decode(input) } catch { #expect(error.isWholeInput) }
        }
        #expect(throws: EventDecodingError.self) { try EventDecoder.decode(#"{"Records":[]}"#) }
    }

    @Test func testNotificationIsRecognisedBeforeAnythingRequiresAnInstance() throws {
        let record = try only(#"{"AccountId":"1","RequestId":"r","AutoScalingGroupARN":"arn","AutoScalingGroupName":"g","Service":"AWS Auto Scaling","Event":"autoscaling:TEST_NOTIFICATION","Time":"2018-03-13T07:30:06.493Z"}"#)
        #expect(record.payload?.kind == .testNotification)
        let defensive = try only(#"{"LifecycleTransition":"autoscaling:TEST_NOTIFICATION","AutoScalingGroupName":"g"}"#)
        #expect(defensive.payload?.kind == .testNotification)
    }

    @Test func notificationMetadataStaysTheExactString() throws {
        let metadata = #"{\"roles\": [\"worker\"],\n \"x\":\"\u00e9\"}"#
        let record = try only(#"{"LifecycleHookName":"h","AutoScalingGroupName":"g","EC2InstanceId":"i-1","LifecycleActionToken":"t","LifecycleTransition":"autoscaling:EC2_INSTANCE_LAUNCHING","NotificationMetadata":"\#(metadata)"}"#)
        guard case .lifecycleAction(let action)? = record.payload else { Issue.record("not a lifecycle action"); return }
        #expect(action.notificationMetadata == "{\"roles\": [\"worker\"],\n \"x\":\"é\"}")
    }

    @Test func plainTextBodiesAndForeignEventsAreUnsupportedNotErrors() throws {
        let plain = try only(#"{"Records":[{"messageId":"m","eventSource":"aws:sqs","body":"hello"}]}"#)
        #expect(plain.payload?.kind == .unsupported)
        let health = try only(#"{"detail-type":"AWS Health Event","source":"aws.health","detail":{}}"#)
        #expect(health.payload?.kind == .unsupported)
        #expect(health.eventBridge?.source == "aws.health")
        let s3 = try only(#"{"Records":[{"eventSource":"aws:s3","s3":{}}]}"#)
        #expect(s3.payload?.kind == .unsupported)
    }

    @Test func schedulerDetailStringAndUnknownClassicEvents() throws {
        let scheduler = try only(#"{"detail-type":"Scheduled Event","source":"aws.scheduler","detail":"{\"scaler\":\"web\"}"}"#)
        guard case .scheduled(let event)? = scheduler.payload else { Issue.record("not scheduled"); return }
        #expect(event.detail == .object(["scaler": .string("web")]))
        let unknown = try only(#"{"Event":"autoscaling:EC2_INSTANCE_EXPLODE","EC2InstanceId":"i-1","AutoScalingGroupName":"g"}"#)
        #expect(unknown.error?.path.description == "Event")
    }

    @Test func timeComesFromTheInnermostEventNotTheSNSTimestamp() throws {
        let inner = #"{\"AutoScalingGroupName\":\"g\",\"Service\":\"AWS Auto Scaling\",\"Time\":\"2015-10-21T13:40:02.108Z\",\"AccountId\":\"391126026396\",\"LifecycleTransition\":\"autoscaling:EC2_INSTANCE_TERMINATING\",\"RequestId\":\"r\",\"LifecycleActionToken\":\"t\",\"EC2InstanceId\":\"i-1\",\"LifecycleHookName\":\"h\"}"#
        let record = try only(#"{"Type":"Notification","MessageId":"sns-id","TopicArn":"arn","Message":"\#(inner)","Timestamp":"2015-10-21T13:40:03.000Z"}"#)
        let summary = try #require(EventSummary(record))
        #expect(summary["time"] == .string("2015-10-21T13:40:02.108Z"))
        #expect(summary["messageId"] == nil)
        #expect(summary["envelopes"] == .strings(["sns"]))
    }
}

@Suite struct PolledMessageTests {
    @Test func polledBodyDecodesLikeAReceiveMessageBody() throws {
        let body = #"{"Type":"Notification","MessageId":"sns","TopicArn":"t","Message":"{\"Event\":\"autoscaling:TEST_NOTIFICATION\",\"AutoScalingGroupName\":\"g\"}"}"#
        let record = EventDecoder.decode(sqsMessageBody: body, messageID: "m-1", receiptHandle: "rh-1")
        #expect(record.envelopes == [.sqsMessage, .sns])
        #expect(record.payload?.kind == .testNotification)
        #expect(record.sqsMessage == SQSMessageReference(messageID: "m-1", receiptHandle: "rh-1"))
        let bad = EventDecoder.decode(sqsMessageBody: #"{"LifecycleTransition":"x"}"#, messageID: "m-2", receiptHandle: "rh-2")
        #expect(bad.error?.path.description == "Body.LifecycleTransition")
    }
}

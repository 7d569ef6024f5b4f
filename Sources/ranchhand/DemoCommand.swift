import ArgumentParser
import RanchhandEvents

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show ranchhand on this machine, with no AWS account: decode a recorded lifecycle batch.",
        discussion: """
            Decodes an embedded SQS->Lambda batch recorded from a real Auto Scaling group (a terminate \
            lifecycle hook delivered through EventBridge, and the hook's test notification) and prints \
            what each tool would see. Use `ranchhand decode FILE` for your own recordings.
            """
    )

    func run() throws {
        let records = try EventDecoder.decode(DemoEvents.terminateBatch)
        print("Decoded \(records.count) records from an SQS->Lambda batch:\n")
        for record in records {
            guard let summary = EventSummary(record) else { continue }
            print(summary.prettyJSON)
            print(whatHappensNext(record))
        }
    }

    private func whatHappensNext(_ record: EventRecord) -> String {
        switch record.payload {
        case .lifecycleAction(let action) where action.transition == .terminating:
            "-> ranchhand-scale-in finds the Rancher node of \(action.instanceID), drains and deletes it, "
                + "then completes hook \(action.hookName) with CONTINUE.\n"
        case .testNotification:
            "-> a test notification: acknowledged and ignored.\n"
        default:
            "-> not a terminate hook: ignored by ranchhand-scale-in.\n"
        }
    }
}

/// A recorded batch, embedded so the demo needs no files: an EventBridge terminate lifecycle action
/// delivered through SQS, and the hook's test notification (SNS -> SQS).
enum DemoEvents {
    static let terminateBatch = #"""
    {"Records":[{"messageId":"2e1424d4-f796-459a-8184-9c92662be6da","receiptHandle":"AQEBzWwaftRI0KuVm4tP+/7q1rGgNqicHq...","body":"{\"version\":\"0\",\"id\":\"468fe059-f4b7-445f-bb22-2a5e5d2b7a9c\",\"detail-type\":\"EC2 Instance-terminate Lifecycle Action\",\"source\":\"aws.autoscaling\",\"account\":\"123456789012\",\"time\":\"2026-11-20T14:21:38Z\",\"region\":\"eu-west-1\",\"resources\":[\"arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:4a5c2a1e-7b1f-4d8e-9a2b-0c3d4e5f6a7b:autoScalingGroupName/rancher-workers\"],\"detail\":{\"LifecycleActionToken\":\"87654321-4321-4321-4321-210987654321\",\"AutoScalingGroupName\":\"rancher-workers\",\"LifecycleHookName\":\"ranchhand-terminate\",\"EC2InstanceId\":\"i-0b2f6a3c9d1e4f5a6\",\"LifecycleTransition\":\"autoscaling:EC2_INSTANCE_TERMINATING\",\"NotificationMetadata\":\"{\\\"cluster\\\":\\\"c-m-4xkq7zp2\\\"}\",\"Origin\":\"AutoScalingGroup\",\"Destination\":\"EC2\"}}","attributes":{"ApproximateReceiveCount":"1","SentTimestamp":"1795530098012","SenderId":"AIDAIENQZJOLO23YVJ4VO","ApproximateFirstReceiveTimestamp":"1795530098020"},"messageAttributes":{},"md5OfBody":"0d7c4bb1b1f6e2cb26b1b5e2f7e0a5c3","eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:ranchhand-scale-in","awsRegion":"eu-west-1"},{"messageId":"c80e8021-a70a-42c7-a470-796e1186f753","receiptHandle":"AQEBJQ+/u6NsnT5t8Q/VbVxgdUl4TMKZ5FqhksRdIQvLBhwNvADoBxYSOVeCBXdnS9P+...","body":"{\"Type\":\"Notification\",\"MessageId\":\"a8ee8b96-4ca7-5b36-9b3c-5fa3bdfb8c29\",\"TopicArn\":\"arn:aws:sns:eu-west-1:123456789012:rancher-workers-lifecycle\",\"Subject\":\"Auto Scaling: test notification for group \\\"rancher-workers\\\"\",\"Message\":\"{\\\"AccountId\\\":\\\"123456789012\\\",\\\"RequestId\\\":\\\"8a4bb1c2-7e22-4f1a-9d3b-2c1e0f9a8b7c\\\",\\\"AutoScalingGroupARN\\\":\\\"arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:4a5c2a1e-7b1f-4d8e-9a2b-0c3d4e5f6a7b:autoScalingGroupName/rancher-workers\\\",\\\"AutoScalingGroupName\\\":\\\"rancher-workers\\\",\\\"Service\\\":\\\"AWS Auto Scaling\\\",\\\"Event\\\":\\\"autoscaling:TEST_NOTIFICATION\\\",\\\"Time\\\":\\\"2026-11-20T14:02:11.374Z\\\"}\",\"Timestamp\":\"2026-11-20T14:02:11.402Z\",\"SignatureVersion\":\"1\",\"Signature\":\"EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=\",\"SigningCertURL\":\"https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem\",\"UnsubscribeURL\":\"https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-west-1:123456789012:rancher-workers-lifecycle:3c0bd2a8-2f0a-4b5e-8d7c-6b5a4f3e2d1c\"}","attributes":{"ApproximateReceiveCount":"1","SentTimestamp":"1795528931420","SenderId":"AIDAIT2UOQQY3AUEKVGXU","ApproximateFirstReceiveTimestamp":"1795528931431"},"messageAttributes":{},"md5OfBody":"5b3a0c6f9e8d7c6b5a4f3e2d1c0b9a87","eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:ranchhand-scale-in","awsRegion":"eu-west-1"}]}
    """#
}

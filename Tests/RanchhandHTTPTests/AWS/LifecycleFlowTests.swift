import Foundation
import RanchhandClients
import RanchhandEvents
import RanchhandHTTP
import RanchhandTestSupport
import Testing

/// The scale-in flow end to end on the lifecycle-enabled moto launcher: the notification arrives
/// on SQS, is read and decoded, heart-beaten, completed; a second completion is recognisable.
@Suite struct LifecycleFlowTests {
    @Test(.timeLimit(.minutes(2))) func terminateWaitHeartbeatCompleteThenTerminated() async throws {
        let seed = try await AWSTestContext.seed()
        let created = try await seed.group(MotoServer.uniqueName("asg"), desired: 2, hook: .init(name: "drain", heartbeatTimeout: 300), queue: true)
        let group = AutoScalingGroupName(created.group)
        let victim = InstanceID(created.instanceIds[0])
        let sender = try await AWSTestContext.motoSender()
        let autoScaling = LiveAutoScalingClient(sender: sender)
        let sqs = LiveSQSClient(sender: sender)

        try await seed.terminate(victim.rawValue, decrement: true)

        // The notification, through our SQS client and the event decoder.
        let queue = SQSQueueURL(try #require(created.queueUrl))
        let message = try #require(try await sqs.receiveMessages(ReceiveMessagesRequest(queue: queue, waitTimeSeconds: 5)).first)
        let records = try EventDecoder.decode(message.body)
        guard case .lifecycleAction(let notification)? = records.first?.payload else {
            Issue.record("not a lifecycle action: \(message.body)")
            return
        }
        #expect(notification.instanceID == victim)
        #expect(notification.transition == .terminating)
        try await sqs.deleteMessage(queue: queue, receiptHandle: message.receiptHandle)

        let waiting = try await autoScaling.describeAutoScalingInstances([victim])
        #expect(waiting.map(\.lifecycleState) == ["Terminating:Wait"])
        #expect(try await seed.groupStates(group.rawValue)[victim.rawValue] == "Terminating:Wait")
        #expect(try await autoScaling.describeLifecycleHooks(group).map(\.name) == ["drain"])

        let action = LifecycleActionReference(notification)
        try await autoScaling.recordLifecycleActionHeartbeat(action)
        try await autoScaling.completeLifecycleAction(action, result: .continue)

        #expect(try await eventually { try await seed.ec2States([victim.rawValue])[victim.rawValue] == "terminated" })
        #expect(try await seed.groupStates(group.rawValue)[victim.rawValue] == nil)

        let again = await clientError { () async throws(ClientError) in
            try await autoScaling.completeLifecycleAction(action, result: .continue)
        }
        #expect(again?.isCode("ValidationError") == true)
        #expect(again?.statusCode == 400)
        #expect(again?.message.contains("No active Lifecycle Action") == true)
        // Without the token the action is looked up by instance id: the same answer.
        let byInstance = await clientError { () async throws(ClientError) in
            try await autoScaling.completeLifecycleAction(
                LifecycleActionReference(group: group, hook: "drain", instanceID: victim, token: nil), result: .continue)
        }
        #expect(byInstance?.message == "No active Lifecycle Action found with instance ID \(victim)")
    }
}

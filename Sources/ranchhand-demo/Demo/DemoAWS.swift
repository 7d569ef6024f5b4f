import Foundation
import RanchhandClients
import RanchhandEvents

/// The demo's stand-in for Auto Scaling and EC2 when no AWS endpoint is configured: every call the
/// handler would make is printed (this is the tools' `--dry-run` for AWS), and reads answer with the
/// demo group's facts.
struct DryRunAutoScaling: AutoScalingClient {
    let say: @Sendable (String) -> Void

    func completeLifecycleAction(_ action: LifecycleActionReference, result: LifecycleActionResult) async throws(ClientError) {
        say("   AWS (dry run): autoscaling:CompleteLifecycleAction group=\(action.group) hook=\(action.hook) instance=\(action.instanceID) result=\(result.rawValue)")
    }

    func recordLifecycleActionHeartbeat(_ action: LifecycleActionReference) async throws(ClientError) {
        say("   AWS (dry run): autoscaling:RecordLifecycleActionHeartbeat instance=\(action.instanceID)")
    }

    func describeAutoScalingGroups(_ names: [AutoScalingGroupName]) async throws(ClientError) -> [AutoScalingGroup] {
        names.map { AutoScalingGroup(name: $0, minSize: 1, maxSize: 10, desiredCapacity: 2, instances: [], terminateHookAbandon: "terminate") }
    }

    func describeAutoScalingInstances(_ instanceIDs: [InstanceID]) async throws(ClientError) -> [AutoScalingInstance] { [] }

    func describeLifecycleHooks(_ group: AutoScalingGroupName) async throws(ClientError) -> [LifecycleHook] {
        [LifecycleHook(name: "ranchhand-terminate", transition: .terminating, heartbeatTimeout: 300, globalTimeout: 30_000, defaultResult: .continue)]
    }

    func setDesiredCapacity(_ group: AutoScalingGroupName, to capacity: Int, honorCooldown: Bool) async throws(ClientError) {
        say("   AWS (dry run): autoscaling:SetDesiredCapacity group=\(group) desired=\(capacity)")
    }

    func describeScalingActivities(_ group: AutoScalingGroupName, maximum: Int) async throws(ClientError) -> [ScalingActivity] { [] }
}

struct DryRunEC2: EC2Client {
    func describeInstances(_ request: DescribeInstancesRequest) async throws(ClientError) -> [EC2Instance] {
        request.instanceIDs.map { EC2Instance(instanceID: $0, state: .shuttingDown) }
    }
}

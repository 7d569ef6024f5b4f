import Foundation
import RanchhandClients
import RanchhandEvents

/// Heartbeats counted on their way to AWS: those sent and those AWS accepted.
public final class HeartbeatCount: @unchecked Sendable {
    private let lock = NSLock()
    private var counts = (sent: 0, accepted: 0)

    public init() {}

    public var sent: Int { lock.withLock { counts.sent } }
    public var accepted: Int { lock.withLock { counts.accepted } }

    func record(accepted: Bool) {
        lock.withLock {
            counts.sent += 1
            if accepted { counts.accepted += 1 }
        }
    }

    /// Returns once `target` heartbeats were accepted, or after `limit` (the test then fails on what it sees).
    public func waitForAccepted(_ target: Int, atMost limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while accepted < target, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// A live Auto Scaling client that counts its heartbeats, so a test can assert on them or end a
/// piece of work after a number of them rather than after a time. Every other call passes through.
public struct CountingAutoScaling: AutoScalingClient {
    public let live: any AutoScalingClient
    public let heartbeats: HeartbeatCount

    public init(_ live: any AutoScalingClient, heartbeats: HeartbeatCount = HeartbeatCount()) {
        self.live = live
        self.heartbeats = heartbeats
    }

    public func recordLifecycleActionHeartbeat(_ action: LifecycleActionReference) async throws(ClientError) {
        do {
            try await live.recordLifecycleActionHeartbeat(action)
            heartbeats.record(accepted: true)
        } catch {
            heartbeats.record(accepted: false)
            throw error
        }
    }

    public func completeLifecycleAction(_ action: LifecycleActionReference, result: LifecycleActionResult) async throws(ClientError) {
        try await live.completeLifecycleAction(action, result: result)
    }

    public func describeAutoScalingGroups(_ names: [AutoScalingGroupName]) async throws(ClientError) -> [AutoScalingGroup] {
        try await live.describeAutoScalingGroups(names)
    }

    public func describeAutoScalingInstances(_ instanceIDs: [InstanceID]) async throws(ClientError) -> [AutoScalingInstance] {
        try await live.describeAutoScalingInstances(instanceIDs)
    }

    public func describeLifecycleHooks(_ group: AutoScalingGroupName) async throws(ClientError) -> [LifecycleHook] {
        try await live.describeLifecycleHooks(group)
    }

    public func setDesiredCapacity(_ group: AutoScalingGroupName, to capacity: Int, honorCooldown: Bool) async throws(ClientError) {
        try await live.setDesiredCapacity(group, to: capacity, honorCooldown: honorCooldown)
    }

    public func describeScalingActivities(_ group: AutoScalingGroupName, maximum: Int) async throws(ClientError) -> [ScalingActivity] {
        try await live.describeScalingActivities(group, maximum: maximum)
    }
}

import Foundation
import RanchhandClients
import RanchhandEvents

/// What a target reports when a scaler runs: the state the strategy decides on, plus the bounds
/// the target itself enforces (an Auto Scaling group refuses a desired capacity outside its own
/// min/max, whatever the scaler's configuration says).
public struct CapacityTargetSnapshot: Sendable, Equatable {
    public var state: CapacityState
    public var ownBounds: ClosedRange<Int>?
    /// How many more instances the scale-in budget lets go now (an Auto Scaling group's, counted
    /// as ranchhand-scale-in counts them); nil when no budget applies (a Deployment's replicas).
    public var scaleInAllowance: Int?

    public init(state: CapacityState, ownBounds: ClosedRange<Int>? = nil, scaleInAllowance: Int? = nil) {
        self.state = state
        self.ownBounds = ownBounds
        self.scaleInAllowance = scaleInAllowance
    }
}

/// Reads and scales Auto Scaling groups and Deployments. The time of the last scale-out and
/// scale-in comes from the target, not from memory, so the warm-up and cool-down windows hold
/// across Lambda invocations and restarts: an Auto Scaling group's scaling activities, a
/// Deployment's `capacity.ranchhand.io/last-scale-out|in` annotations (written when it scales).
public struct CapacityTargets: Sendable {
    public static let lastScaleOutAnnotation = "capacity.ranchhand.io/last-scale-out"
    public static let lastScaleInAnnotation = "capacity.ranchhand.io/last-scale-in"

    /// nil when no AWS client was configured (a configuration of Deployment targets only).
    public var autoScaling: (any AutoScalingClient)?
    /// The Kubernetes API of a Rancher cluster id (Deployment targets).
    public var kubernetes: @Sendable (_ cluster: String) async throws(CapacityError) -> any KubernetesClient
    /// ranchhand-scale-in's mass-deletion rule, applied to each Auto Scaling group: the scaler never
    /// asks for more terminations than the scale-in handler would let through, so the two do not
    /// fight (a refused deletion holds a drained instance's hook). nil: no limit.
    public var scaleInBudget: ScaleInBudget?

    public init(autoScaling: (any AutoScalingClient)?, scaleInBudget: ScaleInBudget? = nil,
                kubernetes: @escaping @Sendable (_ cluster: String) async throws(CapacityError) -> any KubernetesClient) {
        self.autoScaling = autoScaling
        self.scaleInBudget = scaleInBudget
        self.kubernetes = kubernetes
    }

    public func snapshot(of target: CapacityTarget, now: Date) async throws(CapacityError) -> CapacityTargetSnapshot {
        switch target {
        case let .autoScalingGroup(name):
            let autoScaling = try autoScalingClient(for: name)
            do {
                let groupName = AutoScalingGroupName(name)
                guard let group = try await autoScaling.describeAutoScalingGroups([groupName]).first else {
                    throw CapacityError.target("Auto Scaling group '\(name)' does not exist (check the scaler's target and the region)")
                }
                let activities = try await autoScaling.describeScalingActivities(groupName, maximum: 50)
                let times = Self.lastScalings(activities)
                let ready = group.instances.filter { $0.lifecycleState == "InService" && $0.healthStatus == "Healthy" }.count
                return CapacityTargetSnapshot(
                    state: CapacityState(desired: group.desiredCapacity, ready: ready, lastScaleOut: times.scaleOut, lastScaleIn: times.scaleIn),
                    ownBounds: group.minSize...max(group.minSize, group.maxSize),
                    scaleInAllowance: scaleInBudget.map { Self.scaleInAllowance(group: group, activities: activities, budget: $0, now: now) })
            } catch let error as CapacityError {
                throw error
            } catch {
                throw .target("reading Auto Scaling group '\(name)' failed: \(error)")
            }
        case let .deployment(cluster, namespace, name):
            let client = try await kubernetes(cluster)
            let id = NamespacedName(namespace: namespace, name: name)
            let found: Deployment?
            do { found = try await client.deployment(id) } catch {
                throw .target("reading Deployment \(namespace)/\(name) in cluster \(cluster) failed: \(error)")
            }
            guard let deployment = found else {
                throw .target("Deployment \(namespace)/\(name) does not exist in cluster \(cluster)")
            }
            return CapacityTargetSnapshot(state: CapacityState(
                desired: deployment.replicas, ready: deployment.readyReplicas,
                lastScaleOut: deployment.annotations[Self.lastScaleOutAnnotation].flatMap(Self.date),
                lastScaleIn: deployment.annotations[Self.lastScaleInAnnotation].flatMap(Self.date)))
        }
    }

    /// Sets the desired capacity. SetDesiredCapacity is asked not to honour the group's own
    /// cooldown: the scaler applies its own windows, and a refused call would only be retried later.
    public func setDesired(_ desired: Int, of target: CapacityTarget, change: CapacityDecision.Change, now: Date) async throws(CapacityError) {
        switch target {
        case let .autoScalingGroup(name):
            let autoScaling = try autoScalingClient(for: name)
            do {
                try await autoScaling.setDesiredCapacity(AutoScalingGroupName(name), to: desired, honorCooldown: false)
            } catch {
                throw .target("SetDesiredCapacity \(desired) on Auto Scaling group '\(name)' failed: \(error)")
            }
        case let .deployment(cluster, namespace, name):
            let client = try await kubernetes(cluster)
            let id = NamespacedName(namespace: namespace, name: name)
            do {
                // The time first: a scale whose annotation failed would lose its window on the next run.
                let key = change == .scaleIn ? Self.lastScaleInAnnotation : Self.lastScaleOutAnnotation
                _ = try await client.annotateDeployment(id, set: [key: now.ISO8601Format()])
                _ = try await client.setScale(ofDeployment: id, replicas: desired)
            } catch {
                throw .target("scaling Deployment \(namespace)/\(name) in cluster \(cluster) to \(desired) failed: \(error)")
            }
        }
    }

    private func autoScalingClient(for group: String) throws(CapacityError) -> any AutoScalingClient {
        guard let autoScaling else { throw .target("Auto Scaling group '\(group)' is a target, but no AWS client was configured") }
        return autoScaling
    }

    /// The newest successful launch and termination among the group's activities (newest first, as
    /// AWS lists them). Warm-pool moves are not capacity changes.
    static func lastScalings(_ activities: [ScalingActivity]) -> (scaleOut: Date?, scaleIn: Date?) {
        var scaleOut: Date?
        var scaleIn: Date?
        for activity in activities where activity.statusCode != "Failed" && activity.statusCode != "Cancelled" {
            let text = activity.description.lowercased()
            guard !text.contains("warm pool"), let start = activity.startTime?.date else { continue }
            if text.hasPrefix("launching a new ec2 instance") { scaleOut = max(scaleOut ?? start, start) }
            if text.hasPrefix("terminating ec2 instance") { scaleIn = max(scaleIn ?? start, start) }
        }
        return (scaleOut, scaleIn)
    }

    /// The budget's allowance for the group as ranchhand-scale-in counts it: every instance that
    /// left within the window (a terminate activity) or is leaving now (a Terminating state) counts
    /// once, against the group as it was before them.
    static func scaleInAllowance(group: AutoScalingGroup, activities: [ScalingActivity], budget: ScaleInBudget, now: Date) -> Int {
        let since = now.addingTimeInterval(-TimeInterval(budget.windowSeconds))
        var departed = Set(group.instances.filter { $0.lifecycleState.hasPrefix("Terminating") }.map(\.instanceID.rawValue))
        for activity in activities where activity.statusCode != "Failed" && activity.statusCode != "Cancelled" {
            guard let start = activity.startTime?.date, start >= since, activity.description.lowercased().hasPrefix("terminating ec2 instance"),
                  let instance = activity.description.split(separator: " ").last.map(String.init), instance.hasPrefix("i-") else { continue }
            departed.insert(instance)
        }
        let present = Set(group.instances.map(\.instanceID.rawValue))
        let clusterSize = present.count + departed.subtracting(present).count
        return budget.allowance(clusterSize: clusterSize, removed: departed.count)
    }

    static func date(_ text: String) -> Date? { Timestamp(parsing: text)?.date }
}

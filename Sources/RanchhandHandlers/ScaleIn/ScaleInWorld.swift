import Foundation
import RanchhandClients
import RanchhandEvents

/// Where the scale-in handler reads the world from: a live Rancher + AWS, or a recorded snapshot.
public protocol ScaleInWorld: Sendable {
    func snapshot(for event: LifecycleActionNotification) async throws(ClientError) -> ClusterSnapshot
    /// The whole cluster and its groups, for reconcile and for re-checking a stale node's deletion.
    func fleet() async throws(ClientError) -> FleetSnapshot
    /// Only the groups, their hooks and waiting instances: what the hook keeper reads every tick.
    func groups() async throws(ClientError) -> [FleetGroup]
    /// The instance's Auto Scaling group (its `aws:autoscaling:groupName` tag), and whether that
    /// group is one of this cluster's; nil when the instance belongs to no group.
    func group(of instance: InstanceID) async throws(ClientError) -> (name: AutoScalingGroupName, isClusters: Bool)?
}

/// A recorded snapshot, for `replay --cluster-snapshot` and tests.
public struct RecordedScaleInWorld: ScaleInWorld {
    public let recorded: ClusterSnapshot
    public init(_ recorded: ClusterSnapshot) { self.recorded = recorded }
    public func snapshot(for event: LifecycleActionNotification) async throws(ClientError) -> ClusterSnapshot { recorded }
    public func fleet() async throws(ClientError) -> FleetSnapshot { FleetSnapshot(cluster: recorded, groups: []) }
    public func groups() async throws(ClientError) -> [FleetGroup] { [] }
    public func group(of instance: InstanceID) async throws(ClientError) -> (name: AutoScalingGroupName, isClusters: Bool)? {
        recorded.autoScalingGroup.map { ($0.name, true) }
    }
}

/// How the executor waits: real time in production, a controllable clock in tests.
public struct ScaleInTiming: Sendable {
    public var now: @Sendable () -> Date
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Between RecordLifecycleActionHeartbeat calls while work is in flight.
    public var heartbeatInterval: Duration
    /// Between polls of a drain, a deletion or a blocked eviction.
    public var pollInterval: Duration

    public init(
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        heartbeatInterval: Duration = .seconds(60), pollInterval: Duration = .seconds(5)
    ) {
        self.now = now
        self.sleep = sleep
        self.heartbeatInterval = heartbeatInterval
        self.pollInterval = pollInterval
    }
}

/// Serialises destructive work per cluster, so two etcd terminations arriving together cannot both
/// pass the quorum check. The gate serialises within one process (the poller's workers); across
/// processes and Lambda invocations the `DeletionLease` does the same job.
public actor ClusterGate {
    private var busy: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    public func withExclusiveAccess<T: Sendable>(to cluster: String, _ body: @Sendable () async -> T) async -> T {
        await acquire(cluster)
        let result = await body()
        release(cluster)
        return result
    }

    private func acquire(_ cluster: String) async {
        if !busy.contains(cluster) {
            busy.insert(cluster)
            return
        }
        await withCheckedContinuation { waiters[cluster, default: []].append($0) }
    }

    private func release(_ cluster: String) {
        if var queue = waiters[cluster], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[cluster] = queue
            next.resume()
        } else {
            busy.remove(cluster)
        }
    }
}

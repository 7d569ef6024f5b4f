import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandLambda

/// Told about every finished, refused or failed scale-in (webhook, metrics).
public protocol ScaleInObserver: Sendable {
    func scaleIn(_ event: LifecycleActionNotification, plan: ScaleInPlan, result: ScaleInResult) async
}

/// The scale-in handler as the Lambda loop and the SQS poller see it: terminate hooks are planned
/// against a fresh snapshot and applied; test notifications and every other event are acknowledged
/// and left alone (the scale-in handler completes terminate hooks only).
public struct ScaleInRecordHandler: EventRecordHandler {
    public let world: any ScaleInWorld
    public let executor: ScaleInExecutor
    public let policy: ScaleInPolicy
    public let observers: [any ScaleInObserver]

    public init(world: any ScaleInWorld, executor: ScaleInExecutor, policy: ScaleInPolicy, observers: [any ScaleInObserver] = []) {
        self.world = world
        self.executor = executor
        self.policy = policy
        self.observers = observers
    }

    public func handle(_ record: EventRecord, context: HandlingContext) async -> RecordOutcome {
        switch record.payload {
        case .testNotification?:
            return .ignored("test notification")
        case .lifecycleAction(let event)? where event.transition == .terminating:
            return await handle(event, eventTime: record.eventBridge?.time ?? event.time, context: context)
        case let payload?:
            return .ignored("\(payload.kind.rawValue) is not a terminate lifecycle hook")
        case nil:
            return .failed("undecodable record")
        }
    }

    func handle(_ event: LifecycleActionNotification, eventTime: Timestamp?, context: HandlingContext) async -> RecordOutcome {
        var logger = context.logger
        logger[metadataKey: "instance_id"] = "\(event.instanceID)"
        let snapshot: ClusterSnapshot
        do {
            snapshot = try await world.snapshot(for: event)
        } catch {
            logger.error("could not read the cluster; will retry", metadata: ["error": "\(error)"])
            return .retry("reading the world failed: \(error)")
        }
        let plan = ScaleInDecision.plan(for: event, cluster: snapshot, policy: policy)
        logger.info("scale-in plan", metadata: ["decision": "\(plan.verdict.rawValue)", "reason": "\(plan.reason)", "plan": "\(plan.jsonLine)"])
        let hookDeadline = Self.hookDeadline(event, eventTime: eventTime, hooks: snapshot.autoScalingGroup?.lifecycleHooks ?? [])
        var executor = self.executor
        executor.logger = logger
        let result = await executor.apply(plan, for: event, deadline: context.deadline, hookDeadline: hookDeadline)
        for observer in observers { await observer.scaleIn(event, plan: plan, result: result) }
        switch result {
        case .completed(_, let why): return .done(why)
        case .nothingToDo(let why): return .ignored(why)
        case .unfinished(let why): return .retry(why)
        case .failed(let why): return .failed(why)
        }
    }

    /// When the hook's global timeout ends its wait: heartbeats cannot go past it. A minute is kept
    /// in hand so the last heartbeat is not wasted.
    static func hookDeadline(_ event: LifecycleActionNotification, eventTime: Timestamp?, hooks: [HookTimeouts]) -> Date? {
        guard let start = eventTime?.date, let hook = hooks.first(where: { $0.name == event.hookName }) else { return nil }
        return start.addingTimeInterval(TimeInterval(hook.globalTimeout - 60))
    }
}

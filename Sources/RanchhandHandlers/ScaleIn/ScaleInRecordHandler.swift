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
/// against a fresh snapshot and applied; a scheduled event runs the reconcile pass; test
/// notifications and every other event are acknowledged and left alone. With a `keeper`, every
/// waiting hook of the cluster's groups is heart-beaten while a record is handled (Lambda: the
/// one process that runs at all while the queue waits).
public struct ScaleInRecordHandler: EventRecordHandler {
    public let world: any ScaleInWorld
    public let executor: ScaleInExecutor
    public let policy: ScaleInPolicy
    public let observers: [any ScaleInObserver]
    public let keeper: WaitingHookKeeper?
    public let reconcileSettings: ReconcileSettings

    public init(world: any ScaleInWorld, executor: ScaleInExecutor, policy: ScaleInPolicy, observers: [any ScaleInObserver] = [],
                keeper: WaitingHookKeeper? = nil, reconcile: ReconcileSettings = ReconcileSettings()) {
        self.world = world
        self.executor = executor
        self.policy = policy
        self.observers = observers
        self.keeper = keeper
        self.reconcileSettings = reconcile
    }

    public func handle(_ record: EventRecord, context: HandlingContext) async -> RecordOutcome {
        guard let keeper else { return await handleRecord(record, context: context) }
        return await keeper.whileRunning { await handleRecord(record, context: context) }
    }

    private func handleRecord(_ record: EventRecord, context: HandlingContext) async -> RecordOutcome {
        switch record.payload {
        case .testNotification?:
            return .ignored("test notification")
        case .lifecycleAction(let event)? where event.transition == .terminating:
            return await handle(event, hookStart: (record.eventBridge?.time ?? event.time)?.date, context: context)
        case .spotInterruptionWarning(let warning)?:
            return await handleInterruption(.spotInterruption, instance: warning.instanceID, at: record.eventBridge?.time?.date, context: context)
        case .rebalanceRecommendation(let recommendation)?:
            return await handleInterruption(.rebalance, instance: recommendation.instanceID, at: record.eventBridge?.time?.date, context: context)
        case .scheduled?:
            switch await reconcile(dryRun: false, now: executor.timing.now(), context: context) {
            case .success(let findings):
                ReconcileFinding.log(findings, to: context.logger)
                return .done("reconciled \(findings.count) items")
            case .failure(let failure):
                // A scheduled event is not worth redelivering: the next one runs the pass again.
                return .ignored("reconcile stopped: \(failure)")
            }
        case let payload?:
            return .ignored("\(payload.kind.rawValue) is not a terminate lifecycle hook")
        case nil:
            return .failed("undecodable record")
        }
    }

    func handle(_ event: LifecycleActionNotification, hookStart: Date?, context: HandlingContext) async -> RecordOutcome {
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
        let hook = Self.hookWindow(event, start: hookStart, hooks: snapshot.autoScalingGroup?.lifecycleHooks ?? [])
        var executor = self.executor
        executor.logger = logger
        let result = await executor.apply(plan, for: event, deadline: context.deadline, hook: hook)
        for observer in observers { await observer.scaleIn(event, plan: plan, result: result) }
        switch result {
        case .completed(_, let why): return .done(why)
        case .completedForced(let result, let pods): return .done("completed \(result.rawValue); forced with \(pods.count) pods left")
        case .nothingToDo(let why): return .ignored(why)
        case .finished(let why): return .done(why)
        case .unfinished(let why): return .retry(why)
        case .held(let why): return .held("held: \(why)")
        case .failed(let why): return .failed(why)
        case .refusedAtDeletion(let lifecycle?, let reason): return .done("refused at deletion (\(lifecycle.rawValue)): \(reason)")
        case .refusedAtDeletion(nil, let reason): return .held("held at deletion: \(reason)")
        }
    }

    /// The hook's wait began at the event's time (the same on every redelivery); its global timeout
    /// ends it, and heartbeats cannot go past that. A minute is kept in hand so the last heartbeat is
    /// not wasted.
    static func hookWindow(_ event: LifecycleActionNotification, start: Date?, hooks: [HookTimeouts]) -> ScaleInExecutor.HookWindow {
        guard let start, let hook = hooks.first(where: { $0.name == event.hookName }) else {
            return ScaleInExecutor.HookWindow(start: start, deadline: nil)
        }
        return ScaleInExecutor.HookWindow(start: start, deadline: start.addingTimeInterval(TimeInterval(hook.globalTimeout - 60)))
    }
}

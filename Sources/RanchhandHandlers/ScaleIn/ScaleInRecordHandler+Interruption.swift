import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandLambda

extension ScaleInRecordHandler {
    /// Seconds between a Spot interruption warning and the instance's end.
    static let interruptionWarningSeconds: TimeInterval = 120

    /// A Spot interruption warning or rebalance recommendation for `instance`: only for this
    /// cluster's groups; drained (or cordoned) at once through the executor, never deleted here.
    func handleInterruption(_ kind: InterruptionDecision.Kind, instance: InstanceID, at time: Date?, context: HandlingContext) async -> RecordOutcome {
        var logger = context.logger
        logger[metadataKey: "instance_id"] = "\(instance)"
        let group: (name: AutoScalingGroupName, isClusters: Bool)?
        do {
            group = try await world.group(of: instance)
        } catch {
            logger.error("could not find the interrupted instance's group; will retry", metadata: ["error": "\(error)"])
            return .retry("reading the instance failed: \(error)")
        }
        guard let group, group.isClusters else {
            return .ignored("\(kind.rawValue) for \(instance), which is not in one of this cluster's groups")
        }
        let event = LifecycleActionNotification(transition: .terminating, hookName: "", groupName: group.name, instanceID: instance,
                                                token: LifecycleActionToken(""))
        let snapshot: ClusterSnapshot
        do {
            snapshot = try await world.snapshot(for: event)
        } catch {
            logger.error("could not read the cluster; will retry", metadata: ["error": "\(error)"])
            return .retry("reading the world failed: \(error)")
        }
        let plan = InterruptionDecision.plan(kind, instance: instance, cluster: snapshot, policy: policy)
        logger.info("interruption plan", metadata: ["kind": "\(kind.rawValue)", "reason": "\(plan.reason)", "plan": "\(plan.jsonLine)"])
        let start = time ?? executor.timing.now()
        let deadline = kind == .spotInterruption ? min(context.deadline, start.addingTimeInterval(Self.interruptionWarningSeconds)) : context.deadline
        var executor = self.executor
        executor.logger = logger
        let result = await executor.apply(plan, for: .interruption(instance), deadline: deadline,
                                          hook: ScaleInExecutor.HookWindow(start: start, deadline: nil))
        for observer in observers { await observer.scaleIn(event, plan: plan, result: result) }
        // The instance is gone within two minutes either way: redelivering would only repeat the drain.
        switch result {
        case .failed(let why):
            logger.error("drain ahead of the interruption failed", metadata: ["reason": "\(why)"])
            return .done("\(kind.rawValue): failed: \(why)")
        default:
            return .done("\(kind.rawValue): \(result)")
        }
    }
}

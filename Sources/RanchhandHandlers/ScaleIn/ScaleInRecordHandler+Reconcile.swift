import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandLambda

/// How the reconcile pass runs; parsed once by the executable.
public struct ReconcileSettings: Sendable, Hashable {
    /// A waiting hook younger than this is left to its own event.
    public var takeOverAfter: TimeInterval
    /// Items worked on at once within a pass (each until it is done or the pass's deadline), so one
    /// long drain cannot starve the others; what is not finished is resumed by the next pass.
    public var concurrency: Int

    public init(takeOverAfter: TimeInterval = 1200, concurrency: Int = 10) {
        self.takeOverAfter = takeOverAfter
        self.concurrency = max(1, concurrency)
    }
}

/// One line of a reconcile pass's report.
public struct ReconcileFinding: Sendable, Equatable, CustomStringConvertible {
    public var subject: String
    public var action: String
    public var outcome: String
    public var description: String { "\(subject): \(action) — \(outcome)" }
}

extension ScaleInRecordHandler {
    /// Finds what events missed — hooks waiting with nobody on them, nodes whose instances are gone —
    /// and applies each through the same executor, gate, quorum rules and budget as a terminate
    /// event. A world it cannot trust stops it before anything is planned.
    public func reconcile(dryRun: Bool, now: Date, context: HandlingContext) async -> Result<[ReconcileFinding], ReconcileFailure> {
        let fleet: FleetSnapshot
        let items: [ReconcileItem]
        do {
            fleet = try await world.fleet()
            items = try ScaleInReconcile.plan(fleet, policy: policy, now: now, takeOverAfter: reconcileSettings.takeOverAfter)
        } catch let error as ReconcileRefusal {
            context.logger.critical("reconcile stopped: the world cannot be trusted", metadata: ["reason": "\(error)"])
            return .failure(ReconcileFailure(description: error.description))
        } catch {
            context.logger.error("reconcile could not read the world", metadata: ["error": "\(error)"])
            return .failure(ReconcileFailure(description: "reading the world failed: \(error)"))
        }
        var findings: [ReconcileFinding] = []
        for start in stride(from: 0, to: items.count, by: reconcileSettings.concurrency) {
            let batch = Array(items[start..<min(start + reconcileSettings.concurrency, items.count)])
            findings += await withTaskGroup(of: (Int, ReconcileFinding).self) { group in
                for (index, item) in batch.enumerated() {
                    group.addTask { (index, await apply(item, dryRun: dryRun, fleet: fleet, context: context)) }
                }
                var done: [(Int, ReconcileFinding)] = []
                for await finding in group { done.append(finding) }
                return done.sorted { $0.0 < $1.0 }.map(\.1)
            }
        }
        return .success(findings)
    }

    private func apply(_ item: ReconcileItem, dryRun: Bool, fleet: FleetSnapshot, context: HandlingContext) async -> ReconcileFinding {
        let itemContext = context
        switch item {
        case .keep(let subject, let reason):
            return ReconcileFinding(subject: subject, action: "keep", outcome: reason)
        case .waitingHook(let event, let start):
            let subject = "instance \(event.instanceID) waiting in Terminating:Wait (\(event.groupName))"
            if dryRun {
                let cluster: ClusterSnapshot
                do { cluster = try await world.snapshot(for: event) } catch {
                    return ReconcileFinding(subject: subject, action: "scale-in", outcome: "could not read the world: \(error)")
                }
                return ReconcileFinding(subject: subject, action: "scale-in", outcome: "dry run: \(ScaleInDecision.plan(for: event, cluster: cluster, policy: policy).jsonLine)")
            }
            let outcome = await handle(event, hookStart: start, context: itemContext)
            return ReconcileFinding(subject: subject, action: "scale-in", outcome: "\(outcome)")
        case .staleNode(let plan):
            let subject = plan.reason
            guard let node = plan.node else { return ReconcileFinding(subject: subject, action: "keep", outcome: "plan names no node") }
            if dryRun { return ReconcileFinding(subject: subject, action: plan.steps.map(\.action).joined(separator: ","), outcome: "dry run: \(plan.jsonLine)") }
            var executor = self.executor
            executor.logger = context.logger
            let result = await executor.apply(plan, for: .staleNode(node.id, plan.instanceID), deadline: itemContext.deadline,
                                              hook: ScaleInExecutor.HookWindow(start: nil, deadline: nil))
            return ReconcileFinding(subject: subject, action: plan.steps.map(\.action).joined(separator: ","), outcome: "\(result)")
        }
    }
}

public struct ReconcileFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}

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

    /// One log line per finding; an `alert` (nobody else will act) at warning.
    public static func log(_ findings: [ReconcileFinding], to logger: Logger) {
        for finding in findings {
            logger.log(level: finding.action == "alert" ? .warning : .info, "reconciled", metadata: ["finding": "\(finding)"])
        }
    }
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
        return .success(await applyWithin(items, dryRun: dryRun, fleet: fleet, context: context))
    }

    /// At most `concurrency` items at once, a new one started as soon as one ends — and none started
    /// past the pass's deadline: those are left for the next pass, so a pass with more items than
    /// its window does not overrun the invocation that runs it.
    private func applyWithin(_ items: [ReconcileItem], dryRun: Bool, fleet: FleetSnapshot, context: HandlingContext) async -> [ReconcileFinding] {
        let now = executor.timing.now
        let minimumTime = executor.timing.pollInterval.seconds
        var findings = Array(repeating: ReconcileFinding?.none, count: items.count)
        await withTaskGroup(of: (Int, ReconcileFinding).self) { group in
            var running = 0
            for (index, item) in items.enumerated() {
                if running == reconcileSettings.concurrency, let (done, finding) = await group.next() {
                    findings[done] = finding
                    running -= 1
                }
                guard dryRun || item.changesNothing || now().addingTimeInterval(minimumTime) < context.deadline else {
                    findings[index] = ReconcileFinding(subject: item.subject, action: "defer", outcome: "the pass's deadline is near; the next pass takes it")
                    continue
                }
                group.addTask { (index, await apply(item, dryRun: dryRun, fleet: fleet, context: context)) }
                running += 1
            }
            for await (done, finding) in group { findings[done] = finding }
        }
        return findings.compactMap { $0 }
    }

    private func apply(_ item: ReconcileItem, dryRun: Bool, fleet: FleetSnapshot, context: HandlingContext) async -> ReconcileFinding {
        let itemContext = context
        switch item {
        case .keep(let subject, let reason):
            return ReconcileFinding(subject: subject, action: "keep", outcome: reason)
        case .alert(let subject, let reason):
            return ReconcileFinding(subject: subject, action: "alert", outcome: reason)
        case .waitingHook(let event, let start):
            let subject = item.subject
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
            let subject = item.subject
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

extension ReconcileItem {
    /// What a finding about this item names.
    var subject: String {
        switch self {
        case .keep(let subject, _), .alert(let subject, _): subject
        case .waitingHook(let event, _): "instance \(event.instanceID) waiting in Terminating:Wait (\(event.groupName))"
        case .staleNode(let plan): plan.reason
        }
    }

    var changesNothing: Bool {
        switch self {
        case .keep, .alert: true
        case .waitingHook, .staleNode: false
        }
    }
}

public struct ReconcileFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}

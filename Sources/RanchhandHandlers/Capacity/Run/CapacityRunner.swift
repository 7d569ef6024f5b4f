import Foundation
import Logging
import RanchhandClients

/// The pure part of a scheduled run: the scaler's strategy on the history and the target's state,
/// then the target's own bounds.
public enum CapacityPlanning {
    public static func decide(_ scaler: ScalerConfiguration, history: MetricHistory, target: CapacityTargetSnapshot, now: Date) -> CapacityDecision {
        var decision = scaler.decide(history: history, capacity: target.state, now: now)
        if let bounds = target.ownBounds, !bounds.contains(decision.desired) {
            let wanted = decision.desired
            decision.desired = min(bounds.upperBound, max(bounds.lowerBound, wanted))
            decision.warnings.append(.limitedByTarget(wanted: wanted, bounds: bounds))
        }
        if let allowance = target.scaleInAllowance, decision.change == .scaleIn, decision.current - decision.desired > allowance {
            let wanted = decision.desired
            decision.desired = decision.current - allowance
            decision.warnings.append(.limitedByScaleInBudget(wanted: wanted, allowance: allowance))
        }
        return decision
    }

    /// How much history a run reads: what the strategy looks at, plus the newest bucket's delay.
    public static func historyWindow(_ scaler: ScalerConfiguration) -> TimeInterval {
        let rules = scaler.rules
        switch scaler.strategy {
        case let .predictive(parameters):
            // The model is anchored up to one refresh interval back and fitted on `history` before it.
            return parameters.history + max(60, parameters.refresh) + rules.metricMaxAge
        case .threshold, .targetTracking:
            return max(rules.coolDown, rules.warmUp, 600) + rules.metricMaxAge + scaler.period
        }
    }
}

/// One scaler's run: what was read, decided and done.
public struct ScalerEvaluation: Sendable {
    public enum Action: String, Sendable { case applied, dryRun = "dry-run", unchanged, failed }

    public var scaler: String
    public var target: CapacityTarget
    public var samples: Int
    public var decision: CapacityDecision?
    public var action: Action
    public var error: CapacityError?

    public var succeeded: Bool { error == nil }
}

/// read → decide → act, for each scaler; a failing scaler never stops the others.
public struct CapacityRunner: Sendable {
    public var reader: MetricHistoryReader
    public var targets: CapacityTargets
    public var logger: Logger

    public init(reader: MetricHistoryReader, targets: CapacityTargets, logger: Logger) {
        self.reader = reader
        self.targets = targets
        self.logger = logger
    }

    public func run(_ scalers: [ScalerConfiguration], now: Date, dryRun: Bool) async -> [ScalerEvaluation] {
        var evaluations: [ScalerEvaluation] = []
        for scaler in scalers { evaluations.append(await evaluate(scaler, now: now, dryRun: dryRun)) }
        return evaluations
    }

    public func evaluate(_ scaler: ScalerConfiguration, now: Date, dryRun: Bool) async -> ScalerEvaluation {
        var evaluation = ScalerEvaluation(scaler: scaler.name, target: scaler.target, samples: 0, decision: nil, action: .failed, error: nil)
        var metadata: Logger.Metadata = ["scaler": "\(scaler.name)", "target": "\(scaler.target)"]
        do throws(CapacityError) {
            let snapshot = try await targets.snapshot(of: scaler.target, now: now)
            let history = try await reader.history(scaler.datastore, window: CapacityPlanning.historyWindow(scaler), now: now)
            evaluation.samples = history.samples.count
            let decision = CapacityPlanning.decide(scaler, history: history, target: snapshot, now: now)
            evaluation.decision = decision
            metadata["current"] = "\(decision.current)"
            metadata["desired"] = "\(decision.desired)"
            metadata["reason"] = "\(decision.reason)"
            for warning in decision.warnings { logger.warning("\(warning)", metadata: metadata) }
            if decision.change == .hold {
                evaluation.action = .unchanged
            } else if dryRun {
                evaluation.action = .dryRun
            } else {
                try await targets.setDesired(decision.desired, of: scaler.target, change: decision.change, now: now)
                evaluation.action = .applied
            }
            logger.info("scaler evaluated", metadata: metadata.merging(["action": "\(evaluation.action.rawValue)", "samples": "\(evaluation.samples)"]) { $1 })
        } catch {
            evaluation.error = error
            logger.error("scaler failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
        return evaluation
    }
}

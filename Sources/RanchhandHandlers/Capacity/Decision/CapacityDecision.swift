import Foundation

/// What a strategy decided for one scaler at one instant, with the numbers behind it, so that a
/// plan can be printed (`plan --dry-run`), logged before it is applied and compared in tests.
public struct CapacityDecision: Sendable, Equatable {
    public enum Change: String, Sendable, Equatable, Codable {
        case hold, scaleOut = "scale-out", scaleIn = "scale-in"
    }

    /// Desired capacity when the decision was taken.
    public var current: Int
    /// Desired capacity to set; equal to `current` when holding.
    public var desired: Int
    public var reason: CapacityDecisionReason
    public var evidence: CapacityEvidence
    public var warnings: [CapacityWarning]

    public init(
        current: Int, desired: Int, reason: CapacityDecisionReason,
        evidence: CapacityEvidence = CapacityEvidence(), warnings: [CapacityWarning] = []
    ) {
        self.current = current
        self.desired = desired
        self.reason = reason
        self.evidence = evidence
        self.warnings = warnings
    }

    public var change: Change {
        desired > current ? .scaleOut : desired < current ? .scaleIn : .hold
    }

    static func hold(
        _ state: CapacityState, _ reason: CapacityDecisionReason,
        evidence: CapacityEvidence = CapacityEvidence(), warnings: [CapacityWarning] = []
    ) -> CapacityDecision {
        CapacityDecision(current: state.desired, desired: state.desired, reason: reason, evidence: evidence, warnings: warnings)
    }
}

public enum CapacityDecisionReason: Sendable, Equatable {
    // Threshold strategy.
    case aboveUpperThreshold, belowLowerThreshold, withinThresholds
    // Target tracking and the reactive path of the predictive strategies.
    case trackingTarget, withinTolerance
    // Predictive strategies: which path set the capacity.
    case forecast, reactive, alreadyAtRecommendation
    // Windows.
    case warmingUp(until: Date), coolingDown(until: Date)
    // Bounds: the recommendation was cut to a bound, or the current capacity sits outside the bounds.
    case atMinimum, atMaximum, raisedToMinimum, loweredToMaximum
    // Missing input: hold.
    case metricStale, noMetricData
}

/// The numbers a decision was made from; nil where a strategy does not use a quantity.
public struct CapacityEvidence: Sendable, Equatable {
    public var latestSample: MetricSample?
    /// The metric per serving instance (what a threshold is compared with).
    public var metricPerInstance: Double?
    /// What the reactive rule asks for from the latest sample alone.
    public var reactiveCapacity: Int?
    /// The highest recommendation in the scale-in window (what scale-in may go down to).
    public var stabilizedCapacity: Int?
    /// Forecast load (per sample period) at the sizing quantile over warm-up + horizon.
    public var forecastLoad: Double?
    /// Mean forecast load over the same window.
    public var forecastMean: Double?
    public var forecastCapacity: Int?
    /// 1 when the forecast is trusted fully, lower when its recent error is high.
    public var forecastWeight: Double?
    /// The recommendation before windows and bounds.
    public var recommendedCapacity: Int?

    public init() {}
}

public enum CapacityWarning: Sendable, Equatable {
    /// No datapoint at all in the history handed to the strategy.
    case noMetricData
    /// The newest datapoint is older than the scaler's `metricMaxAge`.
    case staleMetric(latest: Date, age: TimeInterval)
    /// Too little history for a forecast; the strategy ran on its reactive path only.
    case shortHistory(available: TimeInterval, needed: TimeInterval)
    /// The forecast's recent error was high and its weight was lowered.
    case forecastDiscounted(weight: Double)
    /// The recommendation was cut to the group's maximum.
    case cappedAtMaximum(recommended: Int)
    /// The target's own limits (an Auto Scaling group's MinSize/MaxSize) are narrower than the
    /// scaler's: the decision was cut to them.
    case limitedByTarget(wanted: Int, bounds: ClosedRange<Int>)
    /// The scale-in budget (ranchhand-scale-in's mass-deletion rule) lets only `allowance` more
    /// instances go within its window: the rest of the scale-in waits for a later run.
    case limitedByScaleInBudget(wanted: Int, allowance: Int)
}

extension CapacityWarning: CustomStringConvertible {
    public var description: String {
        switch self {
        case .noMetricData:
            "no metric datapoint: holding capacity; check the datastore query and the metric's period"
        case let .staleMetric(latest, age):
            "latest datapoint \(latest.ISO8601Format()) is \(Int(age)) s old: holding capacity; check that the metric is still published"
        case let .shortHistory(available, needed):
            "only \(Int(available / 3600)) h of history (forecast needs \(Int(needed / 3600)) h): reactive path only"
        case let .forecastDiscounted(weight):
            "forecast error is high recently: forecast weight lowered to \(String(format: "%.2f", weight))"
        case let .cappedAtMaximum(recommended):
            "recommended \(recommended) instances, above the group's maximum: capped; consider raising max"
        case let .limitedByTarget(wanted, bounds):
            "wanted \(wanted), but the target only allows \(bounds.lowerBound)…\(bounds.upperBound): align the group's MinSize/MaxSize with the scaler"
        case let .limitedByScaleInBudget(wanted, allowance):
            "wanted \(wanted), but the scale-in budget lets only \(allowance) more instances go in its window: scaling in by that much; the rest on a later run"
        }
    }
}

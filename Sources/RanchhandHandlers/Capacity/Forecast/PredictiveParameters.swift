import Foundation

public enum Seasonality: String, Sendable, Equatable, Codable, CaseIterable {
    case daily, weekly
}

/// Knobs of the predictive strategy. `unitCapacity` is the only one without a default: it is a
/// fact about the workload. The defaults were frozen by the walk-forward tuning described in
/// Benchmarks/README.md (`capacity-benchmark tune`: coordinate descent on the first half of each
/// trace's scored window only; log in Benchmarks/capacity/results/tuning.md). The error discount
/// tied on/off there (tolerance 4 and off both scored −0.4198) and stays on, at 4.
public struct PredictiveParameters: Sendable, Equatable {
    /// Load one instance serves per sample period at 100 %.
    public var unitCapacity: Double
    /// Utilisation the forecast path sizes for (the knob an iso-SLA sweep varies).
    public var targetUtilization: Double = 1.0
    /// Quantile of the forecast error the forecast path sizes for.
    public var quantile: Double = 0.98
    /// How far past the warm-up window the forecast path looks.
    public var horizon: TimeInterval = 0
    /// History the seasonal profile is fitted on (AWS: 14 days).
    public var history: TimeInterval = 14 * 86_400
    /// Below this much history there is no forecast, only the reactive path (AWS: 24 h).
    public var minimumHistory: TimeInterval = 86_400
    public var seasonality: Set<Seasonality> = [.daily, .weekly]
    /// Share of the same-slot-of-week mean in the profile; the rest is the daily profile scaled by
    /// the day of week (less noisy with two weeks of history).
    public var weeklyWeight: Double = 1.0
    /// Width of a profile slot and the half-width of its smoothing.
    public var profileResolution: TimeInterval = 10 * 60
    public var profileSmoothing: TimeInterval = 20 * 60
    /// Recent demand relative to the profile over this window scales the whole forecast.
    public var levelWindow: TimeInterval = 15 * 60
    /// Residuals of this many days size the quantile.
    public var errorWindow: TimeInterval = 7 * 86_400
    /// The model is refitted at multiples of this (anchored to the epoch); the level follows
    /// recent demand every run, so the profile itself can be refreshed as rarely as AWS does.
    public var refresh: TimeInterval = 6 * 3600
    /// The reactive path: serve the newest sample at this utilisation...
    public var reactiveUtilization: Double = 1.0
    /// ...and do not scale in below its highest recommendation of this window.
    public var reactiveWindow: TimeInterval = 5 * 60
    /// Scale in only when the recommendation is below current capacity by more than this
    /// fraction (HPA's tolerance, for the scale-in side): fewer, larger scale-ins.
    public var scaleInTolerance: Double = 0.1
    /// Mean absolute error of the last `discountWindow` above `discountTolerance` × the usual one
    /// lowers the forecast's weight in proportion; nil turns the discount off.
    public var discountTolerance: Double? = 4.0
    public var discountWindow: TimeInterval = 60 * 60

    public init(unitCapacity: Double) {
        self.unitCapacity = unitCapacity
    }
}

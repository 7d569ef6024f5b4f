import Foundation

/// A scaling strategy: from a metric's history, the target's state and the time, a decision.
///
/// Strategies that forecast fit a `Model` from the history up to a fixed *anchor* (the last
/// refresh boundary at or before `now`) and then decide every period from that model plus the
/// newest samples. Because the anchor depends only on `now`, a stateless caller (a Lambda that
/// refits on every run) and a caller that caches the model per anchor (the simulator) take the
/// same decisions: there is one implementation, whoever calls it.
public protocol CapacityStrategy: Sendable {
    associatedtype Model: Sendable

    var rules: ScalingRules { get }

    /// The refresh boundary whose model is used at `now`.
    func modelAnchor(for now: Date) -> Date

    /// Fits the model from a history that ends at `anchor`.
    func fitModel(history: MetricHistory, anchor: Date) -> Model

    func decide(history: MetricHistory, capacity: CapacityState, now: Date, model: Model) -> CapacityDecision
}

extension CapacityStrategy {
    /// Fits the model for `now` and decides: what a scheduled run does.
    public func decide(history: MetricHistory, capacity: CapacityState, now: Date) -> CapacityDecision {
        let anchor = modelAnchor(for: now)
        let model = fitModel(history: modelHistory(history, anchor: anchor), anchor: anchor)
        return decide(history: history, capacity: capacity, now: now, model: model)
    }

    /// The part of `history` a model anchored at `anchor` is fitted on: samples at least
    /// `metricMaxAge` older than the anchor, which every run in the refresh interval has seen
    /// (a run right at the anchor may not have the newest minutes yet). This keeps the model the
    /// same whichever run of the interval fits it.
    public func modelHistory(_ history: MetricHistory, anchor: Date) -> MetricHistory {
        history.prefix(through: anchor.addingTimeInterval(-rules.metricMaxAge))
    }
}

extension CapacityStrategy where Model == Void {
    public func modelAnchor(for now: Date) -> Date { .distantPast }
    public func fitModel(history: MetricHistory, anchor: Date) {}
}

/// Checks shared by all strategies.
enum CapacityGuards {
    /// The newest sample if it is recent enough to act on, otherwise the hold decision to return.
    static func freshSample(
        in history: MetricHistory, capacity: CapacityState, rules: ScalingRules, now: Date
    ) -> Result<MetricSample, HoldDecision> {
        guard let latest = history.latest else {
            return .failure(HoldDecision(CapacityDecision.hold(capacity, .noMetricData, warnings: [.noMetricData])))
        }
        // A sample stamps the start of its bucket: it is complete one period later.
        let age = now.timeIntervalSince(latest.time) - history.samplePeriod
        guard age <= rules.metricMaxAge else {
            var evidence = CapacityEvidence()
            evidence.latestSample = latest
            let warning = CapacityWarning.staleMetric(latest: latest.time, age: age)
            return .failure(HoldDecision(CapacityDecision.hold(capacity, .metricStale, evidence: evidence, warnings: [warning])))
        }
        return .success(latest)
    }

    /// Turns "scale out to at least `scaleOutTo`" / "scale in to no less than `scaleInTo`" into a
    /// decision within the bounds. A scale-out step is at most max(boostFactor, 100 % of current),
    /// as HPA's default policy; a scale-in may go down to `scaleInTo` at once (it is already the
    /// stabilised value).
    static func proportional(
        capacity: CapacityState, scaleOutTo: Int, scaleInTo: Int, rules: ScalingRules,
        evidence: CapacityEvidence, warnings: [CapacityWarning],
        scaleOutReason: CapacityDecisionReason, scaleInReason: CapacityDecisionReason,
        holdReason: CapacityDecisionReason
    ) -> CapacityDecision {
        let current = capacity.desired
        var evidence = evidence
        var warnings = warnings
        evidence.recommendedCapacity = scaleOutTo > current ? scaleOutTo : max(scaleInTo, min(scaleOutTo, current))
        if scaleOutTo > rules.maxCapacity { warnings.append(.cappedAtMaximum(recommended: scaleOutTo)) }

        var wanted = current
        var reason = holdReason
        if scaleOutTo > current {
            let step = max(rules.boostFactor, current, 1)
            wanted = min(scaleOutTo, current + step)
            reason = scaleOutReason
        } else if scaleInTo < current {
            wanted = scaleInTo
            reason = scaleInReason
        }
        let bounded = rules.clamp(wanted)
        if current < rules.minCapacity {
            reason = .raisedToMinimum
        } else if current > rules.maxCapacity {
            reason = .loweredToMaximum
        } else if bounded == current && wanted > current {
            reason = .atMaximum
        } else if bounded == current && wanted < current {
            reason = .atMinimum
        }
        return CapacityDecision(current: current, desired: bounded, reason: reason, evidence: evidence, warnings: warnings)
    }

    /// `ceil` that ignores floating-point dust (35.000000001 instances is 35).
    static func instances(_ fractional: Double) -> Int {
        guard fractional.isFinite else { return fractional > 0 ? Int.max / 4 : 0 }
        return max(0, Int((fractional - 1e-9).rounded(.up)))
    }
}

/// Wraps a decision so it can be the failure side of a `Result`.
struct HoldDecision: Error {
    let decision: CapacityDecision
    init(_ decision: CapacityDecision) { self.decision = decision }
}

import Foundation

public struct TargetTrackingParameters: Sendable, Equatable {
    /// The metric value one instance should carry (per instance, in the metric's unit).
    public var target: Double
    /// Ratios within 1 ± tolerance are left alone (HPA's default 0.1).
    public var tolerance: Double

    public init(target: Double, tolerance: Double = 0.1) {
        self.target = target
        self.tolerance = tolerance
    }
}

/// HPA's rule: `desired = ceil(current × metric / target)`, skipped within the tolerance, scaled out
/// at once, and scaled in only to the highest recommendation of the scale-in (cool-down) window.
///
/// HPA remembers its recent recommendations; here they are recomputed from the metric history,
/// so the strategy needs no state between runs. For a total metric that is exact; for a
/// per-instance metric the past recommendations are scaled by today's serving count, which is
/// what the history allows.
public struct TargetTrackingStrategy: CapacityStrategy {
    public typealias Model = Void
    public let rules: ScalingRules
    public let parameters: TargetTrackingParameters

    public init(rules: ScalingRules, parameters: TargetTrackingParameters) {
        self.rules = rules
        self.parameters = parameters
    }

    public func decide(history: MetricHistory, capacity: CapacityState, now: Date, model: Void) -> CapacityDecision {
        let latest: MetricSample
        switch CapacityGuards.freshSample(in: history, capacity: capacity, rules: rules, now: now) {
        case let .success(sample): latest = sample
        case let .failure(hold): return hold.decision
        }
        let recommendationNow = recommendation(for: latest.value, capacity: capacity)
        let stabilized = history.recent(rules.coolDown, before: latest.time)
            .reduce(recommendationNow) { max($0, recommendation(for: $1.value, capacity: capacity)) }

        var evidence = CapacityEvidence()
        evidence.latestSample = latest
        evidence.metricPerInstance = perInstance(latest.value, capacity: capacity)
        evidence.reactiveCapacity = recommendationNow
        evidence.stabilizedCapacity = stabilized
        return CapacityGuards.proportional(
            capacity: capacity, scaleOutTo: recommendationNow, scaleInTo: stabilized, rules: rules,
            evidence: evidence, warnings: [], scaleOutReason: .trackingTarget, scaleInReason: .trackingTarget,
            holdReason: .withinTolerance
        )
    }

    /// Instances the value asks for, or the current desired capacity when within the tolerance.
    func recommendation(for value: Double, capacity: CapacityState) -> Int {
        let needed = neededInstances(value, capacity: capacity)
        let current = capacity.desired
        if current > 0, abs(needed / Double(current) - 1) <= parameters.tolerance { return current }
        return CapacityGuards.instances(needed)
    }

    /// Fractional instances needed to bring the metric to the target.
    func neededInstances(_ value: Double, capacity: CapacityState) -> Double {
        switch rules.aggregation {
        case .total: value / parameters.target
        case .perInstance: Double(capacity.ready) * value / parameters.target
        }
    }

    private func perInstance(_ value: Double, capacity: CapacityState) -> Double? {
        switch rules.aggregation {
        case .perInstance: value
        case .total: capacity.ready > 0 ? value / Double(capacity.ready) : nil
        }
    }
}

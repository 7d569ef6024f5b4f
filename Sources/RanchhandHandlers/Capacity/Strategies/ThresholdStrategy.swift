import Foundation

public struct ThresholdParameters: Sendable, Equatable {
    /// Per-instance metric level below which one step is removed.
    public var lower: Double
    /// Per-instance metric level above which one step is added.
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }
}

/// The classic custom scaler: above `upper` add `boostFactor` instances, below `lower` remove them.
/// A step rule does not know how much capacity is missing, so after a scale-out it must wait for
/// the new instances to serve (warm-up) before it can tell whether another step is needed.
public struct ThresholdStrategy: CapacityStrategy {
    public typealias Model = Void
    public let rules: ScalingRules
    public let parameters: ThresholdParameters

    public init(rules: ScalingRules, parameters: ThresholdParameters) {
        self.rules = rules
        self.parameters = parameters
    }

    public func decide(history: MetricHistory, capacity: CapacityState, now: Date, model: Void) -> CapacityDecision {
        let latest: MetricSample
        switch CapacityGuards.freshSample(in: history, capacity: capacity, rules: rules, now: now) {
        case let .success(sample): latest = sample
        case let .failure(hold): return hold.decision
        }
        var evidence = CapacityEvidence()
        evidence.latestSample = latest
        let perInstance = perInstanceValue(latest.value, capacity: capacity)
        evidence.metricPerInstance = perInstance

        if capacity.desired < rules.minCapacity || capacity.desired > rules.maxCapacity {
            let bounded = rules.clamp(capacity.desired)
            let reason: CapacityDecisionReason = bounded > capacity.desired ? .raisedToMinimum : .loweredToMaximum
            return CapacityDecision(current: capacity.desired, desired: bounded, reason: reason, evidence: evidence)
        }
        if perInstance > parameters.upper {
            return scaleOut(capacity: capacity, now: now, evidence: evidence)
        }
        if perInstance < parameters.lower {
            return scaleIn(capacity: capacity, now: now, evidence: evidence)
        }
        return .hold(capacity, .withinThresholds, evidence: evidence)
    }

    private func perInstanceValue(_ value: Double, capacity: CapacityState) -> Double {
        switch rules.aggregation {
        case .perInstance:
            return value
        case .total:
            // Only serving instances carry the load; none serving with load is "infinitely" busy.
            if capacity.ready > 0 { return value / Double(capacity.ready) }
            return value > 0 ? .infinity : 0
        }
    }

    private func scaleOut(capacity: CapacityState, now: Date, evidence: CapacityEvidence) -> CapacityDecision {
        if let last = capacity.lastScaleOut, now < last.addingTimeInterval(rules.warmUp) {
            return .hold(capacity, .warmingUp(until: last.addingTimeInterval(rules.warmUp)), evidence: evidence)
        }
        var evidence = evidence
        evidence.recommendedCapacity = capacity.desired + rules.boostFactor
        let desired = rules.clamp(capacity.desired + rules.boostFactor)
        guard desired > capacity.desired else { return .hold(capacity, .atMaximum, evidence: evidence) }
        return CapacityDecision(current: capacity.desired, desired: desired, reason: .aboveUpperThreshold, evidence: evidence)
    }

    private func scaleIn(capacity: CapacityState, now: Date, evidence: CapacityEvidence) -> CapacityDecision {
        if let last = capacity.lastScaling, now < last.addingTimeInterval(rules.coolDown) {
            return .hold(capacity, .coolingDown(until: last.addingTimeInterval(rules.coolDown)), evidence: evidence)
        }
        var evidence = evidence
        evidence.recommendedCapacity = capacity.desired - rules.boostFactor
        let desired = rules.clamp(capacity.desired - rules.boostFactor)
        guard desired < capacity.desired else { return .hold(capacity, .atMinimum, evidence: evidence) }
        return CapacityDecision(current: capacity.desired, desired: desired, reason: .belowLowerThreshold, evidence: evidence)
    }
}

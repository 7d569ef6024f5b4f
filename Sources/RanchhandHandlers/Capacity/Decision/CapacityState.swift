import Foundation

/// What the target (an Auto Scaling group or a Deployment) reports about itself when a scaler runs.
public struct CapacityState: Sendable, Equatable {
    /// Desired capacity (ASG) or spec.replicas (Deployment); includes instances still booting.
    public var desired: Int
    /// Instances that serve load (ASG `InService`, Deployment `readyReplicas`).
    public var ready: Int
    /// When desired capacity was last raised / lowered; nil when unknown or never.
    public var lastScaleOut: Date?
    public var lastScaleIn: Date?

    public init(desired: Int, ready: Int, lastScaleOut: Date? = nil, lastScaleIn: Date? = nil) {
        self.desired = desired
        self.ready = ready
        self.lastScaleOut = lastScaleOut
        self.lastScaleIn = lastScaleIn
    }

    /// Instances launched but not serving yet.
    public var pending: Int { max(0, desired - ready) }

    /// The last change of desired capacity in either direction.
    public var lastScaling: Date? {
        switch (lastScaleOut, lastScaleIn) {
        case let (scaleOut?, scaleIn?): max(scaleOut, scaleIn)
        case let (scaleOut?, nil): scaleOut
        case let (nil, scaleIn?): scaleIn
        case (nil, nil): nil
        }
    }
}

/// How the metric relates to capacity.
public enum MetricAggregation: String, Sendable, Equatable, Codable, CaseIterable {
    /// The whole group's load (ALB RequestCount Sum, a PromQL `sum(rate(...))`).
    case total
    /// An average per serving instance (CPU utilisation, RequestCountPerTarget).
    case perInstance = "per-instance"
}

/// The limits every strategy works within; they come from one scaler's configuration.
public struct ScalingRules: Sendable, Equatable {
    public var minCapacity: Int
    public var maxCapacity: Int
    /// Instances added or removed per step (threshold); the smallest step for the others.
    public var boostFactor: Int
    /// Time until a launched instance serves; no second scale-out for the same demand before it.
    public var warmUp: TimeInterval
    /// No scale-in within this window; also the scale-in stabilisation window.
    public var coolDown: TimeInterval
    /// A latest sample older than this makes the scaler hold and warn.
    public var metricMaxAge: TimeInterval
    public var aggregation: MetricAggregation

    public init(
        minCapacity: Int, maxCapacity: Int, boostFactor: Int = 1,
        warmUp: TimeInterval = 300, coolDown: TimeInterval = 900,
        metricMaxAge: TimeInterval = 600, aggregation: MetricAggregation = .total
    ) {
        self.minCapacity = minCapacity
        self.maxCapacity = maxCapacity
        self.boostFactor = boostFactor
        self.warmUp = warmUp
        self.coolDown = coolDown
        self.metricMaxAge = metricMaxAge
        self.aggregation = aggregation
    }

    public func clamp(_ capacity: Int) -> Int { min(maxCapacity, max(minCapacity, capacity)) }
}

import Foundation

/// The policies `simulate` can replay; all but `oracle` run the library's strategies.
public enum SimulationPolicy: String, Sendable, CaseIterable {
    case staticCapacity = "static"
    case reactive
    case threshold
    case awsLike = "aws-like"
    case predictive
    case oracle

    /// Target utilisation used when none is given: the reference baselines' 0.7, and the
    /// predictive strategy's frozen default.
    public func defaultTargetUtilization(predictive: PredictiveParameters) -> Double {
        switch self {
        case .predictive: predictive.targetUtilization
        case .oracle: 1
        case .staticCapacity, .reactive, .threshold, .awsLike: 0.7
        }
    }
}

/// Policy knobs of a replay; anything nil takes the policy's default.
public struct SimulationPolicyOptions: Sendable, Equatable {
    public var targetUtilization: Double?
    /// Scale-in stabilisation / cool-down window (the reactive reference uses 15 min).
    public var coolDownMinutes: Int = 15
    public var tolerance: Double = 0.1
    public var boostFactor: Int = 2
    /// Threshold policy: scale in below this fraction of the upper threshold.
    public var lowerThresholdFraction: Double = 0.5
    /// Static policy: fixed capacity (default: p99 of the warm-up history at the target utilisation).
    public var staticCapacity: Int?
    /// Predictive strategy parameters other than unit capacity (the frozen defaults unless set).
    public var predictive: PredictiveParameters?

    public init() {}
}

extension CapacitySimulator {
    /// Runs one policy with the capacity model's unit capacity, boot delay and bounds.
    public func run(
        _ policy: SimulationPolicy, options: SimulationPolicyOptions = SimulationPolicyOptions(),
        recordTimeline: Bool = false
    ) -> SimulationRun {
        let unit = setup.unitCapacity
        var predictive = options.predictive ?? PredictiveParameters(unitCapacity: unit)
        predictive.unitCapacity = unit
        let utilization = options.targetUtilization ?? policy.defaultTargetUtilization(predictive: predictive)
        let rules = ScalingRules(
            minCapacity: setup.minCapacity, maxCapacity: setup.maxCapacity, boostFactor: options.boostFactor,
            warmUp: Double(setup.bootDelayMinutes) * 60, coolDown: Double(options.coolDownMinutes) * 60,
            metricMaxAge: 600, aggregation: .total
        )
        let name = policy.rawValue
        switch policy {
        case .oracle:
            return runOracle(targetUtilization: utilization, recordTimeline: recordTimeline)
        case .staticCapacity:
            let capacity = options.staticCapacity ?? warmupPercentileCapacity(0.99, utilization: utilization)
            return run(StaticCapacityStrategy(rules: rules, capacity: capacity), policy: name, recordTimeline: recordTimeline)
        case .reactive:
            let parameters = TargetTrackingParameters(target: unit * utilization, tolerance: options.tolerance)
            return run(TargetTrackingStrategy(rules: rules, parameters: parameters), policy: name, recordTimeline: recordTimeline)
        case .threshold:
            let upper = unit * utilization
            let parameters = ThresholdParameters(lower: upper * options.lowerThresholdFraction, upper: upper)
            return run(ThresholdStrategy(rules: rules, parameters: parameters), policy: name, recordTimeline: recordTimeline)
        case .awsLike:
            var parameters = AWSLikeParameters(unitCapacity: unit, targetUtilization: utilization)
            parameters.tolerance = options.tolerance
            return run(AWSLikeStrategy(rules: rules, parameters: parameters), policy: name, recordTimeline: recordTimeline)
        case .predictive:
            predictive.targetUtilization = utilization
            return run(PredictiveStrategy(rules: rules, parameters: predictive), policy: name, recordTimeline: recordTimeline)
        }
    }

    /// What an operator would provision from the history: a percentile of the unscored demand.
    private func warmupPercentileCapacity(_ percentile: Double, utilization: Double) -> Int {
        let history = trace.demand.prefix(setup.scoreStartMinute).compactMap { $0 }
        guard !history.isEmpty else { return setup.minCapacity }
        return CapacityGuards.instances(quantile(of: history, percentile) / (setup.unitCapacity * utilization))
    }
}

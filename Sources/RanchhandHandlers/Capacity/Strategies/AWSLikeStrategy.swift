import Foundation

public struct AWSLikeParameters: Sendable, Equatable {
    /// Load one instance serves per sample period at 100 %.
    public var unitCapacity: Double
    public var targetUtilization: Double
    /// Target-tracking tolerance of the reactive partner policy.
    public var tolerance: Double = 0.1
    public var history: TimeInterval = 14 * 86_400
    public var minimumHistory: TimeInterval = 86_400
    /// AWS refreshes its forecast every 6 hours.
    public var refresh: TimeInterval = 6 * 3600
    /// SchedulingBufferTime: each hour's capacity is applied this much early (AWS default 300 s).
    public var schedulingBuffer: TimeInterval = 300

    public init(unitCapacity: Double, targetUtilization: Double) {
        self.unitCapacity = unitCapacity
        self.targetUtilization = targetUtilization
    }
}

/// Hourly forecasts per hour of week (mean of the same hour of the last two weeks; per hour of
/// day with less than a week of history), indexed by hour since the epoch modulo the cycle.
public struct HourlyLoadForecast: Sendable, Equatable {
    public let hourlyMeans: [Double]

    public func mean(forHourStarting seconds: Double) -> Double {
        let hour = Int((seconds / 3600).rounded(.down)) % hourlyMeans.count
        return hourlyMeans[hour < 0 ? hour + hourlyMeans.count : hour]
    }
}

/// An honest stand-in for EC2 predictive scaling (its model is not public; its contract is):
/// an hourly forecast refreshed every 6 h from ≤ 14 days, capacity for each hour applied
/// `schedulingBuffer` early, never scaling in by itself, combined by max() with a target-tracking
/// policy that does the scaling in.
public struct AWSLikeStrategy: CapacityStrategy {
    public typealias Model = HourlyLoadForecast?
    public let rules: ScalingRules
    public let parameters: AWSLikeParameters

    public init(rules: ScalingRules, parameters: AWSLikeParameters) {
        self.rules = rules
        self.parameters = parameters
    }

    private var reactive: TargetTrackingStrategy {
        TargetTrackingStrategy(
            rules: rules,
            parameters: TargetTrackingParameters(
                target: parameters.unitCapacity * parameters.targetUtilization, tolerance: parameters.tolerance
            )
        )
    }

    public func modelAnchor(for now: Date) -> Date {
        Date(timeIntervalSince1970: (now.timeIntervalSince1970 / parameters.refresh).rounded(.down) * parameters.refresh)
    }

    public func fitModel(history: MetricHistory, anchor: Date) -> HourlyLoadForecast? {
        let window = history.samples(from: anchor.addingTimeInterval(-parameters.history), through: anchor)
        guard let first = window.first, let last = window.last else { return nil }
        let span = last.time.timeIntervalSince(first.time) + history.samplePeriod
        guard span >= parameters.minimumHistory else { return nil }
        let cycle = span >= 7 * 86_400 ? 168 : 24
        var sums = [Double](repeating: 0, count: cycle)
        var counts = [Double](repeating: 0, count: cycle)
        for sample in window {
            let hour = Int((sample.time.timeIntervalSince1970 / 3600).rounded(.down)) % cycle
            sums[hour] += sample.value
            counts[hour] += 1
        }
        let means = zip(sums, counts).map { $1 > 0 ? $0 / $1 : nil }
        return HourlyLoadForecast(hourlyMeans: SeasonalProfileBuilder.filled(means))
    }

    public func decide(
        history: MetricHistory, capacity: CapacityState, now: Date, model: HourlyLoadForecast?
    ) -> CapacityDecision {
        var decision = reactive.decide(history: history, capacity: capacity, now: now, model: ())
        // Stale or missing metrics hold everything, as the reactive partner does.
        guard decision.reason != .metricStale, decision.reason != .noMetricData, let model else { return decision }
        let hourStart = ((now.timeIntervalSince1970 + parameters.schedulingBuffer) / 3600).rounded(.down) * 3600
        let forecast = model.mean(forHourStarting: hourStart)
        let predicted = CapacityGuards.instances(forecast / (parameters.unitCapacity * parameters.targetUtilization))
        decision.evidence.forecastMean = forecast
        decision.evidence.forecastLoad = forecast
        decision.evidence.forecastCapacity = predicted
        let floor = rules.clamp(predicted)
        if floor > decision.desired {
            decision.desired = floor
            // Raised by the forecast; or a reactive scale-in stopped at the forecast floor.
            if floor > capacity.desired { decision.reason = .forecast }
            if floor == capacity.desired { decision.reason = .alreadyAtRecommendation }
        }
        return decision
    }
}

/// A fixed capacity: the static baseline.
public struct StaticCapacityStrategy: CapacityStrategy {
    public typealias Model = Void
    public let rules: ScalingRules
    public let capacity: Int

    public init(rules: ScalingRules, capacity: Int) {
        self.rules = rules
        self.capacity = capacity
    }

    public func decide(history: MetricHistory, capacity state: CapacityState, now: Date, model: Void) -> CapacityDecision {
        let desired = rules.clamp(capacity)
        let reason: CapacityDecisionReason = desired == state.desired ? .alreadyAtRecommendation : .trackingTarget
        return CapacityDecision(current: state.desired, desired: desired, reason: reason)
    }
}

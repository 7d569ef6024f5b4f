import Foundation

/// Forecast-led scaling with a reactive safety net.
///
/// * Forecast path: size for the sizing quantile of the forecast over the coming warm-up window
///   plus `horizon` (capacity launched now serves only after warm-up), at `targetUtilization`.
/// * Reactive path: serve the newest sample at `reactiveUtilization`; it catches what no
///   seasonality predicts (flash crowds).
/// * Scale-out follows the larger of the two. Scale-in goes no lower than any forecast
///   recommendation of the last cool-down window nor the reactive one of `reactiveWindow`, so the
///   forecast alone never scales in faster than the cool-down allows.
/// * When the forecast's recent error is well above its usual error, its excess over the reactive
///   path is discounted in proportion.
public struct PredictiveStrategy: CapacityStrategy {
    public typealias Model = SeasonalDemandModel?
    public let rules: ScalingRules
    public let parameters: PredictiveParameters

    public init(rules: ScalingRules, parameters: PredictiveParameters) {
        self.rules = rules
        self.parameters = parameters
    }

    /// Forecasts made now are for capacity that serves after warm-up (plus one sample of lag).
    var forecastLead: TimeInterval { rules.warmUp + 60 }

    public func modelAnchor(for now: Date) -> Date {
        let refresh = max(60, parameters.refresh)
        return Date(timeIntervalSince1970: (now.timeIntervalSince1970 / refresh).rounded(.down) * refresh)
    }

    public func fitModel(history: MetricHistory, anchor: Date) -> SeasonalDemandModel? {
        SeasonalDemandModel.fit(history: history, anchor: anchor, parameters: parameters, lead: forecastLead)
    }

    public func decide(
        history: MetricHistory, capacity: CapacityState, now: Date, model: SeasonalDemandModel?
    ) -> CapacityDecision {
        let latest: MetricSample
        switch CapacityGuards.freshSample(in: history, capacity: capacity, rules: rules, now: now) {
        case let .success(sample): latest = sample
        case let .failure(hold): return hold.decision
        }
        let reactiveUnit = parameters.unitCapacity * parameters.reactiveUtilization
        let reactiveNow = CapacityGuards.instances(latest.value / reactiveUnit)
        let reactiveStabilized = history.recent(parameters.reactiveWindow, before: latest.time)
            .reduce(reactiveNow) { max($0, CapacityGuards.instances($1.value / reactiveUnit)) }

        var evidence = CapacityEvidence()
        evidence.latestSample = latest
        evidence.reactiveCapacity = reactiveNow
        var warnings: [CapacityWarning] = []
        var scaleOutTo = reactiveNow
        var scaleInTo = reactiveStabilized
        var forecastLeads = false

        if let model, let forecast = forecastPath(model: model, history: history, latest: latest, now: now) {
            evidence.forecastLoad = forecast.load
            evidence.forecastMean = forecast.mean
            evidence.forecastWeight = forecast.weight
            if forecast.weight < 1 { warnings.append(.forecastDiscounted(weight: forecast.weight)) }
            let discountedOut = discounted(forecast.capacity, over: reactiveNow, weight: forecast.weight)
            let discountedIn = discounted(forecast.stabilizedCapacity, over: reactiveNow, weight: forecast.weight)
            evidence.forecastCapacity = discountedOut
            forecastLeads = discountedOut > reactiveNow
            scaleOutTo = max(scaleOutTo, discountedOut)
            scaleInTo = max(scaleInTo, discountedIn)
        } else if model == nil {
            warnings.append(.shortHistory(available: history.span, needed: parameters.minimumHistory))
        }
        evidence.stabilizedCapacity = scaleInTo
        // Integer capacity makes a forecast hover between n and n + 1; small scale-ins wait.
        if scaleInTo < capacity.desired, Double(capacity.desired - scaleInTo) <= parameters.scaleInTolerance * Double(capacity.desired) {
            scaleInTo = capacity.desired
        }
        return CapacityGuards.proportional(
            capacity: capacity, scaleOutTo: scaleOutTo, scaleInTo: scaleInTo, rules: rules,
            evidence: evidence, warnings: warnings,
            scaleOutReason: forecastLeads ? .forecast : .reactive,
            scaleInReason: scaleInTo > reactiveStabilized ? .forecast : .reactive,
            holdReason: .alreadyAtRecommendation
        )
    }

    private func discounted(_ forecast: Int, over reactive: Int, weight: Double) -> Int {
        guard forecast > reactive, weight < 1 else { return forecast }
        return reactive + CapacityGuards.instances(Double(forecast - reactive) * weight)
    }

    struct ForecastPath {
        var mean: Double
        var load: Double
        var capacity: Int
        var stabilizedCapacity: Int
        var weight: Double
    }

    /// The forecast recommendation now, the highest one of the cool-down window, and the weight.
    func forecastPath(
        model: SeasonalDemandModel, history: MetricHistory, latest: MetricSample, now: Date
    ) -> ForecastPath? {
        let period = max(1, history.samplePeriod)
        let lookBack = max(rules.coolDown, parameters.discountWindow + forecastLead)
        let context = history.samples(
            from: latest.time.addingTimeInterval(-lookBack - model.levelWindow - period), through: latest.time
        )
        let levels = DemandLevels(samples: context, model: model)
        let origin = latest.time.timeIntervalSince1970
        let offset = now.timeIntervalSince1970 - origin
        guard let levelNow = levels.level(at: origin) else { return nil }

        let sizeNow = sizing(model: model, level: levelNow, windowStart: origin + offset)
        var stabilized = sizeNow.capacity
        var back = period
        while back <= rules.coolDown {
            if let level = levels.level(at: origin - back) {
                stabilized = max(stabilized, sizing(model: model, level: level, windowStart: origin + offset - back).capacity)
            }
            back += period
        }
        let weight = forecastWeight(model: model, levels: levels, context: context, origin: origin)
        return ForecastPath(
            mean: sizeNow.mean, load: sizeNow.load, capacity: sizeNow.capacity,
            stabilizedCapacity: stabilized, weight: weight
        )
    }

    private func sizing(model: SeasonalDemandModel, level: Double, windowStart: Double) -> (mean: Double, load: Double, capacity: Int) {
        let windowEnd = windowStart + rules.warmUp + parameters.horizon
        let mean = level * model.peakProfile(from: windowStart, through: windowEnd)
        let load = model.quantileLoad(mean: mean)
        let capacity = CapacityGuards.instances(load / (parameters.unitCapacity * parameters.targetUtilization))
        return (mean, load, capacity)
    }

    /// 1, or less when the recent mean absolute error exceeds the tolerated multiple of the usual
    /// error for forecasts of that size.
    private func forecastWeight(
        model: SeasonalDemandModel, levels: DemandLevels, context: ArraySlice<MetricSample>, origin: Double
    ) -> Double {
        guard let tolerance = parameters.discountTolerance else { return 1 }
        var recent = 0.0
        var usual = 0.0
        for sample in context.reversed() {
            let seconds = sample.time.timeIntervalSince1970
            if seconds < origin - parameters.discountWindow { break }
            guard let level = levels.level(at: seconds - forecastLead) else { continue }
            let forecast = level * model.profileValue(at: seconds)
            recent += abs(sample.value - forecast)
            usual += model.errors.meanAbsoluteError(at: forecast)
        }
        guard recent > 0, usual > 0 else { return 1 }
        return min(1, tolerance * usual / recent)
    }
}

import ArgumentParser
import RanchhandHandlers

/// Flags that override the predictive strategy's frozen defaults (for sweeps and experiments).
struct PredictiveTuningOptions: ParsableArguments {
    @Option(help: "Quantile of the forecast error to size for.")
    var quantile: Double?

    @Option(help: "Minutes past the warm-up window the forecast looks ahead.")
    var horizon: Double?

    @Option(help: "Days of history the seasonal profile uses.")
    var historyDays: Double?

    @Option(help: "Minutes of recent demand that set the forecast level.")
    var levelWindow: Double?

    @Option(help: "Utilisation of the reactive path.")
    var reactiveUtilization: Double?

    @Option(help: "Minutes the reactive path holds its highest recommendation.")
    var reactiveWindow: Double?

    @Option(help: "Error-discount tolerance (multiple of the usual error); 0 turns the discount off.")
    var discountTolerance: Double?

    @Option(help: "Scale in only when more than this fraction of capacity is spare.")
    var scaleInTolerance: Double?

    @Option(help: "Minutes between refits of the seasonal model.")
    var refresh: Double?

    func parameters(unitCapacity: Double) throws -> PredictiveParameters {
        var parameters = PredictiveParameters(unitCapacity: unitCapacity)
        if let quantile {
            guard quantile > 0, quantile < 1 else { throw ValidationError("--quantile must be in (0, 1)") }
            parameters.quantile = quantile
        }
        if let horizon { parameters.horizon = horizon * 60 }
        if let historyDays { parameters.history = historyDays * 86_400 }
        if let levelWindow { parameters.levelWindow = levelWindow * 60 }
        if let reactiveUtilization { parameters.reactiveUtilization = reactiveUtilization }
        if let reactiveWindow { parameters.reactiveWindow = reactiveWindow * 60 }
        if let discountTolerance { parameters.discountTolerance = discountTolerance > 0 ? discountTolerance : nil }
        if let scaleInTolerance { parameters.scaleInTolerance = scaleInTolerance }
        if let refresh { parameters.refresh = refresh * 60 }
        return parameters
    }
}

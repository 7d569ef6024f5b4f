import Foundation

/// Walk-forward residuals of a profile-and-level forecast: at each sample `u` of the error window,
/// the forecast is the profile at `u` times the level known `lead` seconds earlier.
struct ForecastResiduals {
    private(set) var forecasts: [Double] = []
    private(set) var errors: [Double] = []

    init(model: SeasonalDemandModel, history: MetricHistory, anchor: Date, errorWindow: TimeInterval, lead: TimeInterval) {
        let errorStart = anchor.addingTimeInterval(-errorWindow)
        let context = history.samples(from: errorStart.addingTimeInterval(-lead - model.levelWindow), through: anchor)
        let levels = DemandLevels(samples: context, model: model)
        let errorStartSeconds = errorStart.timeIntervalSince1970
        forecasts.reserveCapacity(context.count)
        errors.reserveCapacity(context.count)
        for sample in context {
            let seconds = sample.time.timeIntervalSince1970
            guard seconds >= errorStartSeconds, let level = levels.level(at: seconds - lead) else { continue }
            let forecast = level * model.profileValue(at: seconds)
            forecasts.append(forecast)
            errors.append(sample.value - forecast)
        }
    }

    /// Bins the residuals by forecast size (equal counts) and reads each bin's error quantile.
    func errorModel(quantile q: Double, binCount: Int = 8) -> ForecastErrorModel {
        // Fewer than ~50 residuals per bin cannot show a tail: use fewer bins.
        let bins = min(binCount, forecasts.count / 50)
        guard bins > 0 else { return ForecastErrorModel(bins: []) }
        let order = forecasts.indices.sorted { forecasts[$0] < forecasts[$1] }
        return ForecastErrorModel(bins: (0..<bins).map { bin in
            let members = order[(bin * order.count / bins)..<((bin + 1) * order.count / bins)]
            let binErrors = members.map { errors[$0] }
            return ForecastErrorModel.Bin(
                forecast: forecasts[members[members.startIndex + members.count / 2]],
                quantileError: quantile(of: binErrors, q),
                meanAbsoluteError: binErrors.reduce(0) { $0 + abs($1) } / Double(binErrors.count)
            )
        })
    }
}

/// Forecast error as a function of the forecast's size: the sizing quantile and the mean absolute
/// error per bin, interpolated between bins. Below the smallest bin errors shrink like √F (counting
/// noise), above the largest they grow like F (relative error).
public struct ForecastErrorModel: Sendable, Equatable {
    public struct Bin: Sendable, Equatable {
        /// Median forecast of the bin.
        public var forecast: Double
        public var quantileError: Double
        public var meanAbsoluteError: Double
    }

    public let bins: [Bin]

    public func quantileError(at forecast: Double) -> Double { interpolate(forecast, \.quantileError) }
    public func meanAbsoluteError(at forecast: Double) -> Double { interpolate(forecast, \.meanAbsoluteError) }

    private func interpolate(_ forecast: Double, _ value: KeyPath<Bin, Double>) -> Double {
        guard let first = bins.first, let last = bins.last else { return 0 }
        if forecast <= first.forecast {
            return first.forecast > 0 ? first[keyPath: value] * (max(0, forecast) / first.forecast).squareRoot() : first[keyPath: value]
        }
        if forecast >= last.forecast {
            return last.forecast > 0 ? last[keyPath: value] * forecast / last.forecast : last[keyPath: value]
        }
        let upper = bins.firstIndex { $0.forecast >= forecast }!
        let lower = bins[upper - 1], higher = bins[upper]
        let span = higher.forecast - lower.forecast
        guard span > 0 else { return higher[keyPath: value] }
        let share = (forecast - lower.forecast) / span
        return lower[keyPath: value] + share * (higher[keyPath: value] - lower[keyPath: value])
    }
}

/// The `q` quantile (nearest rank) of `values`, by selection rather than a full sort.
func quantile(of values: [Double], _ q: Double) -> Double {
    precondition(!values.isEmpty, "quantile of no values")
    var values = values
    let rank = min(values.count - 1, max(0, Int((q * Double(values.count)).rounded(.up)) - 1))
    var low = 0
    var high = values.count - 1
    while low < high {
        let pivot = values[(low + high) / 2]
        var left = low
        var right = high
        while left <= right {
            while values[left] < pivot { left += 1 }
            while values[right] > pivot { right -= 1 }
            if left <= right {
                values.swapAt(left, right)
                left += 1
                right -= 1
            }
        }
        if rank <= right { high = right } else if rank >= left { low = left } else { break }
    }
    return values[rank]
}

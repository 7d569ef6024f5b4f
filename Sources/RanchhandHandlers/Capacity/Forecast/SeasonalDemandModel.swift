import Foundation

/// A demand forecast of the form `level × profile(t)`, with an error model for sizing.
///
/// * The profile is the seasonal shape (per slot of the week or of the day) fitted on the history;
///   the level is recent demand relative to the profile, so the forecast follows today's volume
///   (holidays, growth, an outage's recovery) while keeping the shape of past days.
/// * The error model: walk-forward residuals of that forecast over the last days, binned by the
///   forecast's size, so that the sizing quantile fits both quiet hours (where a burst is large
///   relative to the mean) and busy ones.
public struct SeasonalDemandModel: Sendable {
    public let anchor: Date
    public let resolution: TimeInterval
    /// One cycle: a week of slots with weekly seasonality, else a day.
    public let profile: [Double]
    public let levelWindow: TimeInterval
    public let errors: ForecastErrorModel

    init(anchor: Date, resolution: TimeInterval, profile: [Double], levelWindow: TimeInterval, errors: ForecastErrorModel) {
        self.anchor = anchor
        self.resolution = resolution
        self.profile = profile
        self.levelWindow = levelWindow
        self.errors = errors
    }

    /// Load at the sizing quantile for a forecast mean.
    public func quantileLoad(mean: Double) -> Double { max(mean, mean + errors.quantileError(at: mean)) }

    /// Profile value of the slot containing `seconds` (since the epoch).
    public func profileValue(at seconds: Double) -> Double {
        let slot = Int((seconds / resolution).rounded(.down)) % profile.count
        return profile[slot < 0 ? slot + profile.count : slot]
    }

    /// Highest profile value of the slots that overlap `[from, through]`.
    public func peakProfile(from: Double, through: Double) -> Double {
        let first = Int((from / resolution).rounded(.down))
        let last = max(first, Int((through / resolution).rounded(.down)))
        var peak = 0.0
        for slot in first...last {
            let index = slot % profile.count
            peak = max(peak, profile[index < 0 ? index + profile.count : index])
        }
        return peak
    }
}

/// Level estimates over one stretch of history, from prefix sums, so a decision can ask for the
/// level at many origins cheaply.
struct DemandLevels {
    private let times: [Double]
    private let prefixDemand: [Double]
    private let prefixProfile: [Double]
    let window: TimeInterval

    init(samples: ArraySlice<MetricSample>, model: SeasonalDemandModel) {
        var times: [Double] = []
        var demand: [Double] = [0]
        var profile: [Double] = [0]
        times.reserveCapacity(samples.count)
        demand.reserveCapacity(samples.count + 1)
        profile.reserveCapacity(samples.count + 1)
        for sample in samples {
            let seconds = sample.time.timeIntervalSince1970
            times.append(seconds)
            demand.append(demand[demand.count - 1] + sample.value)
            profile.append(profile[profile.count - 1] + model.profileValue(at: seconds))
        }
        self.times = times
        self.prefixDemand = demand
        self.prefixProfile = profile
        self.window = model.levelWindow
    }

    /// Demand relative to the profile over `(origin − window, origin]`; nil without data there.
    func level(at origin: Double) -> Double? {
        let upper = insertionIndex(after: origin)
        let lower = insertionIndex(after: origin - window)
        guard upper > lower else { return nil }
        let profileSum = prefixProfile[upper] - prefixProfile[lower]
        guard profileSum > 0 else { return nil }
        return (prefixDemand[upper] - prefixDemand[lower]) / profileSum
    }

    /// Index of the first time strictly after `seconds`.
    private func insertionIndex(after seconds: Double) -> Int {
        var low = 0
        var high = times.count
        while low < high {
            let middle = (low + high) / 2
            if times[middle] <= seconds { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

import Foundation

extension SeasonalDemandModel {
    /// Fits the profile on `parameters.history` before `anchor` and the error model on the last
    /// `parameters.errorWindow`, for forecasts made `lead` seconds ahead. Nil when the history spans
    /// less than `parameters.minimumHistory`.
    public static func fit(
        history: MetricHistory, anchor: Date, parameters: PredictiveParameters, lead: TimeInterval
    ) -> SeasonalDemandModel? {
        let window = history.samples(from: anchor.addingTimeInterval(-parameters.history), through: anchor)
        guard let first = window.first, let last = window.last,
              last.time.timeIntervalSince(first.time) + history.samplePeriod >= parameters.minimumHistory
        else { return nil }
        let span = last.time.timeIntervalSince(first.time) + history.samplePeriod
        let profile = SeasonalProfileBuilder(parameters: parameters, span: span).build(from: window)
        let shapeOnly = SeasonalDemandModel(
            anchor: anchor, resolution: parameters.profileResolution, profile: profile,
            levelWindow: parameters.levelWindow, errors: ForecastErrorModel(bins: [])
        )
        let residuals = ForecastResiduals(
            model: shapeOnly, history: history, anchor: anchor,
            errorWindow: parameters.errorWindow, lead: lead
        )
        return SeasonalDemandModel(
            anchor: anchor, resolution: parameters.profileResolution, profile: profile,
            levelWindow: parameters.levelWindow, errors: residuals.errorModel(quantile: parameters.quantile)
        )
    }
}

/// Builds the seasonal profile: mean demand per slot, gaps skipped, empty slots interpolated,
/// then smoothed around the cycle.
struct SeasonalProfileBuilder {
    let parameters: PredictiveParameters
    let span: TimeInterval

    func build(from samples: ArraySlice<MetricSample>) -> [Double] {
        let slotsPerDay = max(1, Int((86_400 / parameters.profileResolution).rounded()))
        let slotsPerWeek = slotsPerDay * 7
        var daySums = [Double](repeating: 0, count: slotsPerDay), dayCounts = [Double](repeating: 0, count: slotsPerDay)
        var weekSums = [Double](repeating: 0, count: slotsPerWeek), weekCounts = [Double](repeating: 0, count: slotsPerWeek)
        for sample in samples {
            let slot = Int((sample.time.timeIntervalSince1970 / parameters.profileResolution).rounded(.down))
            let weekSlot = ((slot % slotsPerWeek) + slotsPerWeek) % slotsPerWeek
            daySums[weekSlot % slotsPerDay] += sample.value
            dayCounts[weekSlot % slotsPerDay] += 1
            weekSums[weekSlot] += sample.value
            weekCounts[weekSlot] += 1
        }
        let daily = Self.filled(means(daySums, dayCounts))
        // A weekly shape needs a full week; before that, every day looks alike.
        let useWeekly = parameters.seasonality.contains(.weekly) && span >= 7 * 86_400
        guard useWeekly else { return smoothed(daily) }

        let dayOfWeek = dayOfWeekFactors(weekSums: weekSums, weekCounts: weekCounts, slotsPerDay: slotsPerDay)
        let dailyByWeekday = (0..<slotsPerWeek).map { daily[$0 % slotsPerDay] * dayOfWeek[$0 / slotsPerDay] }
        let weekly = means(weekSums, weekCounts).enumerated().map { $0.element ?? dailyByWeekday[$0.offset] }
        guard parameters.seasonality.contains(.daily) else { return smoothed(weekly) }
        let weight = min(1, max(0, parameters.weeklyWeight))
        return smoothed((0..<slotsPerWeek).map { weight * weekly[$0] + (1 - weight) * dailyByWeekday[$0] })
    }

    private func means(_ sums: [Double], _ counts: [Double]) -> [Double?] {
        zip(sums, counts).map { $1 > 0 ? $0 / $1 : nil }
    }

    /// Each weekday's mean relative to the mean of all days.
    private func dayOfWeekFactors(weekSums: [Double], weekCounts: [Double], slotsPerDay: Int) -> [Double] {
        let overall = weekSums.reduce(0, +) / max(1, weekCounts.reduce(0, +))
        return (0..<7).map { day in
            let range = (day * slotsPerDay)..<((day + 1) * slotsPerDay)
            let count = weekCounts[range].reduce(0, +)
            guard count > 0, overall > 0 else { return 1 }
            return weekSums[range].reduce(0, +) / count / overall
        }
    }

    /// Fills empty slots by linear interpolation between the nearest known slots around the cycle.
    static func filled(_ values: [Double?]) -> [Double] {
        let known = values.indices.filter { values[$0] != nil }
        guard let firstKnown = known.first else { return values.map { _ in 0 } }
        var result = values.map { $0 ?? 0 }
        let count = values.count
        for (position, index) in known.enumerated() {
            let next = known[(position + 1) % known.count]
            let gap = next > index ? next - index : next + count - index
            guard gap > 1 else { continue }
            let from = values[index]!, to = values[next]!
            for step in 1..<gap {
                result[(index + step) % count] = from + (to - from) * Double(step) / Double(gap)
            }
        }
        if known.count == 1 { result = result.map { _ in values[firstKnown]! } }
        return result
    }

    /// Circular moving average; a floor keeps the level ratio defined in empty night slots.
    private func smoothed(_ values: [Double]) -> [Double] {
        let halfWidth = Int((parameters.profileSmoothing / parameters.profileResolution).rounded())
        let count = values.count
        let mean = values.reduce(0, +) / Double(max(1, count))
        let floor = max(1e-9, mean * 1e-3)
        guard halfWidth > 0, count > 2 * halfWidth else { return values.map { max($0, floor) } }
        let width = Double(2 * halfWidth + 1)
        var sum = (-halfWidth...halfWidth).reduce(0.0) { $0 + values[($1 + count) % count] }
        var result = [Double](repeating: 0, count: count)
        for index in 0..<count {
            result[index] = max(sum / width, floor)
            sum += values[(index + halfWidth + 1) % count] - values[(index - halfWidth + count) % count]
        }
        return result
    }
}

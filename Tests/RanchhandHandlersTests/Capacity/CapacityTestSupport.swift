import Foundation
@testable import RanchhandHandlers

/// 2024-01-01T00:00:00Z, a Monday: the tests' time origin.
let testOrigin = Date(timeIntervalSince1970: 1_704_067_200)

/// Minute samples starting at `start`; nil entries are gaps.
func minuteHistory(_ values: [Double?], start: Date = testOrigin) -> MetricHistory {
    MetricHistory(samples: values.enumerated().compactMap { index, value in
        value.map { MetricSample(time: start.addingTimeInterval(Double(index) * 60), value: $0) }
    })
}

/// The time at which the sample at `index` has just completed (one period later), plus `lag` minutes.
func minute(_ index: Int, start: Date = testOrigin) -> Date {
    start.addingTimeInterval(Double(index) * 60)
}

func rules(
    min: Int = 1, max: Int = 100, boost: Int = 2, warmUpMinutes: Double = 5, coolDownMinutes: Double = 15,
    aggregation: MetricAggregation = .total
) -> ScalingRules {
    ScalingRules(
        minCapacity: min, maxCapacity: max, boostFactor: boost, warmUp: warmUpMinutes * 60,
        coolDown: coolDownMinutes * 60, metricMaxAge: 600, aggregation: aggregation
    )
}

/// Demand with a daily cycle between `low` and `high` (peak at 18:00 UTC), one value per minute.
func dailyCycle(days: Int, low: Double, high: Double) -> [Double?] {
    (0..<(days * 1440)).map { minute in
        let phase = Double(minute % 1440) / 1440 * 2 * Double.pi
        return low + (high - low) * (0.5 - 0.5 * cos(phase - 2 * Double.pi * 0.75 + Double.pi))
    }
}

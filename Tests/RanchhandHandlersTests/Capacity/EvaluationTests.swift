import Foundation
import Testing
@testable import RanchhandHandlers

@Suite("Iso-SLA evaluation")
struct EvaluationTests {
    func point(_ violation: Double, _ hours: Double) -> IsoSLAFrontier.Point {
        IsoSLAFrontier.Point(violationPct: violation, instanceHours: hours, scalingActions: hours / 10, targetUtilization: 0)
    }

    @Test func readsCostByInterpolatingTheFrontier() throws {
        // 2 % at 100 h, 0.5 % at 130 h, 0.05 % at 200 h; the dominated point (1 %, 150 h) is dropped.
        let frontier = IsoSLAFrontier(points: [point(0.05, 200), point(2, 100), point(1, 150), point(0.5, 130)])
        #expect(frontier.points.map(\.instanceHours) == [100, 130, 200])
        let atOne = try #require(frontier.reading(atMost: 1))
        #expect(abs(atOne.instanceHours - 120) < 1e-9)  // a third of the way from 2 % to 0.5 %
        #expect(!atOne.isUpperBound)
        let atTenth = try #require(frontier.reading(atMost: 0.1))
        #expect(abs(atTenth.instanceHours - (130 + 70 * 0.4 / 0.45)) < 1e-9)
        #expect(frontier.reading(atMost: 0.01) == nil)
        #expect(frontier.reading(atMost: 5)?.isUpperBound == true)
    }

    @Test func bootstrapIsReproducibleAndPaired() {
        let days = Array(0..<20)
        let bootstrap = DayBootstrap(days: days, resamples: 200)
        var first = CapacitySeededGenerator(seed: 42)
        var second = CapacitySeededGenerator(seed: 42)
        let mean: ([Int]) -> Double? = { Double($0.reduce(0, +)) / Double($0.count) }
        let a = bootstrap.replicate(using: &first, statistic: mean)
        let b = bootstrap.replicate(using: &second, statistic: mean)
        #expect(a == b)
        let interval = DayBootstrap.interval(a)!
        #expect(interval.low < 9.5 && interval.high > 9.5)
        #expect(interval.undefinedShare == 0)
    }

    @Test func quantileSelectsNearestRank() {
        var generator = CapacitySeededGenerator(seed: 1)
        let values = (1...100).map(Double.init).shuffled(using: &generator)
        #expect(quantile(of: values, 0.99) == 99)
        #expect(quantile(of: values, 0.5) == 50)
        #expect(quantile(of: values, 1) == 100)
        #expect(quantile(of: [3], 0.9) == 3)
    }

    @Test func timestampsParseWithoutAFormatter() {
        #expect(UTCTimestamp.seconds("1995-07-01T04:00:00Z") == 804_571_200)
        #expect(UTCTimestamp.seconds("2014-11-02T05:30:00Z") == 1_414_906_200)
        #expect(UTCTimestamp.seconds("2024-02-29T23:59:59.5Z") == 1_709_251_199.5)
        #expect(UTCTimestamp.seconds("2024-01-01T00:00:00+01:00") == nil)
        #expect(UTCTimestamp.seconds("yesterday") == nil)
    }

    @Test func seasonalProfileFillsEmptySlotsBetweenNeighbours() {
        #expect(SeasonalProfileBuilder.filled([1, nil, nil, 4]) == [1, 2, 3, 4])
        #expect(SeasonalProfileBuilder.filled([nil, 2, nil, 4]) == [3, 2, 3, 4])
    }

    @Test func errorModelInterpolatesBetweenBinsAndExtrapolatesByNoiseKind() {
        let model = ForecastErrorModel(bins: [
            ForecastErrorModel.Bin(forecast: 100, quantileError: 30, meanAbsoluteError: 10),
            ForecastErrorModel.Bin(forecast: 200, quantileError: 40, meanAbsoluteError: 14),
        ])
        #expect(model.quantileError(at: 150) == 35)
        #expect(model.quantileError(at: 25) == 15)    // √(25/100) × 30: counting noise below the bins
        #expect(model.quantileError(at: 400) == 80)   // 400/200 × 40: relative error above them
        #expect(model.meanAbsoluteError(at: 200) == 14)
        #expect(ForecastErrorModel(bins: []).quantileError(at: 50) == 0)
    }
}

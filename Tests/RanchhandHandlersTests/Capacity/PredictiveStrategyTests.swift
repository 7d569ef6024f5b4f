import Foundation
import Testing
@testable import RanchhandHandlers

@Suite("Predictive strategy")
struct PredictiveStrategyTests {
    /// 15 days of a daily cycle 100…1000 per minute with ±5 % deterministic noise.
    static let demand: [Double?] = {
        var generator = CapacitySeededGenerator(seed: 7)
        return dailyCycle(days: 15, low: 100, high: 1000).map { $0! * (1 + 0.05 * Double.random(in: -1...1, using: &generator)) }
    }()

    let strategy = PredictiveStrategy(rules: rules(min: 1, max: 500, boost: 2), parameters: PredictiveParameters(unitCapacity: 10))

    /// History as a run at `minute` sees it (lag one minute).
    func history(at minuteIndex: Int) -> MetricHistory { minuteHistory(Array(Self.demand.prefix(minuteIndex))) }

    @Test func forecastScalesOutBeforeTheMorningRise() {
        // Day 15, 09:00 UTC: demand climbs towards the 18:00 peak.
        let now = 14 * 1440 + 9 * 60
        let current = Int((Self.demand[now - 1]! / 10).rounded(.up))
        let decision = strategy.decide(history: history(at: now), capacity: CapacityState(desired: current, ready: current), now: minute(now))
        #expect(decision.change == .scaleOut)
        #expect(decision.reason == .forecast)
        let forecastCapacity = try! #require(decision.evidence.forecastCapacity)
        #expect(forecastCapacity > decision.evidence.reactiveCapacity!)
        // Sized for the demand at the end of the warm-up window (5 minutes out), not for now.
        let ahead = Self.demand[(now + 5)]!
        #expect(Double(forecastCapacity) * 10 >= ahead)
        #expect(decision.warnings.isEmpty)
    }

    @Test func shortHistoryRunsReactivePathOnlyAndWarns() {
        let twelveHours = minuteHistory(Array(Self.demand.prefix(720)))
        let decision = strategy.decide(history: twelveHours, capacity: CapacityState(desired: 50, ready: 50), now: minute(720))
        #expect(decision.evidence.forecastCapacity == nil)
        #expect(decision.desired == decision.evidence.reactiveCapacity)
        #expect(decision.warnings.contains { if case .shortHistory = $0 { true } else { false } })
    }

    @Test func forecastDoesNotScaleInFasterThanTheCoolDown() {
        // Day 15, 21:00 UTC: demand falls. The decision may not go below what the forecast asked
        // for fifteen minutes earlier.
        let now = 14 * 1440 + 21 * 60
        let earlier = strategy.decide(history: history(at: now - 15), capacity: CapacityState(desired: 200, ready: 200), now: minute(now - 15))
        let decision = strategy.decide(history: history(at: now), capacity: CapacityState(desired: 200, ready: 200), now: minute(now))
        #expect(decision.change == .scaleIn)
        #expect(decision.desired >= earlier.evidence.forecastCapacity!)
        #expect(decision.desired > decision.evidence.forecastCapacity!)
    }

    @Test func smallScaleInsWait() {
        // Within the scale-in tolerance (10 %) of current capacity: hold rather than churn.
        let now = 14 * 1440 + 12 * 60
        let probe = strategy.decide(history: history(at: now), capacity: CapacityState(desired: 1, ready: 1), now: minute(now))
        let recommended = probe.evidence.stabilizedCapacity!
        let slightlyAbove = recommended + max(1, recommended / 20)
        let decision = strategy.decide(history: history(at: now), capacity: CapacityState(desired: slightlyAbove, ready: slightlyAbove), now: minute(now))
        #expect(decision.change == .hold)
    }

    @Test func staleMetricHoldsAndWarns() {
        let decision = strategy.decide(history: history(at: 14 * 1440), capacity: CapacityState(desired: 30, ready: 30), now: minute(14 * 1440 + 30))
        #expect(decision.change == .hold)
        #expect(decision.reason == .metricStale)
        #expect(decision.warnings.count == 1)
    }

    @Test func highRecentErrorDiscountsTheForecast() {
        // The last two hours swing between 0 and twice the usual demand: the forecast is not to be trusted.
        let now = 14 * 1440 + 9 * 60
        var values = Array(Self.demand.prefix(now))
        for index in (now - 120)..<now { values[index] = index % 2 == 0 ? 0 : 2 * values[index]! }
        let decision = strategy.decide(history: minuteHistory(values), capacity: CapacityState(desired: 40, ready: 40), now: minute(now))
        let weight = try! #require(decision.evidence.forecastWeight)
        #expect(weight < 1)
        #expect(decision.warnings.contains(.forecastDiscounted(weight: weight)))
    }

    @Test func modelIsTheSameWhicheverRunOfTheIntervalFitsIt() {
        // A stateless run 37 minutes after the refresh boundary and a simulator that fitted the
        // model at the boundary take the same decision.
        let anchorMinute = 14 * 1440 + 6 * 60
        let now = anchorMinute + 37
        let anchor = strategy.modelAnchor(for: minute(now))
        #expect(anchor == minute(anchorMinute))
        let atAnchor = strategy.fitModel(history: strategy.modelHistory(history(at: anchorMinute), anchor: anchor), anchor: anchor)
        let state = CapacityState(desired: 20, ready: 20)
        let cached = strategy.decide(history: history(at: now), capacity: state, now: minute(now), model: atAnchor)
        let stateless = strategy.decide(history: history(at: now), capacity: state, now: minute(now))
        #expect(cached == stateless)
    }
}

@Suite("AWS-like strategy")
struct AWSLikeStrategyTests {
    @Test func forecastFloorNeverScalesInByItself() {
        let demand = dailyCycle(days: 8, low: 100, high: 1000)
        let strategy = AWSLikeStrategy(rules: rules(max: 500), parameters: AWSLikeParameters(unitCapacity: 10, targetUtilization: 1))
        // 03:00 UTC on day 8: demand is near the trough, far below 200 instances.
        let now = 7 * 1440 + 3 * 60
        let state = CapacityState(desired: 200, ready: 200)
        let decision = strategy.decide(history: minuteHistory(Array(demand.prefix(now))), capacity: state, now: minute(now))
        // Only the reactive partner scales in; the floor is the hourly forecast.
        #expect(decision.change == .scaleIn)
        #expect(decision.desired >= decision.evidence.forecastCapacity!)
        // Below the forecast, the forecast raises capacity before the hour.
        let low = CapacityState(desired: 1, ready: 1)
        let raised = strategy.decide(history: minuteHistory(Array(demand.prefix(now))), capacity: low, now: minute(now))
        #expect(raised.desired >= raised.evidence.forecastCapacity!)
    }
}

import Foundation
import Testing
@testable import RanchhandHandlers

@Suite("Threshold strategy")
struct ThresholdStrategyTests {
    // Per-instance thresholds 30…70 on a total metric; 4 instances serving.
    let strategy = ThresholdStrategy(rules: rules(min: 2, max: 10, boost: 2), parameters: ThresholdParameters(lower: 30, upper: 70))

    @Test func aboveUpperAddsBoostFactor() {
        let decision = strategy.decide(history: minuteHistory([300, 320]), capacity: CapacityState(desired: 4, ready: 4), now: minute(2))
        #expect(decision.change == .scaleOut)
        #expect(decision.desired == 6)
        #expect(decision.reason == .aboveUpperThreshold)
        #expect(decision.evidence.metricPerInstance == 80)
    }

    @Test func noSecondScaleOutWithinWarmUp() {
        let state = CapacityState(desired: 6, ready: 4, lastScaleOut: minute(0))
        let decision = strategy.decide(history: minuteHistory([320, 320, 320]), capacity: state, now: minute(3))
        #expect(decision.change == .hold)
        #expect(decision.reason == .warmingUp(until: minute(5)))
        let later = strategy.decide(history: minuteHistory([320, 320, 320, 320, 320]), capacity: state, now: minute(5))
        #expect(later.desired == 8)
    }

    @Test func belowLowerRemovesBoostFactorAfterCoolDown() {
        let history = minuteHistory(Array(repeating: 40, count: 30))
        let cooling = CapacityState(desired: 6, ready: 6, lastScaleOut: minute(20))
        #expect(strategy.decide(history: history, capacity: cooling, now: minute(30)).reason == .coolingDown(until: minute(35)))
        let cooled = CapacityState(desired: 6, ready: 6, lastScaleOut: minute(10))
        let decision = strategy.decide(history: history, capacity: cooled, now: minute(30))
        #expect(decision.desired == 4)
        #expect(decision.reason == .belowLowerThreshold)
    }

    @Test func withinThresholdsHolds() {
        let decision = strategy.decide(history: minuteHistory([200]), capacity: CapacityState(desired: 4, ready: 4), now: minute(1))
        #expect(decision.change == .hold)
        #expect(decision.reason == .withinThresholds)
    }

    @Test func boundsAreRespected() {
        let atMax = strategy.decide(history: minuteHistory([2000]), capacity: CapacityState(desired: 10, ready: 10), now: minute(1))
        #expect(atMax.desired == 10)
        #expect(atMax.reason == .atMaximum)
        let nearMax = strategy.decide(history: minuteHistory([2000]), capacity: CapacityState(desired: 9, ready: 9), now: minute(1))
        #expect(nearMax.desired == 10)
        let atMin = strategy.decide(history: minuteHistory([0]), capacity: CapacityState(desired: 2, ready: 2), now: minute(1))
        #expect(atMin.desired == 2)
        #expect(atMin.reason == .atMinimum)
        let belowMin = strategy.decide(history: minuteHistory([50]), capacity: CapacityState(desired: 1, ready: 1), now: minute(1))
        #expect(belowMin.desired == 2)
        #expect(belowMin.reason == .raisedToMinimum)
    }

    @Test func staleMetricHoldsAndWarns() {
        let decision = strategy.decide(history: minuteHistory([900]), capacity: CapacityState(desired: 4, ready: 4), now: minute(30))
        #expect(decision.change == .hold)
        #expect(decision.reason == .metricStale)
        #expect(decision.warnings == [.staleMetric(latest: minute(0), age: 29 * 60)])
    }

    @Test func missingMetricHoldsAndWarns() {
        let decision = strategy.decide(history: minuteHistory([]), capacity: CapacityState(desired: 4, ready: 4), now: minute(1))
        #expect(decision.change == .hold)
        #expect(decision.reason == .noMetricData)
        #expect(decision.warnings == [.noMetricData])
    }

    @Test func perInstanceMetricIsComparedAsIs() {
        let perInstance = ThresholdStrategy(rules: rules(min: 1, max: 10, boost: 1, aggregation: .perInstance), parameters: ThresholdParameters(lower: 30, upper: 70))
        let decision = perInstance.decide(history: minuteHistory([75]), capacity: CapacityState(desired: 3, ready: 3), now: minute(1))
        #expect(decision.desired == 4)
    }
}

import Foundation
import Testing
@testable import RanchhandHandlers

@Suite("Target-tracking strategy")
struct TargetTrackingStrategyTests {
    // One instance should carry 10 units of a total metric.
    let strategy = TargetTrackingStrategy(rules: rules(min: 1, max: 50, boost: 4), parameters: TargetTrackingParameters(target: 10, tolerance: 0.1))

    @Test func desiredIsCeilOfLoadOverTarget() {
        let decision = strategy.decide(history: minuteHistory([52]), capacity: CapacityState(desired: 4, ready: 4), now: minute(1))
        #expect(decision.desired == 6)
        #expect(decision.reason == .trackingTarget)
        #expect(decision.evidence.reactiveCapacity == 6)
    }

    @Test func withinToleranceHolds() {
        // 42 / (10 × 4) = 1.05: inside ±10 %.
        let decision = strategy.decide(history: minuteHistory([42]), capacity: CapacityState(desired: 4, ready: 4), now: minute(1))
        #expect(decision.change == .hold)
        #expect(decision.reason == .withinTolerance)
    }

    @Test func scaleOutStepIsAtMostBoostOrDouble() {
        let small = strategy.decide(history: minuteHistory([400]), capacity: CapacityState(desired: 2, ready: 2), now: minute(1))
        #expect(small.desired == 6)  // +boostFactor 4 beats +100 %
        let large = strategy.decide(history: minuteHistory([400]), capacity: CapacityState(desired: 10, ready: 10), now: minute(1))
        #expect(large.desired == 20)  // +100 %
        #expect(large.evidence.recommendedCapacity == 40)
    }

    @Test func scaleInGoesToHighestRecommendationOfCoolDownWindow() {
        // 12 minutes ago the load asked for 9; now it asks for 3: scale in to 9, not 3.
        var values: [Double?] = Array(repeating: 30, count: 20)
        values[7] = 90
        let decision = strategy.decide(history: minuteHistory(values), capacity: CapacityState(desired: 12, ready: 12), now: minute(20))
        #expect(decision.desired == 9)
        #expect(decision.evidence.stabilizedCapacity == 9)
        // Once the peak has left the 15-minute window, down to 3.
        let later = strategy.decide(history: minuteHistory(values + Array(repeating: 30, count: 5)), capacity: CapacityState(desired: 9, ready: 9), now: minute(25))
        #expect(later.desired == 3)
    }

    @Test func pendingInstancesAreNotLaunchedAgain() {
        // A scale-out to 6 is still booting (2 of 6 serve): the same load asks for nothing more.
        let state = CapacityState(desired: 6, ready: 2, lastScaleOut: minute(0))
        let decision = strategy.decide(history: minuteHistory([55, 55, 55]), capacity: state, now: minute(3))
        #expect(decision.change == .hold)
    }

    @Test func perInstanceMetricUsesServingCount() {
        let cpu = TargetTrackingStrategy(rules: rules(aggregation: .perInstance), parameters: TargetTrackingParameters(target: 50))
        // 4 serving at 75 % CPU, target 50 %: ceil(4 × 75 / 50) = 6.
        let decision = cpu.decide(history: minuteHistory([75]), capacity: CapacityState(desired: 4, ready: 4), now: minute(1))
        #expect(decision.desired == 6)
    }

    @Test func boundsClampTheRecommendation() {
        let decision = strategy.decide(history: minuteHistory([5000]), capacity: CapacityState(desired: 40, ready: 40), now: minute(1))
        #expect(decision.desired == 50)
        #expect(decision.warnings == [.cappedAtMaximum(recommended: 500)])
        let idle = strategy.decide(history: minuteHistory([0]), capacity: CapacityState(desired: 1, ready: 1), now: minute(1))
        #expect(idle.change == .hold)
        #expect(idle.reason == .atMinimum)
    }

    @Test func staleOrMissingMetricHolds() {
        let stale = strategy.decide(history: minuteHistory([500]), capacity: CapacityState(desired: 4, ready: 4), now: minute(20))
        #expect(stale.change == .hold)
        #expect(stale.reason == .metricStale)
        #expect(!stale.warnings.isEmpty)
        // A gap at the end: the newest sample is 12 minutes old.
        let gap = strategy.decide(history: minuteHistory([500, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil]), capacity: CapacityState(desired: 4, ready: 4), now: minute(12))
        #expect(gap.reason == .metricStale)
        let none = strategy.decide(history: minuteHistory([]), capacity: CapacityState(desired: 4, ready: 4), now: minute(1))
        #expect(none.reason == .noMetricData)
        #expect(none.warnings == [.noMetricData])
    }
}

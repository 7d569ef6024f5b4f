import Foundation
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

@Suite("Capacity simulator")
struct CapacitySimulatorTests {
    func setup(unit: Double, boot: Int, lag: Int = 1, initial: Int) -> SimulationSetup {
        var setup = SimulationSetup(unitCapacity: unit)
        setup.bootDelayMinutes = boot
        setup.metricLagMinutes = lag
        setup.minCapacity = 1
        setup.maxCapacity = 10
        setup.warmupDays = 0
        setup.initialCapacity = initial
        return setup
    }

    /// c = 10/min, boot 2 min, one instance at start; a static policy asks for 2 at minute 0.
    ///
    /// | minute | demand | instances (billed) | ready | unmet |
    /// |---|---|---|---|---|
    /// | 0 | 5  | 2 | 1 | 0 |
    /// | 1 | 15 | 2 | 1 | 5 |
    /// | 2 | 25 | 2 | 2 | 5 |
    /// | 3 | –  | (gap: not scored, not billed) | | |
    /// | 4 | 30 | 2 | 2 | 10 |
    /// | 5 | 8  | 2 | 2 | 0 |
    @Test func accountingOnAHandComputedTrace() throws {
        let csv = """
        timestamp,value
        2024-01-01T00:00:00Z,5
        2024-01-01T00:01:00Z,15
        2024-01-01T00:02:00Z,25
        2024-01-01T00:04:00Z,30
        2024-01-01T00:05:00Z,8
        """
        let trace = try DemandTrace.parseCSV(csv, source: "tiny.csv")
        #expect(trace.demand == [5, 15, 25, nil, 30, 8])
        let simulator = CapacitySimulator(trace: trace, setup: setup(unit: 10, boot: 2, initial: 1))
        var options = SimulationPolicyOptions()
        options.staticCapacity = 2
        let summary = simulator.run(.staticCapacity, options: options).summary()
        #expect(summary.scoredMinutes == 5)
        #expect(summary.violationMinutesPct == 60)
        #expect(abs(summary.unservedPct - 100 * 20.0 / 83) < 1e-9)
        #expect(abs(summary.instanceHours - 10.0 / 60) < 1e-9)
        // ceil(0.5) + ceil(1.5) + ceil(2.5) + ceil(3) + ceil(0.8) = 10 instance-minutes.
        #expect(abs(summary.oracleInstanceHours - 10.0 / 60) < 1e-9)
        #expect(summary.scalingActions == 1)
    }

    /// Target tracking (c = 10, τ = 1) with one minute of lag and a one-minute boot: the jump to
    /// 40 at minute 2 is seen at minute 3, and the new instances serve from minute 4.
    @Test func lagAndBootDelayAreHonoured() {
        let trace = DemandTrace(start: testOrigin, demand: [10, 10, 40, 40, 40, 40])
        let simulator = CapacitySimulator(trace: trace, setup: setup(unit: 10, boot: 1, initial: 1))
        var options = SimulationPolicyOptions()
        options.targetUtilization = 1
        options.boostFactor = 4
        let run = simulator.run(.reactive, options: options, recordTimeline: true)
        #expect(run.timeline?.desiredCapacity == [1, 1, 1, 4, 4, 4])
        #expect(run.timeline?.readyCapacity == [1, 1, 1, 1, 4, 4])
        let summary = run.summary()
        #expect(summary.violationMinutesPct == 100 * 2.0 / 6)
        #expect(abs(summary.instanceHours - 15.0 / 60) < 1e-9)  // booting instances are billed
        #expect(summary.scalingActions == 1)
    }

    @Test func scaleInRemovesBootingInstancesFirst() {
        // Demand falls while instances boot: the policy scales in and the serving one stays.
        let trace = DemandTrace(start: testOrigin, demand: [30, 30, 30, 5, 5, 5])
        let simulator = CapacitySimulator(trace: trace, setup: setup(unit: 10, boot: 10, initial: 1))
        var options = SimulationPolicyOptions()
        options.targetUtilization = 1
        options.coolDownMinutes = 0
        let run = simulator.run(.reactive, options: options, recordTimeline: true)
        #expect(run.timeline?.desiredCapacity == [1, 3, 3, 3, 1, 1])
        #expect(run.timeline?.readyCapacity.allSatisfy { $0 == 1 } == true)
    }

    @Test func coarseBucketsAreSpreadAndGapsStayUnknown() throws {
        let csv = """
        timestamp,value
        2014-04-10T00:04:00Z,50
        2014-04-10T00:09:00Z,10
        2014-04-10T00:19:00Z,25
        """
        let trace = try DemandTrace.parseCSV(csv, source: "elb.csv")
        #expect(trace.bucketMinutes == 5)
        #expect(trace.demand.count == 20)
        #expect(Array(trace.demand[0..<5]) == [10, 10, 10, 10, 10])
        #expect(Array(trace.demand[5..<10]) == [2, 2, 2, 2, 2])
        #expect(trace.demand[10..<15].allSatisfy { $0 == nil })
        #expect(Array(trace.demand[15..<20]) == [5, 5, 5, 5, 5])
    }

    @Test func badTraceRowsAreLocated() {
        #expect(throws: CapacityError.invalidTrace(source: "t.csv", line: 3, message: "unreadable timestamp '2024-13-01T00:00:00Z'")) {
            try DemandTrace.parseCSV("timestamp,value\n2024-01-01T00:00:00Z,1\n2024-13-01T00:00:00Z,2\n", source: "t.csv")
        }
        #expect(throws: CapacityError.invalidTrace(source: "t.csv", line: 2, message: "value '-1' is not a non-negative number")) {
            try DemandTrace.parseCSV("timestamp,value\n2024-01-01T00:00:00Z,-1\n", source: "t.csv")
        }
    }

    @Test func gapsHoldCapacityInsteadOfScalingToZero() {
        // Twenty unknown minutes in the middle: the reactive policy keeps its capacity.
        let demand: [Double?] = Array(repeating: 50, count: 20) + Array(repeating: nil, count: 20) + Array(repeating: 50, count: 5)
        let simulator = CapacitySimulator(trace: DemandTrace(start: testOrigin, demand: demand), setup: setup(unit: 10, boot: 1, initial: 5))
        var options = SimulationPolicyOptions()
        options.targetUtilization = 1
        let run = simulator.run(.reactive, options: options, recordTimeline: true)
        #expect(run.timeline?.desiredCapacity.allSatisfy { $0 == 5 } == true)
        #expect(run.summary().scoredMinutes == 25)
    }

    @Test func oracleAtFullUtilisationCostsExactlyTheBound() {
        let demand: [Double?] = [3, 12, 27, nil, 40, 9]
        let simulator = CapacitySimulator(trace: DemandTrace(start: testOrigin, demand: demand), setup: setup(unit: 10, boot: 5, initial: 1))
        let summary = simulator.run(.oracle).summary()
        #expect(summary.violationMinutesPct == 0)
        #expect(summary.instanceHours == summary.oracleInstanceHours)
    }

    @Test func summaryEncodesTheDocumentedKeys() throws {
        var day = SimulationDay()
        day.scoredMinutes = 10
        let data = try JSONEncoder().encode(SimulationSummary(policy: "reactive", totals: day))
        let keys = try JSONValue.parse(Array(data)).objectValue?.keys.sorted() ?? []
        #expect(keys == ["instanceHours", "oracleInstanceHours", "policy", "scalingActions", "scoredMinutes", "unservedPct", "violationMinutesPct"])
    }
}

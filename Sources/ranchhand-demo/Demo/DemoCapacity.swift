import Foundation
import RanchhandHandlers

/// Step 3 of the demo: the capacity simulator on the bundled NASA trace.
struct DemoCapacity {
    let chartPath: String

    static var tracePath: String {
        let relative = "Benchmarks/capacity/traces/nasa_http_1995_1min.csv"
        if FileManager.default.fileExists(atPath: relative) { return relative }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(relative).path
    }

    func run() throws {
        let trace = try DemandTrace.parseCSV(try String(contentsOfFile: Self.tracePath, encoding: .utf8), source: Self.tracePath)
        let setup = SimulationSetup(unitCapacity: 5)
        let simulator = CapacitySimulator(trace: trace, setup: setup)
        print("   \(trace.minutes) minutes of HTTP requests; one instance serves 5 requests/min, boots in \(setup.bootDelayMinutes) min")
        print("   policy       violation-min  instance-hours  ×oracle  scaling-actions")
        var predictiveTimeline: SimulationRun?
        for policy in [SimulationPolicy.reactive, .predictive] {
            let result = simulator.run(policy, options: SimulationPolicyOptions(), recordTimeline: policy == .predictive)
            let summary = result.summary()
            let name = summary.policy.padding(toLength: 12, withPad: " ", startingAt: 0)
            print("   " + name + String(format: " %10.2f %%  %14.0f  %7.2f  %15d", summary.violationMinutesPct,
                         summary.instanceHours, summary.instanceHours / max(summary.oracleInstanceHours, 1), summary.scalingActions))
            if policy == .predictive { predictiveTimeline = result }
        }
        if let timeline = predictiveTimeline?.timeline {
            let chart = SimulationChart(timeline: timeline, unitCapacity: 5, title: "predictive on the NASA HTTP trace (last 7 days)")
            try chart.svg(minutes: max(setup.scoreStartMinute, trace.minutes - 7 * 1440)..<trace.minutes)
                .write(toFile: chartPath, atomically: true, encoding: .utf8)
            print("   chart of demand, ready capacity and forecast: \(chartPath)")
        }
    }
}

import ArgumentParser
import Foundation
import RanchhandHandlers

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Replay a timestamp,value trace minute by minute through a policy and score it.",
        discussion: """
        Buckets coarser than a minute are spread evenly over their minutes; absent rows are gaps \
        (not zeros) and are neither scored nor billed. Without tuning flags the predictive policy \
        uses its frozen defaults.
        """
    )

    @Option(help: "CSV trace with a timestamp,value header and UTC ISO-8601 timestamps.")
    var trace: String

    @Option(help: "One of: \(SimulationPolicy.allCases.map(\.rawValue).joined(separator: ", ")).")
    var policy: SimulationPolicy

    @Option(help: "Load one instance serves per minute, in trace units.")
    var unitCapacity: Double

    @Option(help: "Minutes before a launched instance serves (it is billed meanwhile).")
    var bootDelay: Int = 5

    @Option(help: "Minutes between a sample's minute and the first decision that sees it.")
    var metricLag: Int = 1

    @Option(help: "Utilisation the policy sizes for (the level an iso-SLA sweep varies).")
    var targetUtilization: Double?

    @Option(help: "Days of history before scoring starts.")
    var warmupDays: Double = 14

    @Option(help: "Smallest capacity.")
    var minCapacity: Int = 1

    @Option(help: "Largest capacity.")
    var maxCapacity: Int = 200

    @Option(help: "Scale-in stabilisation / cool-down window in minutes.")
    var coolDown: Int = 15

    @Option(help: "Instances per step (threshold) and smallest scale-out step (others).")
    var boostFactor: Int = 2

    @Option(help: "Static policy: fixed capacity (default: p99 of the warm-up history at the target utilisation).")
    var staticCapacity: Int?

    @OptionGroup(title: "Predictive tuning (defaults are the frozen benchmark configuration)")
    var tuning: PredictiveTuningOptions

    @Option(help: "Write an SVG chart of demand, ready capacity and forecast to this file.")
    var svg: String?

    @Option(help: "Days the chart shows, ending at the trace's end (0 = the whole scored window).")
    var svgDays: Double = 7

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    mutating func validate() throws {
        guard unitCapacity > 0 else { throw ValidationError("--unit-capacity must be positive") }
        guard bootDelay >= 0, metricLag >= 0 else { throw ValidationError("--boot-delay and --metric-lag cannot be negative") }
        guard minCapacity >= 0, maxCapacity >= minCapacity else { throw ValidationError("need 0 ≤ --min-capacity ≤ --max-capacity") }
        if let targetUtilization, !(targetUtilization > 0) { throw ValidationError("--target-utilization must be positive") }
    }

    func run() async throws {
        let text: String
        do { text = try String(contentsOfFile: trace, encoding: .utf8) } catch {
            throw ValidationError("cannot read trace \(trace): \(error.localizedDescription)")
        }
        let demand = try DemandTrace.parseCSV(text, source: trace)
        var setup = SimulationSetup(unitCapacity: unitCapacity)
        setup.bootDelayMinutes = bootDelay
        setup.metricLagMinutes = metricLag
        setup.minCapacity = minCapacity
        setup.maxCapacity = maxCapacity
        setup.warmupDays = warmupDays
        let simulator = CapacitySimulator(trace: demand, setup: setup)
        guard simulator.scoredDays > 0 else {
            throw CapacityError.invalidSimulation("the trace is shorter than --warmup-days \(warmupDays); set a shorter warm-up")
        }
        var options = SimulationPolicyOptions()
        options.targetUtilization = targetUtilization
        options.coolDownMinutes = coolDown
        options.boostFactor = boostFactor
        options.staticCapacity = staticCapacity
        options.predictive = try tuning.parameters(unitCapacity: unitCapacity)
        let result = simulator.run(policy, options: options, recordTimeline: svg != nil)
        let summary = result.summary()
        if let svg, let timeline = result.timeline {
            let chart = SimulationChart(timeline: timeline, unitCapacity: unitCapacity, title: chartTitle(summary))
            let from = svgDays > 0 ? max(setup.scoreStartMinute, demand.minutes - Int(svgDays * 1440)) : setup.scoreStartMinute
            try chart.svg(minutes: from..<demand.minutes).write(toFile: svg, atomically: true, encoding: .utf8)
        }
        print(json ? try summary.jsonLine() : summary.table)
    }

    private func chartTitle(_ summary: SimulationSummary) -> String {
        let utilization = targetUtilization.map { String(format: ", τ %.2f", $0) } ?? ""
        return "\(summary.policy)\(utilization) on \(URL(fileURLWithPath: trace).lastPathComponent): c = \(unitCapacity)/min, boot \(bootDelay) min, lag \(metricLag) min"
    }
}

extension SimulationPolicy: ExpressibleByArgument {}

extension SimulationSummary {
    func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    var table: String {
        """
        policy                 \(policy)
        violation minutes      \(String(format: "%.3f", violationMinutesPct)) %
        unserved demand        \(String(format: "%.3f", unservedPct)) %
        instance-hours         \(String(format: "%.1f", instanceHours))
        oracle instance-hours  \(String(format: "%.1f", oracleInstanceHours)) (\(String(format: "%.2f", instanceHours / max(oracleInstanceHours, 1e-9)))× policy/oracle)
        scaling actions        \(scalingActions)
        scored minutes         \(scoredMinutes)
        """
    }
}

import ArgumentParser
import Foundation
import RanchhandHandlers

/// Walk-forward evaluation of the capacity policies (predictive-scaling.md §C4): `tune` looks only
/// at the first half of each trace's scored window; `report` runs the frozen defaults and reports
/// only the second half, at iso-SLA, with a day-bootstrap interval.
@main
struct CapacityBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity-benchmark",
        abstract: "Iso-SLA benchmark of the capacity policies on the shared traces.",
        subcommands: [TuneCommand.self, ReportCommand.self, FrontierCommand.self]
    )
}

/// Progress goes to standard error, unbuffered, so it shows as it happens also in a log file.
func progress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

let reactiveGrid = utilizationGrid.filter { $0 <= 1.0 }
let predictiveGrid = utilizationGrid.filter { $0 >= 0.3 }
let violationLevels: [Double] = [0.1, 1.0]

struct PolicyFrontiers {
    var reactive: [SweepPoint]
    var awsLike: [SweepPoint]
    var predictive: [SweepPoint]
    var oracle: [SimulationDay]
}

/// Default options of the baselines, as in predictive-scaling.md §C3 (15-min scale-in window).
func baselineOptions() -> SimulationPolicyOptions {
    var options = SimulationPolicyOptions()
    options.coolDownMinutes = 15
    options.tolerance = 0.1
    return options
}

func predictiveOptions(_ parameters: PredictiveParameters?) -> SimulationPolicyOptions {
    var options = baselineOptions()
    options.predictive = parameters
    return options
}

func fmt(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }

func writeResult(_ text: String, to name: String) throws {
    let url = BenchmarkTrace.repositoryRoot.appendingPathComponent("Benchmarks/capacity/results/\(name)")
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
    print("wrote \(url.path)")
}

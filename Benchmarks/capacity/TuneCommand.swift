import ArgumentParser
import Foundation
import RanchhandHandlers

/// Coordinate descent over the predictive knobs, scored on the first half of each scored window
/// only: mean log ratio of the predictive strategy's iso-SLA instance-hours to the reactive
/// baseline's, at 0.1 % and 1 % violation minutes, over NASA, NYC (d = 5) and ELB.
struct TuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tune", abstract: "Tune on first halves; print the best configuration.")

    @Option(help: "Rounds of coordinate descent.")
    var rounds = 1


    func run() async throws {
        var cases: [(BenchmarkTrace, CapacitySimulator, [Double: Double])] = []
        for trace in BenchmarkTrace.all where trace.bootDelayMinutes == 5 {
            guard let full = try trace.simulator() else { progress("skip \(trace.name): trace not found"); continue }
            let simulator = full.truncatedAfterFirstHalf()
            let days = Array(0..<simulator.scoredDays)  // the truncated replay scores the first half only
            let reactive = IsoSLAFrontier(sweep: await sweep(simulator, .reactive, options: baselineOptions(), grid: reactiveGrid), days: days)
            var baseline: [Double: Double] = [:]
            for level in violationLevels { baseline[level] = reactive.reading(atMost: level)?.instanceHours }
            progress("\(trace.name): first half \(days.count) days; reactive IH at 0.1 % \(baseline[0.1].map { fmt($0) } ?? "n/a"), at 1 % \(baseline[1.0].map { fmt($0) } ?? "n/a")")
            cases.append((trace, simulator, baseline))
        }
        var best = PredictiveParameters(unitCapacity: 1)
        var bestScore = await score(best, cases: cases)
        var log = ["| round | knob | value | score (mean ln IH ratio vs reactive) |", "|---|---|---|---|",
                   "| 0 | defaults | – | \(fmt(bestScore, 4)) |"]
        progress("defaults: \(fmt(bestScore, 4))")
        for round in 1...rounds {
            for knob in TuningKnob.allCases {
                for value in knob.values {
                    var candidate = best
                    knob.apply(value, to: &candidate)
                    guard candidate != best else { continue }
                    let candidateScore = await score(candidate, cases: cases)
                    progress("round \(round) \(knob.rawValue)=\(value): \(fmt(candidateScore, 4))\(candidateScore < bestScore ? "  (better)" : "")")
                    log.append("| \(round) | \(knob.rawValue) | \(value) | \(fmt(candidateScore, 4)) |")
                    if candidateScore < bestScore - 1e-4 {
                        best = candidate
                        bestScore = candidateScore
                    }
                }
            }
        }
        let summary = TuningKnob.allCases.map { "\($0.rawValue) = \($0.current(best))" }.joined(separator: ", ")
        progress("best: \(summary) → \(fmt(bestScore, 4))")
        log.append("\nBest: \(summary); score \(fmt(bestScore, 4)).")
        try writeResult(log.joined(separator: "\n") + "\n", to: "tuning.md")
    }

    private func score(_ parameters: PredictiveParameters, cases: [(BenchmarkTrace, CapacitySimulator, [Double: Double])]) async -> Double {
        var total = 0.0
        var count = 0
        for (trace, simulator, baseline) in cases {
            var tuned = parameters
            tuned.unitCapacity = trace.unitCapacity
            let points = await sweep(simulator, .predictive, options: predictiveOptions(tuned), grid: tuningGrid)
            let frontier = IsoSLAFrontier(sweep: points, days: 0..<simulator.scoredDays)
            for level in violationLevels {
                guard let reference = baseline[level] else { continue }
                // Not reaching a level the baseline reaches is scored as twice its cost.
                let cost = frontier.reading(atMost: level)?.instanceHours ?? 2 * reference
                total += log(cost / reference)
                count += 1
            }
        }
        return total / Double(max(1, count))
    }
}

/// The knobs tuning may move, each over a few values.
enum TuningKnob: String, CaseIterable {
    case quantile, levelWindowMinutes, horizonMinutes, reactiveUtilization, reactiveWindowMinutes
    case discountTolerance, errorWindowDays, weeklyWeight

    var values: [Double] {
        switch self {
        case .quantile: [0.98, 0.99, 0.995]
        case .levelWindowMinutes: [15, 30, 60]
        case .horizonMinutes: [0, 10, 20]
        case .reactiveUtilization: [0.8, 1.0, 1.2]
        case .reactiveWindowMinutes: [1, 5, 15]
        case .discountTolerance: [0, 2, 4]
        case .errorWindowDays: [3, 7]
        case .weeklyWeight: [0, 0.5, 1]
        }
    }

    func apply(_ value: Double, to parameters: inout PredictiveParameters) {
        switch self {
        case .quantile: parameters.quantile = value
        case .levelWindowMinutes: parameters.levelWindow = value * 60
        case .horizonMinutes: parameters.horizon = value * 60
        case .reactiveUtilization: parameters.reactiveUtilization = value
        case .reactiveWindowMinutes: parameters.reactiveWindow = value * 60
        case .discountTolerance: parameters.discountTolerance = value > 0 ? value : nil
        case .errorWindowDays: parameters.errorWindow = value * 86_400
        case .weeklyWeight: parameters.weeklyWeight = value
        }
    }

    func current(_ parameters: PredictiveParameters) -> String {
        switch self {
        case .quantile: "\(parameters.quantile)"
        case .levelWindowMinutes: "\(parameters.levelWindow / 60)"
        case .horizonMinutes: "\(parameters.horizon / 60)"
        case .reactiveUtilization: "\(parameters.reactiveUtilization)"
        case .reactiveWindowMinutes: "\(parameters.reactiveWindow / 60)"
        case .discountTolerance: parameters.discountTolerance.map { "\($0)" } ?? "off"
        case .errorWindowDays: "\(parameters.errorWindow / 86_400)"
        case .weeklyWeight: "\(parameters.weeklyWeight)"
        }
    }
}

/// Prints the first-half frontier of each policy on one trace (a tuning aid; never the second half).
struct FrontierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "first-half-frontier", abstract: "Print first-half sweep points of a trace.")

    @Option(help: "Trace name as in the report (NASA, NYC taxi, ELB).")
    var trace = "NASA"

    @Option(help: "Predictive knob=value (repeatable), e.g. quantile=0.98.")
    var set: [String] = []

    @Flag(help: "Only the predictive policy.")
    var predictiveOnly = false

    func run() async throws {
        guard let spec = BenchmarkTrace.all.first(where: { $0.name == trace }), let full = try spec.simulator() else {
            throw ValidationError("unknown or missing trace \(trace)")
        }
        let simulator = full.truncatedAfterFirstHalf()
        var parameters = PredictiveParameters(unitCapacity: spec.unitCapacity)
        for assignment in set {
            let parts = assignment.split(separator: "=")
            guard parts.count == 2, let knob = TuningKnob(rawValue: String(parts[0])), let value = Double(parts[1]) else {
                throw ValidationError("bad --set \(assignment); knobs: \(TuningKnob.allCases.map(\.rawValue))")
            }
            knob.apply(value, to: &parameters)
        }
        var policies = [(SimulationPolicy.reactive, baselineOptions(), reactiveGrid), (.awsLike, baselineOptions(), reactiveGrid)]
        if predictiveOnly { policies = [] }
        policies.append((.predictive, predictiveOptions(parameters), predictiveGrid))
        for (policy, options, grid) in policies {
            let frontier = IsoSLAFrontier(sweep: await sweep(simulator, policy, options: options, grid: grid), days: 0..<simulator.scoredDays)
            print("\(policy.rawValue): " + frontier.points.map { "τ\($0.targetUtilization) \(fmt($0.violationPct, 3))%/\(fmt($0.instanceHours))" }.joined(separator: "  "))
        }
    }
}

/// The predictive strategy's useful range when tuning (its forecast path already sizes for a quantile).
let tuningGrid = predictiveGrid.filter { $0 >= 0.5 }

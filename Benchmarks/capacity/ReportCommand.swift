import ArgumentParser
import Foundation
import RanchhandHandlers

/// Runs the frozen defaults and the baselines on every trace and reports the second half of each
/// scored window at iso-SLA, with a paired day-bootstrap interval.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Report the second halves with the frozen defaults.")

    @Option(help: "Bootstrap resamples.")
    var resamples = 1000

    @Option(help: "Bootstrap seed.")
    var seed: UInt64 = 1995

    func run() async throws {
        var sections: [TraceReport] = []
        for trace in BenchmarkTrace.all {
            guard let simulator = try trace.simulator() else { progress("skip \(trace.name): trace not found"); continue }
            let start = Date.now
            let frontiers = PolicyFrontiers(
                reactive: await sweep(simulator, .reactive, options: baselineOptions(), grid: reactiveGrid),
                awsLike: await sweep(simulator, .awsLike, options: baselineOptions(), grid: reactiveGrid),
                predictive: await sweep(simulator, .predictive, options: predictiveOptions(nil), grid: predictiveGrid),
                oracle: simulator.run(.oracle).days
            )
            var generator = CapacitySeededGenerator(seed: seed)
            let report = TraceReport(trace: trace, days: Array(simulator.secondHalf), frontiers: frontiers, resamples: resamples, generator: &generator)
            progress(report.markdownRows.joined(separator: "\n"))
            progress("(\(trace.name): \(fmt(Date.now.timeIntervalSince(start), 0)) s)")
            sections.append(report)
        }
        let markdown = TraceReport.markdown(sections)
        progress(markdown)
        try writeResult(markdown, to: "capacity.md")
        try writeResult(FrontierChart(reports: sections).svg(), to: "frontier.svg")
    }
}

struct TraceReport {
    struct Row {
        var level: Double
        var reactive, awsLike, predictive: IsoSLAFrontier.Reading?
        var oracleHours: Double
        var versusReactive, versusAWSLike, versusOracle: (low: Double, high: Double, undefinedShare: Double)?
    }

    let trace: BenchmarkTrace
    let days: [Int]
    let frontiers: [String: IsoSLAFrontier]
    var rows: [Row] = []

    init(trace: BenchmarkTrace, days: [Int], frontiers: PolicyFrontiers, resamples: Int, generator: inout CapacitySeededGenerator) {
        self.trace = trace
        self.days = days
        let sweeps = ["reactive": frontiers.reactive, "aws-like": frontiers.awsLike, "predictive": frontiers.predictive]
        self.frontiers = sweeps.mapValues { IsoSLAFrontier(sweep: $0, days: days) }
        let bootstrap = DayBootstrap(days: days, resamples: resamples)
        for level in violationLevels {
            func ratio(_ numerator: String, _ denominator: String) -> ([Int]) -> Double? {
                { sample in
                    guard let top = IsoSLAFrontier(sweep: sweeps[numerator]!, days: sample).reading(atMost: level),
                          let bottom = IsoSLAFrontier(sweep: sweeps[denominator]!, days: sample).reading(atMost: level)
                    else { return nil }
                    return 100 * (top.instanceHours / bottom.instanceHours - 1)
                }
            }
            let oracleRatio: ([Int]) -> Double? = { sample in
                let oracle = Double(sample.reduce(0) { $0 + frontiers.oracle[$1].oracleInstanceMinutes }) / 60
                return IsoSLAFrontier(sweep: sweeps["predictive"]!, days: sample).reading(atMost: level).map { $0.instanceHours / oracle }
            }
            rows.append(Row(
                level: level,
                reactive: self.frontiers["reactive"]!.reading(atMost: level),
                awsLike: self.frontiers["aws-like"]!.reading(atMost: level),
                predictive: self.frontiers["predictive"]!.reading(atMost: level),
                oracleHours: Double(days.reduce(0) { $0 + frontiers.oracle[$1].oracleInstanceMinutes }) / 60,
                versusReactive: DayBootstrap.interval(bootstrap.replicate(using: &generator, statistic: ratio("predictive", "reactive"))),
                versusAWSLike: DayBootstrap.interval(bootstrap.replicate(using: &generator, statistic: ratio("predictive", "aws-like"))),
                versusOracle: DayBootstrap.interval(bootstrap.replicate(using: &generator, statistic: oracleRatio))
            ))
        }
    }

    private func cell(_ reading: IsoSLAFrontier.Reading?) -> String {
        guard let reading else { return "not reached" }
        let perDay = reading.scalingActions / Double(max(1, days.count))
        return "\(reading.isUpperBound ? "≤ " : "")\(fmt(reading.instanceHours)) (\(fmt(perDay)))"
    }

    private func change(_ top: IsoSLAFrontier.Reading?, _ bottom: IsoSLAFrontier.Reading?, _ interval: (low: Double, high: Double, undefinedShare: Double)?) -> String {
        guard let top, let bottom else { return "–" }
        let point = 100 * (top.instanceHours / bottom.instanceHours - 1)
        guard let interval else { return "\(fmt(point, 1)) %" }
        let undefined = interval.undefinedShare > 0.005 ? "; \(fmt(100 * interval.undefinedShare))% n/a" : ""
        return "\(point >= 0 ? "+" : "")\(fmt(point, 1)) % [\(fmt(interval.low, 1)), \(fmt(interval.high, 1))\(undefined)]"
    }

    var markdownRows: [String] {
        rows.map { row in
            let oracle = row.predictive.map { fmt($0.instanceHours / row.oracleHours, 2) + "×" } ?? "–"
            let oracleInterval = row.versusOracle.map { " [\(fmt($0.low, 2)), \(fmt($0.high, 2))]" } ?? ""
            return "| \(trace.name) | ≤ \(row.level) % | \(cell(row.reactive)) | \(cell(row.awsLike)) | \(cell(row.predictive)) | \(fmt(row.oracleHours)) | "
                + "\(change(row.predictive, row.reactive, row.versusReactive)) | \(change(row.predictive, row.awsLike, row.versusAWSLike)) | \(oracle)\(oracleInterval) |"
        }
    }

    static func markdown(_ reports: [TraceReport]) -> String {
        var lines = [
            "| trace | violation minutes | reactive IH (changes/day) | aws-like IH (changes/day) | predictive IH (changes/day) | oracle IH* | predictive vs reactive [95 % CI] | predictive vs aws-like [95 % CI] | predictive / oracle [95 % CI] |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for report in reports { lines += report.markdownRows }
        lines.append("")
        for report in reports {
            lines.append("* \(report.trace.name): c = \(fmt(report.trace.unitCapacity, 2))/min, boot \(report.trace.bootDelayMinutes) min, lag 1 min, warm-up \(fmt(report.trace.warmupDays)) days; second half = scored days \(report.days.first ?? 0)–\(report.days.last ?? 0) (\(report.days.count) days). \(report.trace.note).")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

import Foundation
import RanchhandHandlers

/// A trace with the replay parameters of ../shared/traces/README.md.
struct BenchmarkTrace: Sendable {
    var name: String
    var file: String
    var unitCapacity: Double
    var bootDelayMinutes: Int
    var warmupDays: Double
    var note: String

    static let all: [BenchmarkTrace] = [
        BenchmarkTrace(name: "NASA", file: "nasa_http_1995_1min.csv", unitCapacity: 5, bootDelayMinutes: 5, warmupDays: 14,
                       note: "1-min requests; Poisson-plus-burst noise"),
        BenchmarkTrace(name: "NYC taxi", file: "nab_nyc_taxi_30min.csv", unitCapacity: 1000.0 / 30, bootDelayMinutes: 5, warmupDays: 14,
                       note: "30-min buckets spread evenly over their minutes (hides intra-bucket peaks)"),
        BenchmarkTrace(name: "NYC taxi, d = 15", file: "nab_nyc_taxi_30min.csv", unitCapacity: 1000.0 / 30, bootDelayMinutes: 15, warmupDays: 14,
                       note: "as above with a 15-min boot delay"),
        BenchmarkTrace(name: "ELB", file: "nab_aws_elb_request_count_5min.csv", unitCapacity: 2, bootDelayMinutes: 5, warmupDays: 7,
                       note: "5-min buckets spread; 14 days only, 3–4 scored days per half"),
    ]

    /// The repository root, found from this file's path (Benchmarks/capacity/<file>).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The repo's own copy first, then the team's shared folder beside the repo.
    func locate() -> URL? {
        let candidates = [
            Self.repositoryRoot.appendingPathComponent("Benchmarks/capacity/traces/\(file)"),
            Self.repositoryRoot.appendingPathComponent("../shared/traces/\(file)"),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    func simulator() throws -> CapacitySimulator? {
        guard let url = locate() else { return nil }
        let trace = try DemandTrace.parseCSV(try String(contentsOf: url, encoding: .utf8), source: url.lastPathComponent)
        var setup = SimulationSetup(unitCapacity: unitCapacity)
        setup.bootDelayMinutes = bootDelayMinutes
        setup.metricLagMinutes = 1
        setup.minCapacity = 1
        setup.maxCapacity = 200
        setup.warmupDays = warmupDays
        return CapacitySimulator(trace: trace, setup: setup)
    }
}

extension CapacitySimulator {
    /// Scored days split in two: tuning sees only the first half, the report only the second.
    var firstHalf: Range<Int> { 0..<(scoredDays / 2) }
    var secondHalf: Range<Int> { (scoredDays / 2)..<scoredDays }

    /// The same replay cut after the first half, so tuning does not even simulate the second.
    func truncatedAfterFirstHalf() -> CapacitySimulator {
        let end = setup.scoreStartMinute + firstHalf.count * 1440
        let trace = DemandTrace(start: self.trace.start, demand: Array(self.trace.demand.prefix(end)), bucketMinutes: self.trace.bucketMinutes)
        return CapacitySimulator(trace: trace, setup: setup)
    }
}

/// Runs `body` over `items` with at most `width` at a time, keeping order.
func concurrentMap<Item: Sendable, Result: Sendable>(
    _ items: [Item], width: Int, _ body: @escaping @Sendable (Item) -> Result
) async -> [Result] {
    await withTaskGroup(of: (Int, Result).self) { group in
        var results = [Result?](repeating: nil, count: items.count)
        var next = 0
        for _ in 0..<min(width, items.count) {
            let index = next
            group.addTask { (index, body(items[index])) }
            next += 1
        }
        while let (index, result) = await group.next() {
            results[index] = result
            if next < items.count {
                let index = next
                group.addTask { (index, body(items[index])) }
                next += 1
            }
        }
        return results.map { $0! }
    }
}

/// Target utilisations swept for every policy: wide enough that each crosses 0.1 % and 1 %.
let utilizationGrid: [Double] = [
    0.05, 0.08, 0.1, 0.13, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75,
    0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2, 1.3, 1.4, 1.6,
]

/// One policy swept over the grid (skipping levels that are all-violation or all-idle).
func sweep(
    _ simulator: CapacitySimulator, _ policy: SimulationPolicy, options: SimulationPolicyOptions,
    grid: [Double], width: Int = 2
) async -> [SweepPoint] {
    await concurrentMap(grid, width: width) { utilization in
        var options = options
        options.targetUtilization = utilization
        return SweepPoint(targetUtilization: utilization, days: simulator.run(policy, options: options).days)
    }
}

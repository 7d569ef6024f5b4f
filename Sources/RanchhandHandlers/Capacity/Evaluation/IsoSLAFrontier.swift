import Foundation

/// One point of a sweep: a policy at one target utilisation, with its per-day totals.
public struct SweepPoint: Sendable {
    public var targetUtilization: Double
    public var days: [SimulationDay]

    public init(targetUtilization: Double, days: [SimulationDay]) {
        self.targetUtilization = targetUtilization
        self.days = days
    }
}

/// Cost at equal quality: the instance-hours a policy needs to stay at or below a violation level,
/// read off the lower-left frontier of its sweep by linear interpolation between the two frontier
/// points that straddle the level (predictive-scaling.md §C4).
public struct IsoSLAFrontier: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var violationPct: Double
        public var instanceHours: Double
        public var scalingActions: Double
        public var targetUtilization: Double
    }

    public struct Reading: Sendable, Equatable {
        public var instanceHours: Double
        public var scalingActions: Double
        /// True when even the cheapest point of the sweep is within the level: the true cost may be lower.
        public var isUpperBound: Bool
    }

    /// Non-dominated points, cheapest first (so violation falls as cost rises).
    public let points: [Point]

    public init(points: [Point]) {
        var frontier: [Point] = []
        for point in points.sorted(by: { ($0.instanceHours, $0.violationPct) < ($1.instanceHours, $1.violationPct) }) {
            if let last = frontier.last, point.violationPct >= last.violationPct { continue }
            frontier.append(point)
        }
        self.points = frontier
    }

    /// The sweep's totals over `days` (indices into each point's days).
    public init(sweep: [SweepPoint], days: some Sequence<Int>) {
        let dayList = Array(days)
        self.init(points: sweep.map { point in
            let totals = dayList.reduce(SimulationDay()) { $0 + point.days[$1] }
            let summary = SimulationSummary(policy: "", totals: totals)
            return Point(
                violationPct: summary.violationMinutesPct, instanceHours: summary.instanceHours,
                scalingActions: Double(summary.scalingActions), targetUtilization: point.targetUtilization
            )
        })
    }

    /// Cost of staying at or below `violationPct`; nil when no point of the sweep gets there.
    public func reading(atMost violationPct: Double) -> Reading? {
        guard let withinIndex = points.firstIndex(where: { $0.violationPct <= violationPct }) else { return nil }
        let within = points[withinIndex]
        guard withinIndex > 0 else {
            return Reading(instanceHours: within.instanceHours, scalingActions: within.scalingActions, isUpperBound: true)
        }
        let above = points[withinIndex - 1]
        let share = (above.violationPct - violationPct) / (above.violationPct - within.violationPct)
        return Reading(
            instanceHours: above.instanceHours + share * (within.instanceHours - above.instanceHours),
            scalingActions: above.scalingActions + share * (within.scalingActions - above.scalingActions),
            isUpperBound: false
        )
    }
}

/// SplitMix64, seeded: a bootstrap repeats run to run (randomness is a parameter).
public struct CapacitySeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Block bootstrap over whole days: resample the days of a window with replacement and recompute
/// a statistic of several policies' sweeps on the same resampled days (paired comparison).
public struct DayBootstrap: Sendable {
    public var days: [Int]
    public var resamples: Int

    public init(days: [Int], resamples: Int = 1000) {
        self.days = days
        self.resamples = resamples
    }

    /// The statistic on each resample (nil where it is undefined, e.g. a level not reached).
    public func replicate<Generator: RandomNumberGenerator>(
        using generator: inout Generator, statistic: ([Int]) -> Double?
    ) -> [Double?] {
        (0..<resamples).map { _ in
            let sample = days.indices.map { _ in days[Int.random(in: 0..<days.count, using: &generator)] }
            return statistic(sample)
        }
    }

    /// Percentile interval of the defined replicates, and the share that was undefined.
    public static func interval(_ replicates: [Double?], level: Double = 0.95) -> (low: Double, high: Double, undefinedShare: Double)? {
        let defined = replicates.compactMap { $0 }.sorted()
        guard !defined.isEmpty else { return nil }
        let tail = (1 - level) / 2
        let low = defined[min(defined.count - 1, Int(tail * Double(defined.count)))]
        let high = defined[min(defined.count - 1, Int((1 - tail) * Double(defined.count)))]
        return (low, high, 1 - Double(defined.count) / Double(replicates.count))
    }
}

import Foundation

/// The capacity model of a replay (predictive-scaling.md §C1).
public struct SimulationSetup: Sendable, Equatable {
    /// Load one instance serves per minute at 100 %.
    public var unitCapacity: Double
    /// Minutes from launch until an instance serves; booting instances are billed.
    public var bootDelayMinutes: Int = 5
    /// A policy deciding at minute t sees samples up to t − lag.
    public var metricLagMinutes: Int = 1
    public var minCapacity: Int = 1
    public var maxCapacity: Int = 200
    /// History before scoring starts (not scored, not billed).
    public var warmupDays: Double = 14
    /// Instances serving at the first minute; defaults to the minimum.
    public var initialCapacity: Int?

    public init(unitCapacity: Double) {
        self.unitCapacity = unitCapacity
    }

    /// First scored minute (minutes since the trace's start).
    public var scoreStartMinute: Int { Int((warmupDays * 1440).rounded()) }
}

/// Totals of one scored day (or any set of days).
public struct SimulationDay: Sendable, Equatable {
    public var scoredMinutes = 0
    public var violationMinutes = 0
    public var demand = 0.0
    public var unserved = 0.0
    public var instanceMinutes = 0
    public var oracleInstanceMinutes = 0
    public var scalingActions = 0

    public init() {}

    public static func + (lhs: SimulationDay, rhs: SimulationDay) -> SimulationDay {
        var sum = lhs
        sum.scoredMinutes += rhs.scoredMinutes
        sum.violationMinutes += rhs.violationMinutes
        sum.demand += rhs.demand
        sum.unserved += rhs.unserved
        sum.instanceMinutes += rhs.instanceMinutes
        sum.oracleInstanceMinutes += rhs.oracleInstanceMinutes
        sum.scalingActions += rhs.scalingActions
        return sum
    }
}

/// The numbers `simulate --json` prints (predictive-scaling.md §C2).
public struct SimulationSummary: Sendable, Equatable, Codable {
    public var policy: String
    /// Scored minutes where demand exceeded ready capacity, 0–100.
    public var violationMinutesPct: Double
    /// Demand not served, 0–100 % of demand.
    public var unservedPct: Double
    /// Instance-hours billed over the scored minutes, booting instances included.
    public var instanceHours: Double
    /// Σ ceil(demand / unit capacity) / 60 over the scored minutes: the clairvoyant lower bound.
    public var oracleInstanceHours: Double
    /// Changes of desired capacity in the scored window.
    public var scalingActions: Int
    public var scoredMinutes: Int

    public init(policy: String, totals: SimulationDay) {
        self.policy = policy
        let scored = Double(max(1, totals.scoredMinutes))
        violationMinutesPct = 100 * Double(totals.violationMinutes) / scored
        unservedPct = totals.demand > 0 ? 100 * totals.unserved / totals.demand : 0
        instanceHours = Double(totals.instanceMinutes) / 60
        oracleInstanceHours = Double(totals.oracleInstanceMinutes) / 60
        scalingActions = totals.scalingActions
        scoredMinutes = totals.scoredMinutes
    }
}

/// Per-minute record of a run, for charts.
public struct SimulationTimeline: Sendable {
    public var start: Date
    public var demand: [Double]        // NaN in gaps
    public var readyCapacity: [Int]
    public var desiredCapacity: [Int]
    public var forecastLoad: [Double]  // NaN where the policy has no forecast
}

public struct SimulationRun: Sendable {
    public var policy: String
    /// One entry per scored day, from the end of the warm-up on.
    public var days: [SimulationDay]
    public var timeline: SimulationTimeline?

    public func totals(days range: Range<Int>? = nil) -> SimulationDay {
        let selected = range.map { Array(days[$0.clamped(to: days.indices)]) } ?? days
        return selected.reduce(SimulationDay(), +)
    }

    public func summary(days range: Range<Int>? = nil) -> SimulationSummary {
        SimulationSummary(policy: policy, totals: totals(days: range))
    }
}

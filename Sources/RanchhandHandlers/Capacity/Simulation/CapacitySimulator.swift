import Foundation

/// Replays a trace minute by minute through a strategy (the same decision code a scheduled run
/// uses) and accounts for capacity as predictive-scaling.md §C1–C2 describe:
/// a decision at minute t sees samples up to t − lag; launched instances serve after the boot
/// delay and are billed from launch; scale-in removes the newest instances at once; served load is
/// min(demand, c · ready) with no queue; minutes without a trace row are neither scored nor billed.
public struct CapacitySimulator: Sendable {
    public let trace: DemandTrace
    public let setup: SimulationSetup
    private let samples: [MetricSample]
    private let sampleMinutes: [Int]

    public init(trace: DemandTrace, setup: SimulationSetup) {
        self.trace = trace
        self.setup = setup
        self.samples = trace.samples
        let start = trace.start.timeIntervalSince1970
        self.sampleMinutes = samples.map { Int((($0.time.timeIntervalSince1970 - start) / 60).rounded()) }
    }

    /// Days in the scored window (the last may be partial).
    public var scoredDays: Int {
        max(0, (trace.minutes - setup.scoreStartMinute + 1439) / 1440)
    }

    public func run<Strategy: CapacityStrategy>(
        _ strategy: Strategy, policy: String, recordTimeline: Bool = false
    ) -> SimulationRun {
        var fleet = Fleet(initial: setup.initialCapacity ?? setup.minCapacity)
        var ledger = Ledger(simulator: self, policy: policy, recordTimeline: recordTimeline)
        var visible = 0
        var cachedModel: (anchor: Date, model: Strategy.Model)?
        var lastScaleOut: Date?
        var lastScaleIn: Date?

        for minute in 0..<trace.minutes {
            let now = trace.start.addingTimeInterval(Double(minute) * 60)
            while visible < samples.count, sampleMinutes[visible] <= minute - setup.metricLagMinutes { visible += 1 }
            let history = MetricHistory(sortedSamples: samples[0..<visible], samplePeriod: 60)
            let anchor = strategy.modelAnchor(for: now)
            if cachedModel?.anchor != anchor {
                let model = strategy.fitModel(history: strategy.modelHistory(history, anchor: anchor), anchor: anchor)
                cachedModel = (anchor, model)
            }
            let state = CapacityState(
                desired: fleet.count, ready: fleet.ready(at: minute),
                lastScaleOut: lastScaleOut, lastScaleIn: lastScaleIn
            )
            let decision = strategy.decide(history: history, capacity: state, now: now, model: cachedModel!.model)
            if decision.desired > fleet.count { lastScaleOut = now }
            if decision.desired < fleet.count { lastScaleIn = now }
            let changed = fleet.resize(to: decision.desired, at: minute, bootDelay: setup.bootDelayMinutes)
            ledger.record(minute: minute, fleet: fleet, changed: changed, forecast: decision.evidence.forecastLoad)
        }
        return ledger.finish()
    }

    /// The clairvoyant policy: exactly ceil(demand / (c · τ)) serving every minute, booting free.
    /// At τ = 1 its instance-hours equal the oracle bound.
    public func runOracle(targetUtilization: Double, recordTimeline: Bool = false) -> SimulationRun {
        var fleet = Fleet(initial: setup.initialCapacity ?? setup.minCapacity)
        var ledger = Ledger(simulator: self, policy: "oracle", recordTimeline: recordTimeline)
        let unit = setup.unitCapacity * targetUtilization
        for minute in 0..<trace.minutes {
            var changed = false
            if let demand = trace.demand[minute] {
                let wanted = min(setup.maxCapacity, max(setup.minCapacity, CapacityGuards.instances(demand / unit)))
                changed = fleet.resize(to: wanted, at: minute, bootDelay: 0)
            }
            ledger.record(minute: minute, fleet: fleet, changed: changed, forecast: nil)
        }
        return ledger.finish()
    }

    /// Live instances by the minute they start serving, in launch order.
    private struct Fleet {
        private var readyAt: [Int]

        init(initial: Int) { readyAt = Array(repeating: Int.min, count: max(0, initial)) }

        var count: Int { readyAt.count }

        func ready(at minute: Int) -> Int {
            // Launch order is ready order, so the serving instances are a prefix.
            var low = 0
            var high = readyAt.count
            while low < high {
                let middle = (low + high) / 2
                if readyAt[middle] <= minute { low = middle + 1 } else { high = middle }
            }
            return low
        }

        /// Launches or terminates (newest first: booting instances go before serving ones).
        mutating func resize(to desired: Int, at minute: Int, bootDelay: Int) -> Bool {
            let desired = max(0, desired)
            guard desired != readyAt.count else { return false }
            if desired > readyAt.count {
                readyAt.append(contentsOf: repeatElement(minute + bootDelay, count: desired - readyAt.count))
            } else {
                readyAt.removeLast(readyAt.count - desired)
            }
            return true
        }
    }

    /// Scores and bills each minute into per-day totals.
    private struct Ledger {
        let simulator: CapacitySimulator
        let policy: String
        var days: [SimulationDay]
        var timeline: SimulationTimeline?

        init(simulator: CapacitySimulator, policy: String, recordTimeline: Bool) {
            self.simulator = simulator
            self.policy = policy
            days = Array(repeating: SimulationDay(), count: simulator.scoredDays)
            if recordTimeline {
                timeline = SimulationTimeline(
                    start: simulator.trace.start, demand: [], readyCapacity: [], desiredCapacity: [], forecastLoad: []
                )
            }
        }

        mutating func record(minute: Int, fleet: Fleet, changed: Bool, forecast: Double?) {
            let ready = fleet.ready(at: minute)
            let demand = simulator.trace.demand[minute]
            if timeline != nil {
                timeline!.demand.append(demand ?? .nan)
                timeline!.readyCapacity.append(ready)
                timeline!.desiredCapacity.append(fleet.count)
                timeline!.forecastLoad.append(forecast ?? .nan)
            }
            let scoredMinute = minute - simulator.setup.scoreStartMinute
            guard scoredMinute >= 0 else { return }
            let day = scoredMinute / 1440
            if changed { days[day].scalingActions += 1 }
            guard let demand else { return }
            let capacity = simulator.setup.unitCapacity * Double(ready)
            days[day].scoredMinutes += 1
            days[day].demand += demand
            days[day].instanceMinutes += fleet.count
            days[day].oracleInstanceMinutes += CapacityGuards.instances(demand / simulator.setup.unitCapacity)
            if demand > capacity + 1e-9 {
                days[day].violationMinutes += 1
                days[day].unserved += demand - capacity
            }
        }

        func finish() -> SimulationRun {
            SimulationRun(policy: policy, days: days, timeline: timeline)
        }
    }
}

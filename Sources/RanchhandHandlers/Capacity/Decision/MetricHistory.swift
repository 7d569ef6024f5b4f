import Foundation

/// One datapoint of a load metric: the value of the bucket that starts at `time`.
public struct MetricSample: Sendable, Equatable, Codable {
    public var time: Date
    public var value: Double

    public init(time: Date, value: Double) {
        self.time = time
        self.value = value
    }
}

/// The history of one metric as a datastore returns it: samples in time order, one per bucket of
/// `samplePeriod` seconds, with gaps where the datastore had no datapoint. A gap means "unknown",
/// never zero, so nothing here fills gaps in.
///
/// The samples are held as a slice so that a simulator can hand out growing prefixes of one long
/// series without copying it every minute.
public struct MetricHistory: Sendable {
    public let samples: ArraySlice<MetricSample>
    public let samplePeriod: TimeInterval

    /// Sorts the samples and keeps the last value for a repeated timestamp (datastores can return a
    /// bucket twice across pages).
    public init(samples: some Sequence<MetricSample>, samplePeriod: TimeInterval = 60) {
        var byTime: [Date: Double] = [:]
        for sample in samples where sample.value.isFinite { byTime[sample.time] = sample.value }
        let sorted = byTime.map { MetricSample(time: $0.key, value: $0.value) }.sorted { $0.time < $1.time }
        self.samples = sorted[...]
        self.samplePeriod = samplePeriod
    }

    /// For callers that already hold strictly increasing, finite samples (the simulator).
    public init(sortedSamples: ArraySlice<MetricSample>, samplePeriod: TimeInterval) {
        self.samples = sortedSamples
        self.samplePeriod = samplePeriod
    }

    public var latest: MetricSample? { samples.last }
    public var isEmpty: Bool { samples.isEmpty }

    /// Seconds covered between the first and the last sample, gaps included.
    public var span: TimeInterval {
        guard let first = samples.first, let last = samples.last else { return 0 }
        return last.time.timeIntervalSince(first.time) + samplePeriod
    }

    /// Index of the first sample at or after `time`.
    public func firstIndex(atOrAfter time: Date) -> Int {
        var low = samples.startIndex
        var high = samples.endIndex
        while low < high {
            let middle = (low + high) / 2
            if samples[middle].time < time { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Samples whose bucket starts in `[from, through]`.
    public func samples(from: Date, through: Date) -> ArraySlice<MetricSample> {
        let lower = firstIndex(atOrAfter: from)
        let upper = firstIndex(atOrAfter: through.addingTimeInterval(0.001))
        return lower < upper ? samples[lower..<upper] : samples[lower..<lower]
    }

    /// The history as it was known at `time` (samples starting at or before it).
    public func prefix(through time: Date) -> MetricHistory {
        let upper = firstIndex(atOrAfter: time.addingTimeInterval(0.001))
        return MetricHistory(sortedSamples: samples[samples.startIndex..<upper], samplePeriod: samplePeriod)
    }

    /// Samples of the last `duration` seconds before `now`.
    public func recent(_ duration: TimeInterval, before now: Date) -> ArraySlice<MetricSample> {
        samples(from: now.addingTimeInterval(-duration), through: now)
    }
}

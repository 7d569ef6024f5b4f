#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A Prometheus-compatible server's HTTP API (Prometheus, Thanos, Mimir, VictoriaMetrics): the
/// capacity tool reads its load metric's history with range queries.
public protocol PrometheusClient: Sendable {
    /// `GET|POST /api/v1/query_range`: every series the query returns, each point `[time, value]`.
    /// The server refuses a range of more than `PrometheusLimits.maximumPointsPerSeries` points;
    /// callers split longer ranges (see `PrometheusRangeChunks`).
    func queryRange(_ query: String, start: Date, end: Date, step: TimeInterval) async throws(ClientError) -> [PrometheusSeries]
}

public enum PrometheusLimits {
    /// Prometheus answers `bad_data: exceeded maximum resolution of 11,000 points per timeseries`
    /// beyond this: (end − start) / step + 1 must not exceed it.
    public static let maximumPointsPerSeries = 11_000
}

public struct PrometheusSeries: Sendable, Equatable {
    /// The series' labels (`__name__` included when the query kept it).
    public var labels: [String: String]
    public var points: [PrometheusPoint]

    public init(labels: [String: String], points: [PrometheusPoint]) {
        self.labels = labels
        self.points = points
    }
}

public struct PrometheusPoint: Sendable, Equatable {
    public var time: Date
    /// Prometheus sends values as strings; `NaN`, `+Inf` and `-Inf` arrive as such.
    public var value: Double

    public init(time: Date, value: Double) {
        self.time = time
        self.value = value
    }
}

/// Splits `[start, end]` at `step` into consecutive ranges of at most `maximumPoints` points each,
/// sharing no point: 14 days at one minute (20,161 points) is two queries.
public struct PrometheusRangeChunks: Sendable, Equatable, Sequence {
    public var start: Date
    public var end: Date
    public var step: TimeInterval
    public var maximumPoints: Int

    public init(start: Date, end: Date, step: TimeInterval, maximumPoints: Int = PrometheusLimits.maximumPointsPerSeries) {
        self.start = start
        self.end = end
        self.step = step
        self.maximumPoints = Swift.max(1, maximumPoints)
    }

    public func makeIterator() -> AnyIterator<(start: Date, end: Date)> {
        var next = start
        let span = step * Double(maximumPoints - 1)
        return AnyIterator {
            guard step > 0, next <= end else { return nil }
            let chunkEnd = Swift.min(end, next.addingTimeInterval(span))
            defer { next = chunkEnd.addingTimeInterval(step) }
            return (next, chunkEnd)
        }
    }
}

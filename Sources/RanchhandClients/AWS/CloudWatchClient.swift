#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// CloudWatch metrics: the capacity tool reads load and publishes its decisions.
public protocol CloudWatchClient: Sendable {
    /// One result per query id, every page (NextToken) merged. The start is aligned down to the
    /// longest query period, as CloudWatch aligns its buckets.
    func getMetricData(_ request: GetMetricDataRequest) async throws(ClientError) -> [MetricDataResult]
    /// Not retried after an ambiguous failure: a repeat would count the data twice.
    func putMetricData(namespace: String, _ data: [MetricDatum]) async throws(ClientError)
}

public struct MetricDimension: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

public struct MetricStat: Sendable, Equatable {
    public var namespace: String
    public var metricName: String
    public var dimensions: [MetricDimension]
    /// Seconds; a multiple of 60 (or 1, 5, 10, 30 for high-resolution metrics).
    public var period: Int
    /// `Average`, `Sum`, `Maximum`, `Minimum`, `SampleCount`, `p90`, …
    public var statistic: String
    public var unit: String?

    public init(namespace: String, metricName: String, dimensions: [MetricDimension] = [], period: Int, statistic: String, unit: String? = nil) {
        self.namespace = namespace
        self.metricName = metricName
        self.dimensions = dimensions
        self.period = period
        self.statistic = statistic
        self.unit = unit
    }
}

public struct MetricDataQuery: Sendable, Equatable {
    /// Starts with a lower-case letter; names the result.
    public var id: String
    public var metric: MetricStat?
    public var expression: String?
    /// Seconds, for expressions (a MetricStat carries its own).
    public var period: Int?
    public var label: String?
    public var returnData: Bool

    public init(id: String, metric: MetricStat, label: String? = nil, returnData: Bool = true) {
        self.id = id
        self.metric = metric
        self.expression = nil
        self.period = nil
        self.label = label
        self.returnData = returnData
    }

    public init(id: String, expression: String, period: Int, label: String? = nil, returnData: Bool = true) {
        self.id = id
        self.metric = nil
        self.expression = expression
        self.period = period
        self.label = label
        self.returnData = returnData
    }

    public var effectivePeriod: Int { metric?.period ?? period ?? 60 }
}

public struct GetMetricDataRequest: Sendable, Equatable {
    public var queries: [MetricDataQuery]
    public var start: Date
    public var end: Date
    /// Newest first (`TimestampDescending`, CloudWatch's default) or oldest first.
    public var oldestFirst: Bool
    public var maximumDatapoints: Int?

    public init(queries: [MetricDataQuery], start: Date, end: Date, oldestFirst: Bool = true, maximumDatapoints: Int? = nil) {
        self.queries = queries
        self.start = start
        self.end = end
        self.oldestFirst = oldestFirst
        self.maximumDatapoints = maximumDatapoints
    }

    /// `start` rounded down to a multiple of the longest period, so buckets fall on period
    /// boundaries whichever CloudWatch (or emulator) answers.
    public var alignedStart: Date {
        let period = Double(max(1, queries.map(\.effectivePeriod).max() ?? 60))
        let seconds = start.timeIntervalSince1970
        return Date(timeIntervalSince1970: (seconds / period).rounded(.down) * period)
    }
}

public struct MetricDataResult: Sendable, Equatable {
    public var id: String
    public var label: String?
    /// Paired with `values`, in the order asked for.
    public var timestamps: [Date]
    public var values: [Double]
    /// `Complete`, `PartialData` (more pages were merged), `InternalError`, `Forbidden`.
    public var statusCode: String?

    public init(id: String, label: String? = nil, timestamps: [Date], values: [Double], statusCode: String? = nil) {
        self.id = id
        self.label = label
        self.timestamps = timestamps
        self.values = values
        self.statusCode = statusCode
    }
}

public struct MetricDatum: Sendable, Equatable {
    public var metricName: String
    public var dimensions: [MetricDimension]
    public var value: Double
    /// `nil`: CloudWatch stamps it on receipt.
    public var timestamp: Date?
    /// `Count`, `Percent`, `Seconds`, `None`, …
    public var unit: String?
    /// 1 for high resolution, 60 (default) for standard.
    public var storageResolution: Int?

    public init(metricName: String, dimensions: [MetricDimension] = [], value: Double, timestamp: Date? = nil,
                unit: String? = nil, storageResolution: Int? = nil) {
        self.metricName = metricName
        self.dimensions = dimensions
        self.value = value
        self.timestamp = timestamp
        self.unit = unit
        self.storageResolution = storageResolution
    }
}

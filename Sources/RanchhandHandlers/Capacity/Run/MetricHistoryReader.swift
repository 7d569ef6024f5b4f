import Foundation
import RanchhandClients

/// Reads a scaler's load history from its datastore, through the client protocols only.
public struct MetricHistoryReader: Sendable {
    /// The CloudWatch client of a region (nil: the process's default region).
    public var cloudWatch: @Sendable (_ region: String?) throws(CapacityError) -> any CloudWatchClient
    public var prometheus: @Sendable (_ source: PrometheusMetricSource) throws(CapacityError) -> any PrometheusClient

    public init(
        cloudWatch: @escaping @Sendable (_ region: String?) throws(CapacityError) -> any CloudWatchClient,
        prometheus: @escaping @Sendable (_ source: PrometheusMetricSource) throws(CapacityError) -> any PrometheusClient
    ) {
        self.cloudWatch = cloudWatch
        self.prometheus = prometheus
    }

    /// The samples whose buckets start in `[now − window, now]`, oldest first; gaps stay gaps.
    public func history(_ datastore: MetricDatastore, window: TimeInterval, now: Date) async throws(CapacityError) -> MetricHistory {
        switch datastore {
        case let .cloudWatch(source):
            let request = Self.request(source, window: window, now: now)
            let results: [MetricDataResult]
            do {
                results = try await cloudWatch(source.region).getMetricData(request)
            } catch {
                throw .datastore("CloudWatch GetMetricData for \(datastore) failed: \(error)")
            }
            return try Self.history(from: results, source: source)
        case let .prometheus(source):
            let client = try prometheus(source)
            var samples: [MetricSample] = []
            var seriesLabels: [String: String]?
            for chunk in Self.chunks(source, window: window, now: now) {
                let series: [PrometheusSeries]
                do {
                    series = try await client.queryRange(source.query, start: chunk.start, end: chunk.end, step: source.step)
                } catch {
                    throw .datastore("Prometheus query_range on \(source.endpoint) failed: \(error)")
                }
                guard series.count <= 1 else {
                    throw .datastore("the PromQL '\(source.query)' returns \(series.count) series; a scaler needs one — aggregate it, e.g. sum(…)")
                }
                guard let only = series.first else { continue }
                if let seriesLabels, seriesLabels != only.labels {
                    throw .datastore("the PromQL '\(source.query)' returned different series across the range; aggregate it, e.g. sum(…)")
                }
                seriesLabels = only.labels
                // A range-query point at t is the value *at* t (rate() covers the step before it);
                // the sample model stamps the start of a bucket, so the point describes [t − step, t).
                samples += only.points.map { MetricSample(time: $0.time.addingTimeInterval(-source.step), value: $0.value) }
            }
            return MetricHistory(samples: samples, samplePeriod: source.step)
        }
    }

    /// One GetMetricData query named `load`; the client aligns the start to the period.
    /// One GetMetricData query named `load` (plus, for an expression, the metrics it names, not
    /// returned); the client aligns the start to the period.
    static func request(_ source: CloudWatchMetricSource, window: TimeInterval, now: Date) -> GetMetricDataRequest {
        let period = Int(source.period)
        func stat(_ namespace: String, _ name: String, _ dimensions: [CloudWatchDimension], _ statistic: String) -> MetricStat {
            MetricStat(namespace: namespace, metricName: name, dimensions: dimensions.map { MetricDimension($0.name, $0.value) },
                       period: period, statistic: statistic)
        }
        var queries: [MetricDataQuery]
        switch source.query {
        case let .metric(namespace, name, dimensions, statistic):
            queries = [MetricDataQuery(id: "load", metric: stat(namespace, name, dimensions, statistic))]
        case let .expression(expression):
            queries = [MetricDataQuery(id: "load", expression: expression, period: period)]
            queries += source.inputs.map {
                MetricDataQuery(id: $0.id, metric: stat($0.namespace, $0.name, $0.dimensions, $0.stat), returnData: false)
            }
        }
        return GetMetricDataRequest(queries: queries, start: now.addingTimeInterval(-window), end: now, oldestFirst: true)
    }

    static func history(from results: [MetricDataResult], source: CloudWatchMetricSource) throws(CapacityError) -> MetricHistory {
        let load = results.filter { $0.id == "load" }
        // A SEARCH expression matching several metrics answers one result per metric.
        guard load.count <= 1 else {
            let labels = load.compactMap(\.label).prefix(5).joined(separator: ", ")
            throw .datastore("the CloudWatch expression returns \(load.count) time series (\(labels)); wrap it in SUM(…) or AVG(…) to get one")
        }
        guard let result = load.first else { return MetricHistory(samples: [], samplePeriod: source.period) }
        switch result.statusCode {
        case "Forbidden":
            throw .datastore("CloudWatch refused the metric query (Forbidden): the role needs cloudwatch:GetMetricData on it")
        case "InternalError":
            throw .datastore("CloudWatch answered InternalError for the metric query; the next run will try again")
        default:
            break
        }
        let samples = zip(result.timestamps, result.values).map { MetricSample(time: $0, value: $1) }
        return MetricHistory(samples: samples, samplePeriod: source.period)
    }

    /// Chunks of at most Prometheus's point limit, with start and end on multiples of the step so
    /// that every run asks for the same grid.
    static func chunks(_ source: PrometheusMetricSource, window: TimeInterval, now: Date) -> PrometheusRangeChunks {
        let step = max(1, source.step)
        let end = (now.timeIntervalSince1970 / step).rounded(.down) * step
        let start = ((now.timeIntervalSince1970 - window) / step).rounded(.up) * step
        return PrometheusRangeChunks(start: Date(timeIntervalSince1970: start), end: Date(timeIntervalSince1970: end), step: step)
    }
}

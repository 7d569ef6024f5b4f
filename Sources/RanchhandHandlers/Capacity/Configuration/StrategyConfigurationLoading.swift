import Foundation
import Yams

extension ScalerConfigurationParser {
    mutating func datastore(_ node: Node) -> MetricDatastore? {
        guard let map = reader.mapping(node, what: "'datastore'") else { return nil }
        let kind = reader.string(reader.value("kind", in: map, of: node, what: "'datastore'", required: true), "kind")
        switch kind {
        case "cloudwatch":
            return cloudWatch(node, map).map { .cloudWatch($0) }
        case "prometheus":
            let what = "a prometheus datastore"
            reader.rejectUnknownKeys(map, allowed: ["kind", "endpoint", "query", "step"], in: what)
            let endpoint = reader.string(reader.value("endpoint", in: map, of: node, what: what, required: true), "endpoint")
            if let endpoint, !(endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://")) {
                reader.report("'endpoint' must be an http:// or https:// URL, found '\(endpoint)'", at: map["endpoint"])
            }
            let query = reader.string(reader.value("query", in: map, of: node, what: what, required: true), "query")
            let step = reader.duration(map["step"], "step") ?? 60
            guard let endpoint, let query else { return nil }
            return .prometheus(PrometheusMetricSource(endpoint: endpoint, query: query, step: step))
        case nil:
            return nil
        case let other?:
            reader.report("datastore kind must be cloudwatch or prometheus, found '\(other)'", at: map["kind"])
            return nil
        }
    }

    private mutating func cloudWatch(_ node: Node, _ map: Node.Mapping) -> CloudWatchMetricSource? {
        let what = "a cloudwatch datastore"
        reader.rejectUnknownKeys(
            map, allowed: ["kind", "namespace", "metric", "dimensions", "stat", "expression", "metrics", "period", "region"], in: what
        )
        let period = reader.duration(map["period"], "period") ?? 60
        let region = reader.string(map["region"], "region")
        if let expressionNode = map["expression"] {
            if map["namespace"] != nil || map["metric"] != nil {
                reader.report("give either 'expression' or 'namespace' + 'metric', not both", at: expressionNode)
            }
            let inputs = expressionInputs(map["metrics"])
            return reader.string(expressionNode, "expression").map {
                CloudWatchMetricSource(query: .expression($0), period: period, region: region, inputs: inputs)
            }
        }
        if let metricsNode = map["metrics"] {
            reader.report("'metrics' names the inputs of an 'expression'; this datastore has none", at: metricsNode)
        }
        guard let single = metricFields(node, map, what: what) else { return nil }
        return CloudWatchMetricSource(
            query: .metric(namespace: single.namespace, name: single.name, dimensions: single.dimensions, stat: single.stat),
            period: period, region: region
        )
    }

    /// `metrics: {m1: {namespace, metric, dimensions, stat}, …}`: ids must be valid GetMetricData ids.
    private mutating func expressionInputs(_ node: Node?) -> [CloudWatchMetricSource.ExpressionInput] {
        guard let node, let pairs = reader.mapping(node, what: "'metrics'") else { return [] }
        var inputs: [CloudWatchMetricSource.ExpressionInput] = []
        for (key, value) in pairs {
            guard let id = reader.string(key, "metric id") else { continue }
            if id.first.map({ !$0.isLowercase }) ?? true || !id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) || id == "load" {
                reader.report("metric id '\(id)' must start with a lower-case letter, hold only letters, digits and _, and not be 'load'", at: key)
            }
            guard let map = reader.mapping(value, what: "metric '\(id)'") else { continue }
            reader.rejectUnknownKeys(map, allowed: ["namespace", "metric", "dimensions", "stat"], in: "metric '\(id)'")
            if let fields = metricFields(value, map, what: "metric '\(id)'") {
                inputs.append(.init(id: id, namespace: fields.namespace, name: fields.name, dimensions: fields.dimensions, stat: fields.stat))
            }
        }
        return inputs
    }

    private mutating func metricFields(_ node: Node, _ map: Node.Mapping, what: String)
        -> (namespace: String, name: String, dimensions: [CloudWatchDimension], stat: String)? {
        let namespace = reader.string(reader.value("namespace", in: map, of: node, what: what, required: true), "namespace")
        let metric = reader.string(reader.value("metric", in: map, of: node, what: what, required: true), "metric")
        let stat = reader.string(reader.value("stat", in: map, of: node, what: what, required: true), "stat")
        var dimensions: [CloudWatchDimension] = []
        if let dimensionsNode = map["dimensions"], let pairs = reader.mapping(dimensionsNode, what: "'dimensions'") {
            for (key, value) in pairs {
                if let name = reader.string(key, "dimension name"), let text = reader.string(value, name) {
                    dimensions.append(CloudWatchDimension(name: name, value: text))
                }
            }
        }
        guard let namespace, let metric, let stat else { return nil }
        return (namespace, metric, dimensions, stat)
    }

    mutating func strategy(_ node: Node, aggregation: MetricAggregation) -> CapacityStrategyConfiguration? {
        guard let map = reader.mapping(node, what: "'strategy'") else { return nil }
        let kind = reader.string(reader.value("kind", in: map, of: node, what: "'strategy'", required: true), "kind")
        switch kind {
        case "threshold":
            reader.rejectUnknownKeys(map, allowed: ["kind", "lower", "upper"], in: "a threshold strategy")
            let lower = reader.number(reader.value("lower", in: map, of: node, what: "a threshold strategy", required: true), "lower", in: 0...Double.infinity)
            let upper = reader.number(reader.value("upper", in: map, of: node, what: "a threshold strategy", required: true), "upper", in: 0...Double.infinity)
            guard let lower, let upper else { return nil }
            guard lower < upper else {
                reader.report("'lower' (\(lower)) must be below 'upper' (\(upper))", at: map["lower"])
                return nil
            }
            return .threshold(ThresholdParameters(lower: lower, upper: upper))
        case "target-tracking":
            let what = "a target-tracking strategy"
            reader.rejectUnknownKeys(map, allowed: ["kind", "target", "tolerance"], in: what)
            let target = reader.number(reader.value("target", in: map, of: node, what: what, required: true), "target", in: 0...Double.infinity, exclusiveLower: true)
            let tolerance = reader.number(map["tolerance"], "tolerance", in: 0...0.99) ?? 0.1
            return target.map { .targetTracking(TargetTrackingParameters(target: $0, tolerance: tolerance)) }
        case "predictive":
            if aggregation != .total {
                reader.report("the predictive strategy forecasts the group's total load: set metric.aggregation to total", at: map["kind"])
            }
            return predictive(node, map).map { .predictive($0) }
        case nil:
            return nil
        case let other?:
            reader.report("strategy kind must be threshold, target-tracking or predictive, found '\(other)'", at: map["kind"])
            return nil
        }
    }

    static let predictiveKeys = [
        "kind", "unitCapacity", "targetUtilization", "quantile", "horizon", "history", "minimumHistory", "seasonality",
        "weeklyWeight", "profileResolution", "profileSmoothing", "levelWindow", "errorWindow", "refresh",
        "reactiveUtilization", "reactiveWindow", "scaleInTolerance", "discountTolerance", "discountWindow",
    ]

    private mutating func predictive(_ node: Node, _ map: Node.Mapping) -> PredictiveParameters? {
        let what = "a predictive strategy"
        reader.rejectUnknownKeys(map, allowed: Self.predictiveKeys, in: what)
        let positive = 0...Double.infinity
        guard let unit = reader.number(reader.value("unitCapacity", in: map, of: node, what: what, required: true), "unitCapacity", in: positive, exclusiveLower: true)
        else { return nil }
        var p = PredictiveParameters(unitCapacity: unit)
        p.targetUtilization = reader.number(map["targetUtilization"], "targetUtilization", in: 0...2, exclusiveLower: true) ?? p.targetUtilization
        p.quantile = reader.number(map["quantile"], "quantile", in: 0.5...0.9999) ?? p.quantile
        p.horizon = reader.duration(map["horizon"], "horizon", allowZero: true) ?? p.horizon
        p.history = reader.duration(map["history"], "history") ?? p.history
        p.minimumHistory = reader.duration(map["minimumHistory"], "minimumHistory") ?? p.minimumHistory
        p.weeklyWeight = reader.number(map["weeklyWeight"], "weeklyWeight", in: 0...1) ?? p.weeklyWeight
        p.profileResolution = reader.duration(map["profileResolution"], "profileResolution") ?? p.profileResolution
        p.profileSmoothing = reader.duration(map["profileSmoothing"], "profileSmoothing", allowZero: true) ?? p.profileSmoothing
        p.levelWindow = reader.duration(map["levelWindow"], "levelWindow") ?? p.levelWindow
        p.errorWindow = reader.duration(map["errorWindow"], "errorWindow") ?? p.errorWindow
        p.refresh = reader.duration(map["refresh"], "refresh") ?? p.refresh
        p.reactiveUtilization = reader.number(map["reactiveUtilization"], "reactiveUtilization", in: 0...2, exclusiveLower: true) ?? p.reactiveUtilization
        p.reactiveWindow = reader.duration(map["reactiveWindow"], "reactiveWindow", allowZero: true) ?? p.reactiveWindow
        p.scaleInTolerance = reader.number(map["scaleInTolerance"], "scaleInTolerance", in: 0...0.9) ?? p.scaleInTolerance
        p.discountWindow = reader.duration(map["discountWindow"], "discountWindow") ?? p.discountWindow
        if let node = map["discountTolerance"] {
            p.discountTolerance = node.scalar?.string == "off" ? nil : reader.number(node, "discountTolerance", in: 1...100)
        }
        if let node = map["seasonality"] { p.seasonality = seasonality(node) ?? p.seasonality }
        if p.minimumHistory > p.history, let node = map["minimumHistory"] ?? map["history"] {
            reader.report("'minimumHistory' must not exceed 'history'", at: node)
        }
        if 86_400.truncatingRemainder(dividingBy: p.profileResolution) != 0, let node = map["profileResolution"] {
            reader.report("'profileResolution' must divide a day evenly (e.g. 5m, 10m, 15m, 30m, 1h)", at: node)
        }
        return p
    }

    private mutating func seasonality(_ node: Node) -> Set<Seasonality>? {
        guard let items = node.sequence, !items.isEmpty else {
            reader.report("'seasonality' must be a non-empty list of daily, weekly", at: node)
            return nil
        }
        let values = items.compactMap { reader.choice($0, "seasonality", as: Seasonality.self) }
        return values.count == items.count ? Set(values) : nil
    }
}

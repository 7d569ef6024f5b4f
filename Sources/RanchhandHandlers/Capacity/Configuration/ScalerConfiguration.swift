import Foundation

/// Every scaler of one configuration file, parsed and checked once.
public struct CapacityConfiguration: Sendable, Equatable {
    public var scalers: [ScalerConfiguration]

    public init(scalers: [ScalerConfiguration]) {
        self.scalers = scalers
    }
}

/// One scaler: where the load metric comes from, what it scales, and how it decides.
public struct ScalerConfiguration: Sendable, Equatable {
    public var name: String
    public var target: CapacityTarget
    /// How often the scaler runs.
    public var period: TimeInterval
    public var rules: ScalingRules
    public var datastore: MetricDatastore
    public var strategy: CapacityStrategyConfiguration

    public init(
        name: String, target: CapacityTarget, period: TimeInterval, rules: ScalingRules,
        datastore: MetricDatastore, strategy: CapacityStrategyConfiguration
    ) {
        self.name = name
        self.target = target
        self.period = period
        self.rules = rules
        self.datastore = datastore
        self.strategy = strategy
    }

    /// The decision a scheduled run takes: the configured strategy on this history and state.
    public func decide(history: MetricHistory, capacity: CapacityState, now: Date) -> CapacityDecision {
        switch strategy {
        case let .threshold(parameters):
            ThresholdStrategy(rules: rules, parameters: parameters).decide(history: history, capacity: capacity, now: now)
        case let .targetTracking(parameters):
            TargetTrackingStrategy(rules: rules, parameters: parameters).decide(history: history, capacity: capacity, now: now)
        case let .predictive(parameters):
            PredictiveStrategy(rules: rules, parameters: parameters).decide(history: history, capacity: capacity, now: now)
        }
    }

    /// One line for `validate-config`.
    public var summary: String {
        let strategyText = switch strategy {
        case let .threshold(p): "threshold \(p.lower)…\(p.upper)"
        case let .targetTracking(p): "target-tracking \(p.target) ±\(Int(p.tolerance * 100)) %"
        case let .predictive(p): "predictive q\(p.quantile) c=\(p.unitCapacity) τ=\(p.targetUtilization)"
        }
        return "\(target) \(rules.minCapacity)…\(rules.maxCapacity), every \(Int(period)) s, \(strategyText), metric from \(datastore)"
    }
}

public enum CapacityTarget: Sendable, Equatable, CustomStringConvertible {
    case autoScalingGroup(name: String)
    case deployment(cluster: String, namespace: String, name: String)

    public var description: String {
        switch self {
        case let .autoScalingGroup(name): "autoscaling-group \(name)"
        case let .deployment(cluster, namespace, name): "deployment \(cluster)/\(namespace)/\(name)"
        }
    }
}

public enum MetricDatastore: Sendable, Equatable, CustomStringConvertible {
    case cloudWatch(CloudWatchMetricSource)
    case prometheus(PrometheusMetricSource)

    public var description: String {
        switch self {
        case let .cloudWatch(source):
            switch source.query {
            case let .metric(namespace, name, _, stat): "cloudwatch \(namespace) \(name) \(stat)"
            case .expression: "cloudwatch expression"
            }
        case let .prometheus(source): "prometheus \(source.endpoint)"
        }
    }
}

public struct CloudWatchDimension: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public struct CloudWatchMetricSource: Sendable, Equatable {
    public enum Query: Sendable, Equatable {
        case metric(namespace: String, name: String, dimensions: [CloudWatchDimension], stat: String)
        /// A metric-math expression that returns one time series.
        case expression(String)
    }

    /// A metric an expression refers to by its id (`(m1 + m2) / 300`); fetched, not returned.
    public struct ExpressionInput: Sendable, Equatable {
        public var id: String
        public var namespace: String
        public var name: String
        public var dimensions: [CloudWatchDimension]
        public var stat: String

        public init(id: String, namespace: String, name: String, dimensions: [CloudWatchDimension] = [], stat: String) {
            self.id = id
            self.namespace = namespace
            self.name = name
            self.dimensions = dimensions
            self.stat = stat
        }
    }

    public var query: Query
    /// Bucket width asked of GetMetricData.
    public var period: TimeInterval
    public var region: String?
    /// The metrics an expression names (empty for `.metric`, and for self-contained expressions
    /// such as `SUM(SEARCH('{AWS/ApplicationELB,LoadBalancer} RequestCount', 'Sum'))`).
    public var inputs: [ExpressionInput]

    public init(query: Query, period: TimeInterval, region: String? = nil, inputs: [ExpressionInput] = []) {
        self.query = query
        self.period = period
        self.region = region
        self.inputs = inputs
    }
}

public struct PrometheusMetricSource: Sendable, Equatable {
    public var endpoint: String
    /// PromQL that returns a single series.
    public var query: String
    public var step: TimeInterval

    public init(endpoint: String, query: String, step: TimeInterval) {
        self.endpoint = endpoint
        self.query = query
        self.step = step
    }
}

public enum CapacityStrategyConfiguration: Sendable, Equatable {
    case threshold(ThresholdParameters)
    case targetTracking(TargetTrackingParameters)
    case predictive(PredictiveParameters)
}

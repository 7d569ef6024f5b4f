import Foundation
import Yams

extension CapacityConfiguration {
    /// Parses and checks a configuration file; every problem found is reported with its file,
    /// line and column in one error.
    public static func load(yaml: String, file: String) throws(CapacityError) -> CapacityConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw .invalidConfiguration([syntaxProblem(error, file: file)])
        } catch {
            throw .invalidConfiguration([CapacityConfigurationProblem(file: file, line: 1, column: 1, message: "\(error)")])
        }
        var parser = ScalerConfigurationParser(reader: YAMLFieldReader(file: file))
        let scalers = parser.scalers(root: root)
        guard parser.reader.problems.isEmpty else {
            throw .invalidConfiguration(parser.reader.problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return CapacityConfiguration(scalers: scalers)
    }

    private static func syntaxProblem(_ error: YamlError, file: String) -> CapacityConfigurationProblem {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return CapacityConfigurationProblem(file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return CapacityConfigurationProblem(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in one mapping"
            )
        default:
            return CapacityConfigurationProblem(file: file, line: 1, column: 1, message: "YAML: \(error)")
        }
    }
}

/// The schema of a configuration file, one function per section.
struct ScalerConfigurationParser {
    var reader: YAMLFieldReader

    static let scalerKeys = ["name", "target", "min", "max", "period", "boostFactor", "warmUp", "coolDown", "datastore", "metric", "strategy"]

    mutating func scalers(root: Node?) -> [ScalerConfiguration] {
        guard let root, let top = reader.mapping(root, what: "the file") else {
            reader.report("the file is empty; it needs a 'scalers' list", line: 1, column: 1)
            return []
        }
        reader.rejectUnknownKeys(top, allowed: ["scalers"], in: "the file")
        guard let list = reader.value("scalers", in: top, of: root, what: "the file", required: true) else { return [] }
        guard let items = list.sequence, !items.isEmpty else {
            reader.report("'scalers' must be a non-empty list", at: list)
            return []
        }
        var seen: [String: Int] = [:]
        return items.compactMap { item in
            let scaler = scaler(item)
            if let scaler {
                if let line = seen[scaler.name] {
                    reader.report("scaler name '\(scaler.name)' is already used on line \(line); names must be unique", at: item)
                }
                seen[scaler.name] = item.mark?.line ?? 0
            }
            return scaler
        }
    }

    mutating func scaler(_ node: Node) -> ScalerConfiguration? {
        guard let map = reader.mapping(node, what: "a scaler") else { return nil }
        let name = reader.string(reader.value("name", in: map, of: node, what: "a scaler", required: true), "name")
        let what = "scaler '\(name ?? "?")'"
        reader.rejectUnknownKeys(map, allowed: Self.scalerKeys, in: what)
        let targetNode = reader.value("target", in: map, of: node, what: what, required: true)
        let parsedTarget = targetNode.flatMap { parseTarget($0) }
        let minimum = reader.integer(reader.value("min", in: map, of: node, what: what, required: true), "min", atLeast: 0)
        let maximum = reader.integer(reader.value("max", in: map, of: node, what: what, required: true), "max", atLeast: 1)
        if let minimum, let maximum, minimum > maximum, let maxNode = map["max"] {
            reader.report("'max' (\(maximum)) is below 'min' (\(minimum))", at: maxNode)
        }
        let period = reader.duration(map["period"], "period") ?? 60
        let boost = reader.integer(map["boostFactor"], "boostFactor", atLeast: 1) ?? 1
        let warmUp = reader.duration(map["warmUp"], "warmUp", allowZero: true) ?? 300
        let coolDown = reader.duration(map["coolDown"], "coolDown", allowZero: true) ?? 900
        let datastoreNode = reader.value("datastore", in: map, of: node, what: what, required: true)
        let parsedDatastore = datastoreNode.flatMap { datastore($0) }
        let parsedMetric = metric(map["metric"], period: period)
        let strategyNode = reader.value("strategy", in: map, of: node, what: what, required: true)
        let parsedStrategy = strategyNode.flatMap { strategy($0, aggregation: parsedMetric.aggregation) }
        guard let name, let parsedTarget, let minimum, let maximum, let parsedDatastore, let parsedStrategy else { return nil }
        let rules = ScalingRules(
            minCapacity: minimum, maxCapacity: maximum, boostFactor: boost, warmUp: warmUp, coolDown: coolDown,
            metricMaxAge: parsedMetric.maxAge, aggregation: parsedMetric.aggregation
        )
        return ScalerConfiguration(
            name: name, target: parsedTarget, period: period, rules: rules, datastore: parsedDatastore, strategy: parsedStrategy
        )
    }

    mutating func parseTarget(_ node: Node) -> CapacityTarget? {
        guard let map = reader.mapping(node, what: "'target'") else { return nil }
        let kind = reader.string(reader.value("kind", in: map, of: node, what: "'target'", required: true), "kind")
        switch kind {
        case "autoscaling-group":
            reader.rejectUnknownKeys(map, allowed: ["kind", "name"], in: "an autoscaling-group target")
            let name = reader.string(reader.value("name", in: map, of: node, what: "an autoscaling-group target", required: true), "name")
            return name.map { .autoScalingGroup(name: $0) }
        case "deployment":
            reader.rejectUnknownKeys(map, allowed: ["kind", "cluster", "namespace", "name"], in: "a deployment target")
            let fields = ["cluster", "namespace", "name"].map {
                reader.string(reader.value($0, in: map, of: node, what: "a deployment target", required: true), $0)
            }
            guard let cluster = fields[0], let namespace = fields[1], let name = fields[2] else { return nil }
            return .deployment(cluster: cluster, namespace: namespace, name: name)
        case nil:
            return nil
        case let other?:
            reader.report("target kind must be autoscaling-group or deployment, found '\(other)'", at: map["kind"])
            return nil
        }
    }

    mutating func metric(_ node: Node?, period: TimeInterval) -> (aggregation: MetricAggregation, maxAge: TimeInterval) {
        // A run may find the newest bucket not yet published; two periods plus a minute is normal.
        let defaultMaxAge = max(600, 2 * period + 60)
        guard let node, let map = reader.mapping(node, what: "'metric'") else { return (.total, defaultMaxAge) }
        reader.rejectUnknownKeys(map, allowed: ["aggregation", "maxAge"], in: "'metric'")
        let aggregation = reader.choice(map["aggregation"], "aggregation", as: MetricAggregation.self) ?? .total
        let maxAge = reader.duration(map["maxAge"], "maxAge") ?? defaultMaxAge
        return (aggregation, maxAge)
    }
}

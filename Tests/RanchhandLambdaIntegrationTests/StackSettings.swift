import Foundation
import RanchhandTestSupport
import Yams

/// The scale-in settings a deployment of `infra/` runs with, read from the templates (parameter
/// defaults and resource properties) — never re-typed in a test — and compressed in time by one
/// factor, so every ratio between them is the deployed one.
struct StackSettings {
    var heartbeatTimeout: Double
    var functionTimeout: Double
    var visibilityTimeout: Double
    var maxReceiveCount: Int
    var concurrency: Int
    var batchSize: Int
    var drainTimeout: Double
    var maxDrainWait: Double
    var reconcilePeriod: Double

    /// Reads infra/compute-group.yaml and infra/handlers.yaml as deployed with their defaults.
    static func deployed() throws -> StackSettings {
        let compute = try template("infra/compute-group.yaml")
        let handlers = try template("infra/handlers.yaml")
        func parameter(_ root: Node.Mapping, _ name: String) throws -> String {
            guard let value = root["Parameters"]?.mapping?[name]?.mapping?["Default"]?.string else { throw Missing(name) }
            return value
        }
        func property(_ logical: String, _ path: String...) throws -> String {
            var node = handlers["Resources"]?.mapping?[logical]?.mapping?["Properties"]
            for key in path { node = node?.mapping?[key] }
            guard let node else { throw Missing("\(logical).\(path.joined(separator: "."))") }
            // A `!Ref Parameter` resolves to the parameter's default.
            if node.tag.description == "!Ref", let name = node.string { return try parameter(handlers, name) }
            guard let text = node.string else { throw Missing("\(logical).\(path.joined(separator: ".")) is not a scalar") }
            return text
        }
        let schedule = try parameter(handlers, "ReconcileSchedule")
        return StackSettings(
            heartbeatTimeout: try number(parameter(compute, "TerminateHookHeartbeatTimeout")),
            functionTimeout: try number(property("ScaleInFunction", "Timeout")),
            visibilityTimeout: try number(property("ScaleInQueue", "VisibilityTimeout")),
            maxReceiveCount: Int(try number(property("ScaleInQueue", "RedrivePolicy", "maxReceiveCount"))),
            concurrency: Int(try number(property("ScaleInFunction", "ReservedConcurrentExecutions"))),
            batchSize: Int(try number(property("ScaleInEventSourceMapping", "BatchSize"))),
            drainTimeout: try number(parameter(handlers, "ScaleInDrainTimeout")),
            maxDrainWait: try number(parameter(handlers, "ScaleInMaxDrainWait")),
            reconcilePeriod: try rate(schedule))
    }

    /// Every duration divided by `factor`.
    func compressed(by factor: Double) -> StackSettings {
        var s = self
        s.heartbeatTimeout /= factor
        s.functionTimeout /= factor
        s.visibilityTimeout /= factor
        s.drainTimeout /= factor
        s.maxDrainWait /= factor
        s.reconcilePeriod /= factor
        return s
    }

    struct Missing: Error, CustomStringConvertible {
        let description: String
        init(_ what: String) { description = "the templates do not say \(what)" }
    }

    private static func template(_ path: String) throws -> Node.Mapping {
        let text = try String(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent(path), encoding: .utf8)
        guard let mapping = try Yams.compose(yaml: text)?.mapping else { throw Missing("anything: \(path) is not a mapping") }
        return mapping
    }

    private static func number(_ text: String) throws -> Double {
        guard let value = Double(text) else { throw Missing("a number in \"\(text)\"") }
        return value
    }

    /// `rate(15 minutes)` in seconds.
    private static func rate(_ expression: String) throws -> Double {
        let words = expression.dropFirst("rate(".count).dropLast().split(separator: " ")
        guard expression.hasPrefix("rate("), words.count == 2, let count = Double(words[0]) else { throw Missing("a rate in \(expression)") }
        switch words[1].hasSuffix("s") ? String(words[1].dropLast()) : String(words[1]) {
        case "minute": return count * 60
        case "hour": return count * 3600
        case "day": return count * 86400
        default: throw Missing("a rate unit in \(expression)")
        }
    }
}

import Foundation
import RanchhandEvents

extension CapacityDecisionReason: CustomStringConvertible {
    public var description: String {
        switch self {
        case .aboveUpperThreshold: "above-upper-threshold"
        case .belowLowerThreshold: "below-lower-threshold"
        case .withinThresholds: "within-thresholds"
        case .trackingTarget: "tracking-target"
        case .withinTolerance: "within-tolerance"
        case .forecast: "forecast"
        case .reactive: "reactive"
        case .alreadyAtRecommendation: "already-at-recommendation"
        case let .warmingUp(until): "warming-up until \(until.ISO8601Format())"
        case let .coolingDown(until): "cooling-down until \(until.ISO8601Format())"
        case .atMinimum: "at-minimum"
        case .atMaximum: "at-maximum"
        case .raisedToMinimum: "raised-to-minimum"
        case .loweredToMaximum: "lowered-to-maximum"
        case .metricStale: "metric-stale"
        case .noMetricData: "no-metric-data"
        }
    }
}

extension ScalerEvaluation {
    /// One JSON object per scaler (`plan --json`, the Lambda log): the decision and the numbers behind it.
    public var jsonLine: String {
        var fields: [(String, String)] = [
            ("scaler", JSONText.quoted(scaler)),
            ("target", JSONText.quoted(target.description)),
            ("action", JSONText.quoted(action.rawValue)),
            ("samples", String(samples)),
        ]
        if let decision {
            fields += [
                ("current", String(decision.current)),
                ("desired", String(decision.desired)),
                ("change", JSONText.quoted(decision.change.rawValue)),
                ("reason", JSONText.quoted(decision.reason.description)),
            ]
            let evidence = decision.evidence
            var numbers: [(String, String)] = []
            if let sample = evidence.latestSample {
                numbers.append(("latestSample", #"{"time":\#(JSONText.quoted(sample.time.ISO8601Format())),"value":\#(Self.number(sample.value))}"#))
            }
            let doubles: [(String, Double?)] = [
                ("metricPerInstance", evidence.metricPerInstance), ("forecastLoad", evidence.forecastLoad),
                ("forecastMean", evidence.forecastMean), ("forecastWeight", evidence.forecastWeight),
            ]
            let integers: [(String, Int?)] = [
                ("reactiveCapacity", evidence.reactiveCapacity), ("stabilizedCapacity", evidence.stabilizedCapacity),
                ("forecastCapacity", evidence.forecastCapacity), ("recommendedCapacity", evidence.recommendedCapacity),
            ]
            numbers += doubles.compactMap { name, value in value.map { (name, Self.number($0)) } }
            numbers += integers.compactMap { name, value in value.map { (name, String($0)) } }
            fields.append(("evidence", "{" + numbers.map { "\(JSONText.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"))
            fields.append(("warnings", "[" + decision.warnings.map { JSONText.quoted($0.description) }.joined(separator: ",") + "]"))
        }
        if let error { fields.append(("error", JSONText.quoted(error.description))) }
        return "{" + fields.map { "\(JSONText.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A few readable lines for `plan` and `run` on a terminal.
    public var text: String {
        guard let decision else { return "\(scaler) (\(target)): FAILED: \(error?.description ?? "unknown error")" }
        var line = "\(scaler) (\(target)): \(decision.current) → \(decision.desired) [\(decision.reason)] \(action.rawValue), \(samples) samples"
        let evidence = decision.evidence
        var numbers: [String] = []
        if let sample = evidence.latestSample { numbers.append("latest \(Self.number(sample.value)) at \(sample.time.ISO8601Format())") }
        if let value = evidence.metricPerInstance { numbers.append("per instance \(Self.number(value))") }
        if let value = evidence.reactiveCapacity { numbers.append("reactive \(value)") }
        if let value = evidence.forecastCapacity { numbers.append("forecast \(value)") }
        if let value = evidence.forecastLoad { numbers.append("forecast load \(Self.number(value))") }
        if let value = evidence.forecastWeight, value < 1 { numbers.append("forecast weight \(Self.number(value))") }
        if !numbers.isEmpty { line += "\n    " + numbers.joined(separator: ", ") }
        for warning in decision.warnings { line += "\n    warning: \(warning)" }
        if let error { line += "\n    FAILED: \(error)" }
        return line
    }

    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.4g", value)
    }
}

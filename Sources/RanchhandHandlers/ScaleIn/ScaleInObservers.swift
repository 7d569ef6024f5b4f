import Foundation
import RanchhandClients
import RanchhandEvents

/// Counts and times scale-ins for `/metrics` (poller mode) and CloudWatch Embedded Metric Format
/// lines (Lambda mode, where stdout goes to CloudWatch Logs and becomes metrics without API calls).
public actor ScaleInMetrics: ScaleInObserver {
    public private(set) var outcomes: [String: Int] = [:]
    private let emit: (@Sendable (String) -> Void)?
    private let namespace: String
    private let now: @Sendable () -> Date

    /// With `emitEmbeddedMetrics`, each scale-in also writes one EMF line through it.
    public init(namespace: String = "Ranchhand", emitEmbeddedMetrics: (@Sendable (String) -> Void)? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.namespace = namespace
        self.emit = emitEmbeddedMetrics
        self.now = now
    }

    public func scaleIn(_ event: LifecycleActionNotification, plan: ScaleInPlan, result: ScaleInResult) async {
        let outcome = Self.outcomeName(result)
        outcomes["\(plan.verdict.rawValue)/\(outcome)", default: 0] += 1
        emit?(embeddedMetricLine(event, plan: plan, outcome: outcome))
    }

    static func outcomeName(_ result: ScaleInResult) -> String {
        switch result {
        case .completed(let result, _): "completed-\(result.rawValue.lowercased())"
        case .completedForced(let result, _): "completed-\(result.rawValue.lowercased())-forced"
        case .nothingToDo: "nothing-to-do"
        case .finished: "finished"
        case .unfinished: "unfinished"
        case .held: "held"
        case .failed: "failed"
        case .refusedAtDeletion(let result?, _): "refused-\(result.rawValue.lowercased())"
        case .refusedAtDeletion(nil, _): "refused-held"
        }
    }

    /// Prometheus text exposition format.
    public func prometheusText() -> String {
        var lines = ["# HELP ranchhand_scale_in_total Scale-in events handled, by decision and outcome.",
                     "# TYPE ranchhand_scale_in_total counter"]
        for (key, count) in outcomes.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            lines.append(#"ranchhand_scale_in_total{decision="\#(parts[0])",outcome="\#(parts[1])"} \#(count)"#)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func embeddedMetricLine(_ event: LifecycleActionNotification, plan: ScaleInPlan, outcome: String) -> String {
        let timestamp = Int64(now().timeIntervalSince1970 * 1000)
        return #"{"_aws":{"Timestamp":\#(timestamp),"CloudWatchMetrics":[{"Namespace":"\#(namespace)","#
            + #""Dimensions":[["Decision","Outcome"]],"Metrics":[{"Name":"ScaleIn","Unit":"Count"}]}]},"#
            + #""Decision":"\#(plan.verdict.rawValue)","Outcome":"\#(outcome)","ScaleIn":1,"#
            + #""InstanceId":"\#(event.instanceID.rawValue)","AutoScalingGroupName":\#(JSONText.quoted(event.groupName.rawValue))}"#
    }


}

/// The text a webhook (Slack-compatible `{"text": …}`) gets for a completed, refused or failed
/// scale-in. Unfinished work in progress is not announced on every delivery; refusals are.
public enum ScaleInAnnouncement {
    public static func text(_ event: LifecycleActionNotification, plan: ScaleInPlan, result: ScaleInResult) -> String? {
        let subject = "\(event.instanceID) in \(event.groupName)"
        switch result {
        case .completed(let lifecycle, _) where plan.verdict == .refuse:
            return ":warning: ranchhand refused to remove \(subject): \(plan.reason) (lifecycle action \(lifecycle.rawValue))"
        case .completed(let lifecycle, _):
            let node = plan.node.map { " (node \($0.id))" } ?? ""
            return ":white_check_mark: ranchhand scale-in of \(subject)\(node): \(plan.verdict.rawValue), \(lifecycle.rawValue)"
        case .completedForced(let lifecycle, let pods):
            let names = pods.map(\.description).joined(separator: ", ")
            return ":warning: ranchhand removed \(subject) after MaxDrainWait with pods not evicted: \(names) (lifecycle action \(lifecycle.rawValue))"
        case .held(let why):
            return ":rotating_light: ranchhand is holding the termination of \(subject): \(why). An operator must decide."
        case .failed(let why):
            return ":x: ranchhand scale-in of \(subject) failed: \(why)"
        case .refusedAtDeletion(let lifecycle?, let reason):
            return ":warning: ranchhand refused to remove \(subject) when it re-checked before the deletion: \(reason) (lifecycle action \(lifecycle.rawValue))"
        case .refusedAtDeletion(nil, let reason):
            return ":rotating_light: ranchhand is holding the termination of \(subject): \(reason). An operator must decide."
        case .unfinished, .nothingToDo, .finished:
            return nil
        }
    }
}

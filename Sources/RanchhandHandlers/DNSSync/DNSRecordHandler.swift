import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandLambda

/// What an event asks of the DNS syncer.
public enum DNSTrigger: Sendable, Equatable {
    /// Reconcile, leaving out instances that are going away.
    case sync(excluding: Set<InstanceID>, reason: String)
    case ignore(String)

    /// Launches and terminations of the node pool's group (lifecycle hook or activity, any
    /// delivery path), and scheduled events, trigger a sync; a terminating instance is excluded at
    /// once. Everything else — test notifications, launch hooks (the instance is not in service
    /// yet), other groups — is acknowledged and left alone. No trigger ever completes a lifecycle
    /// action: only the scale-in handler does.
    public static func of(_ payload: EventPayload, group: AutoScalingGroupName?) -> DNSTrigger {
        switch payload {
        case .scheduled:
            return .sync(excluding: [], reason: "scheduled reconcile")
        case .testNotification:
            return .ignore("test notification")
        case .lifecycleAction(let action):
            guard action.groupName == group else { return .ignore("lifecycle hook of group \(action.groupName), not the node pool's") }
            guard action.transition == .terminating else { return .ignore("launch hook: the instance is not in service yet") }
            return .sync(excluding: [action.instanceID], reason: "instance \(action.instanceID) terminating")
        case .instanceActivity(let activity):
            guard activity.groupName == group else { return .ignore("activity of group \(activity.groupName), not the node pool's") }
            switch activity.kind {
            case .launchSuccessful: return .sync(excluding: [], reason: "instance \(activity.instanceID) launched")
            case .terminateSuccessful: return .sync(excluding: [activity.instanceID], reason: "instance \(activity.instanceID) terminated")
            case .launchUnsuccessful, .terminateUnsuccessful: return .ignore("\(payload.kind.rawValue): no change in service")
            }
        default:
            return .ignore("\(payload.kind.rawValue) does not change DNS")
        }
    }
}

/// The DNS syncer as the Lambda loop, the SQS poller and `replay` see it. It reads its own queue or
/// rule; it never shares one with another tool and never completes lifecycle actions.
public struct DNSRecordHandler: BatchRecordHandler {
    public let syncer: DNSSyncer
    public let dryRun: Bool
    /// Told about every sync (the executable prints the JSON for `--dry-run` and `replay`).
    public let report: @Sendable (DNSSyncResult) -> Void

    public init(syncer: DNSSyncer, dryRun: Bool = false, report: @escaping @Sendable (DNSSyncResult) -> Void = { _ in }) {
        self.syncer = syncer
        self.dryRun = dryRun
        self.report = report
    }

    public func handle(_ record: EventRecord, context: HandlingContext) async -> RecordOutcome {
        await handle(batch: [record], context: context)[0]
    }

    /// Every record of a batch that asks for a sync gets one shared sync, leaving out every
    /// instance any of them says is going (one zone read per batch, not one per record).
    public func handle(batch records: [EventRecord], context: HandlingContext) async -> [RecordOutcome] {
        let triggers = records.map { record in
            record.payload.map { DNSTrigger.of($0, group: syncer.configuration.nodePool?.group) } ?? .ignore("undecodable record")
        }
        var excluded: Set<InstanceID> = []
        var reasons: [String] = []
        for case .sync(let leaving, let reason) in triggers {
            excluded.formUnion(leaving)
            reasons.append(reason)
        }
        // No record asks for a sync: nothing is read at all.
        let shared = reasons.isEmpty ? RecordOutcome.ignored("") : await sync(excluding: excluded, reason: Self.summary(reasons), context: context)
        return zip(records, triggers).map { record, trigger in
            switch trigger {
            case .ignore(let why): record.payload == nil ? .failed(why) : .ignored(why)
            case .sync: shared
            }
        }
    }

    private func sync(excluding excluded: Set<InstanceID>, reason: String, context: HandlingContext) async -> RecordOutcome {
        var logger = context.logger
        logger[metadataKey: "trigger"] = "\(reason)"
        var syncer = self.syncer
        syncer.logger = logger
        let result: DNSSyncResult
        do {
            result = try await syncer.sync(excluding: excluded, dryRun: dryRun)
        } catch {
            logger.error("DNS sync could not run; will retry", metadata: ["error": "\(error)"])
            return .retry("\(reason): \(error)")
        }
        report(result)
        return Self.outcome(of: result, reason: reason)
    }

    static func summary(_ reasons: [String]) -> String {
        reasons.count == 1 ? reasons[0] : "\(reasons.count) events (\(reasons.prefix(3).joined(separator: "; "))\(reasons.count > 3 ? "; …" : ""))"
    }

    /// A sync that could not finish (throttled past the policy, a lost connection) is retried;
    /// records Route53 refuses are reported, not retried: redelivery would not change the answer.
    static func outcome(of result: DNSSyncResult, reason: String) -> RecordOutcome {
        guard let report = result.report else {
            return .done("\(reason): \(result.plan.changes.count) changes planned" + (result.plan.isEmpty ? " (in sync)" : ""))
        }
        if let error = report.error { return .retry("\(reason): apply stopped: \(error)") }
        var text = "\(reason): \(report.applied.count) changes applied in \(report.changeRequests) requests"
        if !report.rejected.isEmpty {
            text += "; refused: " + report.rejected.map { "\($0.group.key): \($0.message)" }.joined(separator: "; ")
        }
        return .done(text)
    }
}

import Logging
import RanchhandClients

/// What applying a plan did.
public struct ApplyReport: Sendable, Equatable {
    /// A change group Route53 refused, with its answer. The rest of the plan still went through.
    public struct Rejection: Sendable, Equatable {
        public var group: ChangeGroup
        public var message: String
    }

    public var applied: [PlannedChange] = []
    public var rejected: [Rejection] = []
    /// ChangeResourceRecordSets requests sent (bisection included; the client's own retries not).
    public var changeRequests = 0
    /// The ids of the accepted changes, for GetChange.
    public var changeIDs: [ChangeID] = []
    /// A failure that stopped the apply (throttling past the retry policy, a lost connection):
    /// batches after it were not sent, so the whole sync should run again.
    public var error: ClientError?

    public init() {}
}

/// Applies a plan with the fewest ChangeResourceRecordSets requests. Throttling and
/// PriorRequestNotComplete are retried inside the client (the shared retry policy). A request
/// Route53 refuses as a whole (`InvalidChangeBatch`, or `InvalidInput`) is split so one bad record
/// never blocks the rest (external-dns #104/#421): groups its message names are set aside at
/// once, otherwise the batch is bisected down to the group at fault, which is reported.
public struct RecordPlanExecutor: Sendable {
    public let route53: any Route53Client
    public let zone: HostedZoneID
    public let limits: BatchLimits
    public var logger: Logger

    public init(route53: any Route53Client, zone: HostedZoneID, limits: BatchLimits = .route53, logger: Logger) {
        self.route53 = route53
        self.zone = zone
        self.limits = limits
        self.logger = logger
    }

    public func apply(_ plan: RecordPlan, comment: String? = "ranchhand-dns") async -> ApplyReport {
        var report = ApplyReport()
        let packed = ChangeBatcher.batches(plan.changes, limits: limits)
        for group in packed.oversized {
            report.rejected.append(.init(group: group, message: "the changes for \(group.key) alone exceed Route53's per-request limits "
                                         + "(\(limits.maximumRecords) records, \(limits.maximumCharacters) characters)"))
        }
        for batch in packed.batches {
            await submit(batch, comment: comment, into: &report)
            if report.error != nil { break }
        }
        for rejection in report.rejected {
            logger.error("Route53 refused a record; the rest was applied", metadata: [
                "record": "\(rejection.group.key)", "resource": "\(rejection.group.changes.first?.resource.rawValue ?? "")",
                "error": "\(rejection.message)",
            ])
        }
        return report
    }

    private func submit(_ groups: [ChangeGroup], comment: String?, into report: inout ApplyReport) async {
        guard !groups.isEmpty, report.error == nil else { return }
        let changes = groups.flatMap(\.changes)
        report.changeRequests += 1
        do {
            let info = try await route53.changeResourceRecordSets(zone, changes: changes.map(\.change), comment: comment)
            report.applied += changes
            report.changeIDs.append(info.id)
            logger.info("record changes submitted", metadata: ["changes": "\(changes.count)", "change_id": "\(info.id)"])
        } catch where Self.refusesTheBatch(error) {
            if groups.count == 1 {
                report.rejected.append(.init(group: groups[0], message: error.message))
                return
            }
            let named = groups.filter { group in group.changes.contains { Self.message(error.message, names: $0.recordSet.name) } }
            if !named.isEmpty, named.count < groups.count {
                for group in named { report.rejected.append(.init(group: group, message: error.message)) }
                await submit(groups.filter { group in !named.contains { $0.key == group.key } }, comment: comment, into: &report)
                return
            }
            let middle = groups.count / 2
            await submit(Array(groups[..<middle]), comment: comment, into: &report)
            await submit(Array(groups[middle...]), comment: comment, into: &report)
        } catch {
            logger.error("ChangeResourceRecordSets failed; stopping this apply", metadata: ["error": "\(error)"])
            report.error = error
        }
    }

    /// Route53 refused the request's content (nothing was applied; the batch is atomic).
    /// moto answers `InvalidInput` where Route53 says `InvalidChangeBatch` (a missing DELETE).
    static func refusesTheBatch(_ error: ClientError) -> Bool {
        error.kind == .service && error.statusCode == 400 && error.isCode("InvalidChangeBatch", "InvalidInput")
    }

    /// Whether `message` mentions `name` as a whole DNS name (with or without the trailing dot):
    /// `app.example.com.` is not mentioned by `[name='www.app.example.com.']`.
    static func message(_ message: String, names name: String) -> Bool {
        let text = Array(message.lowercased().unicodeScalars)
        var bare = RecordName.normalized(name)
        bare.removeLast()
        let needle = Array(bare.unicodeScalars)
        guard !needle.isEmpty, text.count >= needle.count else { return false }
        func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar {
            case "a"..."z", "0"..."9", "-", "_", "*", ".": true
            default: false
            }
        }
        var start = 0
        while start + needle.count <= text.count {
            if text[start..<(start + needle.count)].elementsEqual(needle) {
                let before = start == 0 || !isNameCharacter(text[start - 1])
                let end = start + needle.count
                // A trailing dot belongs to the name; anything else name-like after it does not.
                var afterIndex = end
                if afterIndex < text.count, text[afterIndex] == "." { afterIndex += 1 }
                let after = afterIndex >= text.count || !isNameCharacter(text[afterIndex])
                if before, after { return true }
            }
            start += 1
        }
        return false
    }
}

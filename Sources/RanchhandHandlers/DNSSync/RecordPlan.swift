import RanchhandClients

/// What may change: external-dns's `--policy`, with no default (it is required, as external-dns
/// requires it since v0.22: a silent `sync` deletes records).
public enum PlanPolicy: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Create, update and delete owned records.
    case sync
    /// Create and update; never delete.
    case upsertOnly = "upsert-only"
    /// Create only.
    case createOnly = "create-only"

    public var description: String { rawValue }

    func allows(_ operation: PlannedChange.Operation) -> Bool {
        switch (self, operation) {
        case (.sync, _), (.upsertOnly, .create), (.upsertOnly, .update), (.createOnly, .create): true
        default: false
        }
    }
}

/// One Route53 change, with what it is for. A record's changes and its TXT's share `group`.
public struct PlannedChange: Sendable, Equatable {
    /// What the change does to the record it is about (what policies filter on).
    public enum Operation: String, Sendable { case create, update, delete }

    public var action: RecordChange.Action
    public var recordSet: ResourceRecordSet
    public var resource: DNSResource
    public var group: RecordKey
    public var operation: Operation
    /// A TXT registry record rather than the record itself.
    public var isOwnership: Bool
    /// The type of the record the change is about (for a TXT: the type of the record it owns).
    public var recordType: RecordType

    public var change: RecordChange { RecordChange(action, recordSet) }
}

/// A desired record that was not planned, and why. Conflicts are reported, never forced.
public struct RecordConflict: Sendable, Equatable {
    public var name: String
    public var type: RecordType
    public var setIdentifier: String?
    public var resource: DNSResource?
    public var reason: String

    public init(name: String, type: RecordType, setIdentifier: String? = nil, resource: DNSResource?, reason: String) {
        self.name = name
        self.type = type
        self.setIdentifier = setIdentifier
        self.resource = resource
        self.reason = reason
    }

    init(_ endpoint: DNSEndpoint, _ reason: String) {
        self.init(name: endpoint.name, type: endpoint.type, setIdentifier: endpoint.key.setIdentifier, resource: endpoint.resource, reason: reason)
    }
}

/// The pure decision: the zone as listed and the records wanted → the changes, external-dns's
/// `Plan.Calculate` rules with its TXT registry folded in.
public struct RecordPlan: Sendable, Equatable {
    public var changes: [PlannedChange]
    public var conflicts: [RecordConflict]
    /// Changes the policy held back (upsert-only: deletions; create-only: updates and deletions).
    public var heldByPolicy: Int

    public var isEmpty: Bool { changes.isEmpty }

    /// The record types ranchhand manages; every other type (and TXT) is never planned directly.
    public static let managedTypes: Set<RecordType> = [.a, .aaaa, .cname]

    /// * A record is ours when its registry TXT names `owner`; only ours are updated or deleted.
    /// * A desired record is created only when nothing foreign holds its name (any managed type)
    ///   or its TXT name; otherwise it is a conflict.
    /// * Two resources claiming one record: the one that already owns it keeps it, else the
    ///   first by resource name; CNAME beside another type at one name: the CNAME is dropped.
    /// * Alias ↔ plain or a routing change is DELETE + CREATE; other differences are UPSERT.
    /// * Records of `desired.retained` resources, or of resources outside `desired.scope`, are not
    ///   deleted for want of a desired record; an owned record without a `resource` label neither.
    /// * Node-pool records follow `nodePoolPolicy` (nil: `policy`), every other record `policy`.
    public static func calculate(current: [ResourceRecordSet], desired: DesiredRecords, policy: PlanPolicy, nodePoolPolicy: PlanPolicy? = nil,
                                 owner: OwnerID, registry: TXTRegistry = TXTRegistry()) -> RecordPlan {
        let zone = ZoneIndex(current, registry: registry, owner: owner)
        var conflicts = desired.rejected
        let wanted = resolve(desired.endpoints, zone: zone, conflicts: &conflicts)
        var changes: [PlannedChange] = []
        var held = 0
        for key in Set(zone.rows.keys).union(wanted.keys).sorted() {
            var row = RowPlanner(key: key, current: zone.rows[key] ?? [:], desired: wanted[key] ?? [:], zone: zone,
                                 retained: desired.retained, scope: desired.scope)
            row.plan()
            let rule = { (change: PlannedChange) in change.resource.isNodePool ? nodePoolPolicy ?? policy : policy }
            let kept = row.changes.filter { rule($0).allows($0.operation) }
            held += row.changes.count - kept.count
            changes += row.dropCreatesBlockedByKeptRecords(kept, policy: row.changes.first.map(rule) ?? policy, conflicts: &conflicts)
            conflicts += row.conflicts
        }
        return RecordPlan(changes: changes, conflicts: conflicts, heldByPolicy: held)
    }

    /// One endpoint per (key, type): ownership stickiness, then resource order; no CNAME beside
    /// another type.
    static func resolve(_ endpoints: [DNSEndpoint], zone: ZoneIndex, conflicts: inout [RecordConflict]) -> [RecordKey: [RecordType: DNSEndpoint]] {
        var candidates: [RecordKey: [RecordType: [DNSEndpoint]]] = [:]
        for endpoint in endpoints { candidates[endpoint.key, default: [:]][endpoint.type, default: []].append(endpoint) }
        var wanted: [RecordKey: [RecordType: DNSEndpoint]] = [:]
        for (key, byType) in candidates {
            var row: [RecordType: DNSEndpoint] = [:]
            for (type, claims) in byType {
                let sticky = zone.rows[key]?[type].flatMap { zone.ours($0)?.resource }
                let ordered = claims.sorted { $0.resource < $1.resource }
                let winner = ordered.first { $0.resource == sticky } ?? ordered[0]
                row[type] = winner
                for loser in ordered where loser.resource != winner.resource {
                    conflicts.append(RecordConflict(loser, "also claimed by \(winner.resource), which keeps it"))
                }
            }
            if let cname = row[.cname], row.count > 1 {
                row[.cname] = nil
                conflicts.append(RecordConflict(cname, "a CNAME cannot share its name with other records (\(row.keys.map(\.rawValue).sorted().joined(separator: ", ")))"))
            }
            wanted[key] = row
        }
        return wanted
    }
}

/// The zone as listed: managed records by key and type, TXT records by key, and who owns what.
struct ZoneIndex {
    var rows: [RecordKey: [RecordType: ResourceRecordSet]] = [:]
    var txt: [RecordKey: ResourceRecordSet] = [:]
    let registry: TXTRegistry
    let owner: OwnerID

    init(_ records: [ResourceRecordSet], registry: TXTRegistry, owner: OwnerID) {
        self.registry = registry
        self.owner = owner
        for record in records {
            let key = RecordKey(name: record.name, setIdentifier: record.setIdentifier)
            if record.type == .txt {
                if txt[key] == nil { txt[key] = record }
            } else if RecordPlan.managedTypes.contains(record.type), rows[key]?[record.type] == nil {
                rows[key, default: [:]][record.type] = record
            }
        }
    }

    func labels(of txt: ResourceRecordSet) -> OwnershipLabels? {
        txt.values.lazy.compactMap(OwnershipLabels.init(txtValue:)).first
    }

    /// The registry TXT records that claim `record` (current format first, then the legacy
    /// `cname-` one of an A ALIAS), with their labels.
    func claims(on record: ResourceRecordSet) -> [(txt: ResourceRecordSet, labels: OwnershipLabels)] {
        var types = [record.type]
        if record.type == .a, record.aliasTarget != nil { types.append(.cname) }
        return types.compactMap { type in
            let key = RecordKey(name: registry.txtName(for: record.name, type: type), setIdentifier: record.setIdentifier)
            guard let txt = txt[key], let labels = labels(of: txt) else { return nil }
            return (txt, labels)
        }
    }

    /// The labels when `record` is ours, else nil.
    func ours(_ record: ResourceRecordSet) -> OwnershipLabels? {
        claims(on: record).first { $0.labels.owner == owner }?.labels
    }

    /// Deleting an owned record: the record, then the ownership TXT records of ours that claim it.
    func deletion(of record: ResourceRecordSet, resource: DNSResource, key: RecordKey) -> [PlannedChange] {
        let txt = claims(on: record).filter { $0.labels.owner == owner }.map { claim in
            PlannedChange(action: .delete, recordSet: claim.txt, resource: resource, group: key, operation: .delete, isOwnership: true, recordType: record.type)
        }
        return [PlannedChange(action: .delete, recordSet: record, resource: resource, group: key, operation: .delete, isOwnership: false,
                              recordType: record.type)] + txt
    }

    /// Why `record` is not ours, for a conflict message.
    func foreignDescription(_ record: ResourceRecordSet) -> String {
        let what = "\(record.type) record \(RecordName.normalized(record.name))"
        if let other = claims(on: record).first?.labels.owner { return "\(what) is owned by \(other)" }
        return "\(what) exists and has no ownership TXT"
    }
}

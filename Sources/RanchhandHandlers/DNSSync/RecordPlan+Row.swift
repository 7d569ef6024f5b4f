import RanchhandClients

/// The changes for one key (name + SetIdentifier): every managed type there, current and desired.
struct RowPlanner {
    let key: RecordKey
    let current: [RecordType: ResourceRecordSet]
    let desired: [RecordType: DNSEndpoint]
    let zone: ZoneIndex
    let retained: Set<DNSResource>
    let scope: ResourceScope
    private(set) var changes: [PlannedChange] = []
    private(set) var conflicts: [RecordConflict] = []

    init(key: RecordKey, current: [RecordType: ResourceRecordSet], desired: [RecordType: DNSEndpoint], zone: ZoneIndex,
         retained: Set<DNSResource>, scope: ResourceScope) {
        self.key = key
        self.current = current
        self.desired = desired
        self.zone = zone
        self.retained = retained
        self.scope = scope
    }

    mutating func plan() {
        let foreign = current.values.filter { zone.ours($0) == nil }.sorted { $0.type.rawValue < $1.type.rawValue }
        for type in Set(current.keys).union(desired.keys).sorted(by: { $0.rawValue < $1.rawValue }) {
            switch (current[type], desired[type]) {
            case (nil, let wanted?):
                if let blocker = foreign.first {
                    conflicts.append(RecordConflict(wanted, zone.foreignDescription(blocker)))
                } else {
                    create(wanted)
                }
            case (let existing?, nil):
                guard let labels = zone.ours(existing), let resource = labels.resource, scope.contains(resource),
                      !retained.contains(resource) else { continue }
                delete(existing, resource: resource)
            case (let existing?, let wanted?):
                if zone.ours(existing) == nil {
                    conflicts.append(RecordConflict(wanted, zone.foreignDescription(existing)))
                } else {
                    update(existing, to: wanted)
                }
            case (nil, nil):
                continue
            }
        }
        changes.sort { ($0.action.order, $0.isOwnership ? 1 : 0, $0.recordSet.type.rawValue) < ($1.action.order, $1.isOwnership ? 1 : 0, $1.recordSet.type.rawValue) }
    }

    private mutating func create(_ wanted: DNSEndpoint) {
        let labels = OwnershipLabels(owner: zone.owner, resource: wanted.resource)
        let txtKey = RecordKey(name: zone.registry.txtName(for: wanted.name, type: wanted.type), setIdentifier: key.setIdentifier)
        if let existing = zone.txt[txtKey] {
            guard let found = zone.labels(of: existing), found.owner == zone.owner else {
                let holder = zone.labels(of: existing)?.owner.map { "owner \($0)" } ?? "a TXT record outside the registry"
                conflicts.append(RecordConflict(wanted, "its ownership name \(txtKey.name) is held by \(holder)"))
                return
            }
            add(.create, wanted.recordSet, wanted, .create)
            if found != labels { add(.upsert, ownership(wanted, labels), wanted, .create, ownership: true) }
            return
        }
        add(.create, wanted.recordSet, wanted, .create)
        add(.create, ownership(wanted, labels), wanted, .create, ownership: true)
    }

    private mutating func delete(_ existing: ResourceRecordSet, resource: DNSResource) {
        for change in zone.deletion(of: existing, resource: resource, key: key) { append(change) }
    }

    private mutating func update(_ existing: ResourceRecordSet, to wanted: DNSEndpoint) {
        let labels = OwnershipLabels(owner: zone.owner, resource: wanted.resource)
        let claims = zone.claims(on: existing).filter { $0.labels.owner == zone.owner }
        let currentName = RecordName.normalized(zone.registry.txtName(for: wanted.name, type: wanted.type))
        let currentFormat = claims.first { RecordName.normalized($0.txt.name) == currentName }
        let routingChanged = (existing.aliasTarget != nil) != wanted.target.isAlias
            || (existing.multiValueAnswer ?? false) != wanted.multiValueAnswer
        if routingChanged {
            // Route53 cannot UPSERT across alias/plain or routing policies: replace record and TXT.
            add(.delete, existing, wanted, .update)
            for claim in claims { add(.delete, claim.txt, wanted, .update, ownership: true) }
            add(.create, wanted.recordSet, wanted, .update)
            add(.create, ownership(wanted, labels), wanted, .update, ownership: true)
            return
        }
        if !Self.same(existing, wanted) { add(.upsert, wanted.recordSet, wanted, .update) }
        if let currentFormat {
            if currentFormat.labels != labels { add(.upsert, ownership(wanted, labels), wanted, .update, ownership: true) }
        } else {
            // Owned through the legacy `cname-` TXT of an A ALIAS: move to the current name.
            add(.create, ownership(wanted, labels), wanted, .update, ownership: true)
        }
        for claim in claims where RecordName.normalized(claim.txt.name) != currentName {
            add(.delete, claim.txt, wanted, .update, ownership: true)
        }
    }

    private func ownership(_ wanted: DNSEndpoint, _ labels: OwnershipLabels) -> ResourceRecordSet {
        zone.registry.ownershipRecord(for: key, type: wanted.type, multiValueAnswer: wanted.multiValueAnswer ? true : nil, labels: labels)
    }

    private mutating func add(_ action: RecordChange.Action, _ record: ResourceRecordSet, _ wanted: DNSEndpoint,
                              _ operation: PlannedChange.Operation, ownership: Bool = false) {
        append(PlannedChange(action: action, recordSet: record, resource: wanted.resource, group: key, operation: operation,
                             isOwnership: ownership, recordType: wanted.type))
    }

    private mutating func append(_ change: PlannedChange) { changes.append(change) }

    /// After the policy filter: a CNAME may not be created beside a record the policy keeps (and
    /// no record beside a kept CNAME). Such creations become conflicts.
    func dropCreatesBlockedByKeptRecords(_ kept: [PlannedChange], policy: PlanPolicy, conflicts: inout [RecordConflict]) -> [PlannedChange] {
        let deleted = Set(kept.filter { $0.action == .delete && !$0.isOwnership }.map(\.recordSet.type))
        let remaining = Set(current.keys).subtracting(deleted)
        var blocked: Set<RecordType> = []
        for change in kept where change.action == .create && !change.isOwnership && !remaining.contains(change.recordType) {
            let type = change.recordType
            if (type == .cname && !remaining.isEmpty) || (type != .cname && remaining.contains(.cname)) {
                blocked.insert(type)
                let keptTypes = remaining.map(\.rawValue).sorted().joined(separator: ", ")
                conflicts.append(RecordConflict(name: key.name, type: type, setIdentifier: key.setIdentifier, resource: change.resource,
                                                reason: "policy \(policy) keeps the \(keptTypes) record that it would replace"))
            }
        }
        return kept.filter { !blocked.contains($0.recordType) }
    }

    /// Whether Route53's record already says what `wanted` says (values compared as sets).
    static func same(_ existing: ResourceRecordSet, _ wanted: DNSEndpoint) -> Bool {
        switch wanted.target {
        case .alias(let alias):
            guard let current = existing.aliasTarget else { return false }
            return current.hostedZoneID == alias.hostedZoneID && current.evaluateTargetHealth == alias.evaluateTargetHealth
                && RecordName.normalized(current.dnsName) == RecordName.normalized(alias.dnsName)
        case .values(let values):
            guard existing.aliasTarget == nil, existing.ttl == wanted.ttl else { return false }
            let normalize: (String) -> String = wanted.type == .cname ? { RecordName.normalized($0) } : { $0 }
            return Set(existing.values.map(normalize)) == Set(values.map(normalize))
        }
    }
}

extension RecordTarget {
    var isAlias: Bool { if case .alias = self { true } else { false } }
}

extension RecordChange.Action {
    /// Within one batch: deletions first (a CNAME can then be replaced by an A), then upserts, then creations.
    var order: Int {
        switch self {
        case .delete: 0
        case .upsert: 1
        case .create: 2
        }
    }
}

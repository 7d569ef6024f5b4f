import Logging
import RanchhandClients
import RanchhandEvents

/// Takes one leaving instance out of the node-pool records this owner wrote, before its node is
/// drained: its own multivalue record set (SetIdentifier = instance id) is deleted with its
/// ownership TXT, and its address is removed from a simple pool record. Nothing else is touched:
/// no Ingress record, no foreign record, no other instance's.
public enum NodePoolWithdrawal {
    /// What the zone holds for the instance, and what to change.
    public struct Plan: Sendable, Equatable {
        public var changes: [PlannedChange]
        /// The longest TTL among the records changed: how long resolvers may still answer with them.
        public var ttl: Int?
        /// The TTL the instance's pool uses, for a redelivery that finds the record already gone.
        public var poolTTL: Int?
        /// Why nothing is withdrawn although the instance is listed (the pool's last member).
        public var keptBecause: String?
    }

    public static func plan(instance: InstanceID, addresses: [String], current: [ResourceRecordSet], owner: OwnerID,
                            registry: TXTRegistry = TXTRegistry()) -> Plan {
        let zone = ZoneIndex(current, registry: registry, owner: owner)
        let owned = current.filter { RecordPlan.managedTypes.contains($0.type) }
            .compactMap { record in zone.ours(record)?.resource.flatMap { $0.isNodePool ? (record, $0) : nil } }
        var plan = Plan(changes: [], ttl: nil, poolTTL: owned.compactMap(\.0.ttl).max(), keptBecause: nil)
        let leaving = Set(addresses)
        // A pool's members: one per multivalue record set, one per address of a simple one.
        let members = owned.reduce(into: [DNSResource: Int]()) { $0[$1.1, default: 0] += $1.0.setIdentifier == nil ? $1.0.values.count : 1 }
        for (record, resource) in owned {
            let key = RecordKey(name: record.name, setIdentifier: record.setIdentifier)
            if record.setIdentifier == instance.rawValue {
                guard members[resource, default: 0] > 1 else { plan.keptBecause = lastMember(resource); continue }
                plan.changes += zone.deletion(of: record, resource: resource, key: key)
            } else if record.setIdentifier == nil, !leaving.isDisjoint(with: record.values) {
                let remaining = record.values.filter { !leaving.contains($0) }
                guard !remaining.isEmpty else { plan.keptBecause = lastMember(resource); continue }
                var updated = record
                updated.values = remaining
                plan.changes.append(PlannedChange(action: .upsert, recordSet: updated, resource: resource, group: key, operation: .update,
                                                  isOwnership: false, recordType: record.type))
            } else {
                continue
            }
            plan.ttl = max(plan.ttl ?? 0, record.ttl ?? 0)
        }
        return plan
    }

    /// The floor ranchhand-dns keeps too: a pool with one member left answers with it rather than
    /// with nothing at all.
    static func lastMember(_ resource: DNSResource) -> String {
        "it is the last member of \(resource.rawValue); a pool is never emptied"
    }
}

/// Applies a withdrawal through the DNS syncer's executor (its batching, its bisection of a
/// refused batch) and answers Route53's change status.
public struct NodePoolDNS: Sendable {
    public let route53: any Route53Client
    public let zone: HostedZoneID
    public let owner: OwnerID
    public let registry: TXTRegistry
    public var logger: Logger

    public init(route53: any Route53Client, zone: HostedZoneID, owner: OwnerID, registry: TXTRegistry = TXTRegistry(), logger: Logger) {
        self.route53 = route53
        self.zone = zone
        self.owner = owner
        self.registry = registry
        self.logger = logger
    }

    public enum Outcome: Sendable, Equatable {
        /// Submitted: resolvers may answer with the old records for `ttl` seconds after `changes` are INSYNC.
        case withdrawn(changes: [ChangeID], ttl: Int)
        /// No record of the instance (ranchhand-dns or an earlier delivery removed it); the pool's TTL, if it has records.
        case alreadyGone(poolTTL: Int?)
        /// Listed, and left in place (the pool's last member, or Route53 refused the change).
        case kept(String)
    }

    public func withdraw(_ instance: InstanceID, addresses: [String]) async throws(ClientError) -> Outcome {
        let current = try await route53.listResourceRecordSets(zone, pageSize: DNSSyncer.listPageSize)
        let plan = NodePoolWithdrawal.plan(instance: instance, addresses: addresses, current: current, owner: owner, registry: registry)
        if let why = plan.keptBecause, plan.changes.isEmpty { return .kept(why) }
        guard !plan.changes.isEmpty, let ttl = plan.ttl else { return .alreadyGone(poolTTL: plan.poolTTL) }
        let executor = RecordPlanExecutor(route53: route53, zone: zone, logger: logger)
        let report = await executor.apply(RecordPlan(changes: plan.changes, conflicts: [], heldByPolicy: 0), comment: "ranchhand-scale-in: \(instance) leaves")
        if let error = report.error { throw error }
        if let refused = report.rejected.first { return .kept("Route53 refused the change: \(refused.message)") }
        return .withdrawn(changes: report.changeIDs, ttl: ttl)
    }

    public func isInSync(_ change: ChangeID) async throws(ClientError) -> Bool {
        try await route53.getChange(change).status == .inSync
    }
}

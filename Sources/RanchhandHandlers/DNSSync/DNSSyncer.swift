import Logging
import RanchhandClients
import RanchhandEvents

/// Everything a sync is told, parsed once by the executable.
public struct DNSSyncConfiguration: Sendable {
    public var zone: HostedZoneID
    public var owner: OwnerID
    public var policy: PlanPolicy
    public var registry: TXTRegistry
    public var limits: BatchLimits
    public var ingress: IngressSourceOptions
    public var nodePool: NodePoolOptions?

    public init(zone: HostedZoneID, owner: OwnerID, policy: PlanPolicy, registry: TXTRegistry = TXTRegistry(), limits: BatchLimits = .route53,
                ingress: IngressSourceOptions = IngressSourceOptions(), nodePool: NodePoolOptions? = nil) {
        self.zone = zone
        self.owner = owner
        self.policy = policy
        self.registry = registry
        self.limits = limits
        self.ingress = ingress
        self.nodePool = nodePool
    }
}

/// What one sync did (or, in a dry run, would do).
public struct DNSSyncResult: Sendable {
    public var zone: HostedZoneID
    /// The apex, from the zone's SOA record.
    public var zoneName: String?
    public var owner: OwnerID
    public var plan: RecordPlan
    /// ListResourceRecordSets pages read (300 record sets each).
    public var listRequests: Int
    /// ChangeResourceRecordSets requests the plan packs into.
    public var plannedChangeRequests: Int
    /// nil for a dry run.
    public var report: ApplyReport?

    /// Requests made: the change requests sent, or for a dry run the ones the plan needs.
    public var changeRequests: Int { report?.changeRequests ?? plannedChangeRequests }
}

/// One reconcile: read the sources and the zone (one ListResourceRecordSets pass), plan, apply.
/// Syncs of one syncer run one at a time, so two triggers cannot both create the same record.
public struct DNSSyncer: Sendable {
    public static let listPageSize = 300
    public let configuration: DNSSyncConfiguration
    public let sources: any DNSSources
    public let route53: any Route53Client
    public var logger: Logger
    private let gate = SyncGate()

    public init(configuration: DNSSyncConfiguration, sources: any DNSSources, route53: any Route53Client, logger: Logger) {
        self.configuration = configuration
        self.sources = sources
        self.route53 = route53
        self.logger = logger
    }

    /// `excluding`: instances leaving now (a terminating event), dropped from the node pool even
    /// while Auto Scaling still reports them.
    public func sync(excluding excluded: Set<InstanceID> = [], dryRun: Bool) async throws(ClientError) -> DNSSyncResult {
        let outcome: Result<DNSSyncResult, ClientError> = await gate.exclusively {
            do throws(ClientError) {
                return .success(try await unguardedSync(excluding: excluded, dryRun: dryRun))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    private func unguardedSync(excluding excluded: Set<InstanceID>, dryRun: Bool) async throws(ClientError) -> DNSSyncResult {
        let ingresses = try await sources.ingresses()
        let nodes = try await sources.nodes(excluding: excluded)
        let current = try await route53.listResourceRecordSets(configuration.zone, pageSize: Self.listPageSize)
        let zoneName = current.first { $0.type == .soa }.map { RecordName.normalized($0.name) }
        // Authoritative only for what was read: a node-pool-only sync leaves the Ingress records alone.
        let pool = nodes == nil ? nil : configuration.nodePool?.group
        var desired = DesiredRecords(scope: ResourceScope(ingresses: ingresses != nil, nodeGroups: Set([pool].compactMap { $0 }), otherKinds: false))
        if let ingresses {
            let hostnames = ingresses.flatMap { IngressEndpoints.targets(of: $0, options: configuration.ingress) }
            let zones = try await sources.loadBalancerZones(for: hostnames)
            desired.merge(IngressEndpoints.desired(from: ingresses, options: configuration.ingress, loadBalancers: zones))
        }
        if let nodes, let pool = configuration.nodePool {
            if nodes.count >= pool.minimumRecords {
                desired.merge(NodePoolEndpoints.desired(from: nodes, options: pool))
            } else {
                // A group read as (nearly) empty is more often a bad read than a real outage: keep the records.
                desired.retained.insert(.nodes(pool.group))
                logger.warning("node pool below its floor: no node-pool record changed", metadata: [
                    "group": "\(pool.group)", "members": "\(nodes.count)", "minimum_records": "\(pool.minimumRecords)",
                ])
            }
        }
        if let zoneName { desired.keepOnly(within: zoneName) }
        let plan = RecordPlan.calculate(current: current, desired: desired, policy: configuration.policy,
                                        nodePoolPolicy: configuration.nodePool?.policy, owner: configuration.owner, registry: configuration.registry)
        let packed = ChangeBatcher.batches(plan.changes, limits: configuration.limits)
        var result = DNSSyncResult(zone: configuration.zone, zoneName: zoneName, owner: configuration.owner, plan: plan,
                                   listRequests: max(1, (current.count + Self.listPageSize - 1) / Self.listPageSize),
                                   plannedChangeRequests: packed.batches.count)
        logger.info("DNS plan", metadata: [
            "zone": "\(configuration.zone)", "policy": "\(configuration.policy)", "records": "\(current.count)",
            "desired": "\(desired.endpoints.count)", "changes": "\(plan.changes.count)", "conflicts": "\(plan.conflicts.count)",
            "held_by_policy": "\(plan.heldByPolicy)", "change_requests": "\(packed.batches.count)", "dry_run": "\(dryRun)",
        ])
        for conflict in plan.conflicts {
            logger.warning("record not planned", metadata: ["name": "\(conflict.name)", "type": "\(conflict.type)", "reason": "\(conflict.reason)"])
        }
        guard !dryRun, !plan.isEmpty else { return result }
        let executor = RecordPlanExecutor(route53: route53, zone: configuration.zone, limits: configuration.limits, logger: logger)
        result.report = await executor.apply(plan)
        return result
    }
}

extension DesiredRecords {
    mutating func merge(_ other: DesiredRecords) {
        endpoints += other.endpoints
        retained.formUnion(other.retained)
        rejected += other.rejected
    }

    /// Endpoints outside the zone become rejections (another zone's syncer owns them).
    mutating func keepOnly(within zone: String) {
        let (inside, outside) = (endpoints.filter { RecordName.isWithin($0.name, zone: zone) }, endpoints.filter { !RecordName.isWithin($0.name, zone: zone) })
        endpoints = inside
        rejected += outside.map { RecordConflict($0, "outside the zone \(zone)") }
    }
}

/// Runs one body at a time, first come first served.
actor SyncGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func exclusively<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            busy = true
        }
        let result = await body()
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
        return result
    }
}

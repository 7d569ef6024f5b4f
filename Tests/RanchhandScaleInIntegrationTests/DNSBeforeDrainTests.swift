import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda
import RanchhandSandbox
import RanchhandTestSupport
import Synchronization
import Testing

/// DNS first, then drain, delete, complete — both tools on the real parts: moto for the group, its
/// hook, queue, instances and Route53 (ranchhand-dns's syncer writes the node pool through it);
/// the sandbox's Rancher for the drain; the fault proxy to keep a change PENDING, which moto never
/// does. The pool's TTL is 2 s, so the wait the drain honours is measured in real time.
@Suite(.serialized) struct DNSBeforeDrainTests {
    static let owner = OwnerID("ranchhand-e2e")
    static let ttl = 2

    struct Setup {
        let harness: ScaleInHarness
        let group: Seed.Group
        let nodes: [RancherNodeID]
        let zone: HostedZoneID
        let zoneName: String

        var poolName: String { "nodes.\(zoneName)." }

        /// ranchhand-dns as the stack configures it (Ingress policy upsert-only, the pool its own sync policy).
        func syncer() -> DNSSyncer {
            let pool = NodePoolOptions(group: AutoScalingGroupName(group.group), recordName: poolName, ttl: DNSBeforeDrainTests.ttl)
            let sources = LiveDNSSources(ingressProvider: nil, group: AutoScalingGroupName(group.group), autoScaling: LiveAutoScalingClient(sender: harness.aws),
                                         ec2: LiveEC2Client(sender: harness.aws), elb: LiveELBv2Client(sender: harness.aws), kubernetes: nil)
            return DNSSyncer(configuration: DNSSyncConfiguration(zone: zone, owner: DNSBeforeDrainTests.owner, policy: .upsertOnly, nodePool: pool),
                             sources: sources, route53: LiveRoute53Client(sender: harness.aws), logger: harness.logger)
        }

        func members() async throws -> Set<String> {
            Set(try await harness.seed.records(zoneID: zone.rawValue).filter { $0.name == poolName && $0.type == "A" }.compactMap(\.setIdentifier))
        }

        func dns(through endpoint: String? = nil) -> (NodePoolDNS, Route53Timeline) {
            let sender = endpoint.map { AWSTestContext.sender(endpoint: $0) } ?? harness.aws
            let timeline = Route53Timeline(LiveRoute53Client(sender: sender))
            return (NodePoolDNS(route53: timeline, zone: zone, owner: DNSBeforeDrainTests.owner, logger: harness.logger), timeline)
        }

        /// Terminates `victim` and runs the scale-in poller on the group's queue until moto has terminated it.
        func terminateAndPoll(_ victim: String, policy: ScaleInPolicy, dns: NodePoolDNS) async throws -> Bool {
            try await harness.seed.terminate(victim)
            let seed = harness.seed
            return try await harness.pollUntil(queue: try #require(group.queueUrl), handler: harness.handler(policy: policy, dns: dns)) {
                try await seed.ec2States([victim])[victim] == "terminated"
            }
        }

        /// When the sandbox first heard of the node's cordon.
        func cordoned(_ node: RancherNodeID) async -> Date? {
            await harness.sandbox.requests().first { $0.path.hasSuffix(node.rawValue) && $0.queryValue("action") == "cordon" }?.receivedAt
        }
    }

    static func start(_ prefix: String, size: Int = 3) async throws -> Setup {
        let harness = try await ScaleInHarness.start()
        let group = try await harness.seed.group(MotoServer.uniqueName(prefix), desired: size,
                                                 hook: Seed.Hook(name: "ranchhand-scale-in", heartbeatTimeout: 60), queue: true)
        let nodes = await harness.addNodes(group.instanceIds, roles: .worker, prefix: prefix)
        _ = await harness.addNodes(["i-0etcd000000000001", "i-0etcd000000000002", "i-0etcd000000000003"], roles: [.etcd, .controlPlane], prefix: "cp")
        let zoneName = MotoServer.uniqueName(prefix) + ".test"
        let zone = HostedZoneID(try await harness.seed.zone(zoneName))
        let setup = Setup(harness: harness, group: group, nodes: nodes, zone: zone, zoneName: zoneName)
        _ = try await setup.syncer().sync(dryRun: false)
        #expect(try await setup.members() == Set(group.instanceIds), "ranchhand-dns wrote one record per instance")
        return setup
    }

    var dnsFirst: ScaleInPolicy {
        var policy = ScaleInPolicy(drain: DrainOptions(timeout: 60))
        policy.withdrawsFromDNS = true
        return policy
    }

    @Test func theRecordGoesBeforeTheDrainWhichWaitsOutItsTTL() async throws {
        let setup = try await Self.start("dnsfirst")
        defer { Task { await setup.harness.sandbox.stop() } }
        let (dns, timeline) = setup.dns()
        let victim = setup.group.instanceIds[0]
        let released = try await setup.terminateAndPoll(victim, policy: dnsFirst, dns: dns)

        #expect(released)
        #expect(try await setup.members() == Set(setup.group.instanceIds.dropFirst()), "only the leaving instance's record went")
        let changed = try #require(timeline.returned(.changeResourceRecordSets).first)
        let insync = try #require(timeline.returned(.getChange).last)
        let cordon = try #require(await setup.cordoned(setup.nodes[0]))
        #expect(changed < insync && insync < cordon, "DNS, INSYNC, then the cordon")
        #expect(cordon.timeIntervalSince(insync) >= Double(Self.ttl), "the drain waited the record's TTL after INSYNC: \(cordon.timeIntervalSince(insync)) s")
        #expect(timeline.returned(.changeResourceRecordSets).count == 1)
        #expect(await setup.harness.sandbox.world.node(setup.nodes[0]) == nil)

        // ranchhand-dns's next sync agrees: nothing to put back, nothing to fight over.
        let after = try await setup.syncer().sync(dryRun: false)
        #expect(after.plan.isEmpty, "\(after.plan.changes.map(\.recordSet))")
    }

    @Test func threeLeavingTogetherEachLeaveDNSBeforeTheirOwnDrain() async throws {
        // Three of six workers and three etcd members: a third of the cluster, what the default breaker lets through at once.
        let setup = try await Self.start("dnsfleet", size: 6)
        defer { Task { await setup.harness.sandbox.stop() } }
        let (dns, timeline) = setup.dns()
        let leaving = Array(setup.group.instanceIds.prefix(3))
        for victim in leaving { try await setup.harness.seed.terminate(victim) }
        let seed = setup.harness.seed
        let poller = setup.harness.poller(queue: try #require(setup.group.queueUrl), handler: setup.harness.handler(policy: dnsFirst, dns: dns), concurrency: 3)
        let running = Task { await poller.run(shouldStop: { (try? await seed.ec2States(leaving).values.allSatisfy { $0 == "terminated" }) == true }) }
        let released = try await ScaleInHarness.eventually(timeout: .seconds(90)) { try await seed.ec2States(leaving).values.allSatisfy { $0 == "terminated" } }
        running.cancel()
        _ = await running.value

        #expect(released)
        #expect(try await setup.members() == Set(setup.group.instanceIds.dropFirst(3)))
        for (index, victim) in leaving.enumerated() {
            let change = try #require(timeline.returned(.changeResourceRecordSets, about: victim).first, "no change for \(victim)")
            let cordon = try #require(await setup.cordoned(setup.nodes[index]))
            #expect(cordon.timeIntervalSince(change) >= Double(Self.ttl), "\(victim): cordoned \(cordon.timeIntervalSince(change)) s after its record went")
        }
        #expect(timeline.returned(.changeResourceRecordSets).count == 3, "one change per leaving instance, none repeated")
    }

    @Test func aPendingChangeHoldsTheDrainUntilItIsInSync() async throws {
        let setup = try await Self.start("dnspending")
        defer { Task { await setup.harness.sandbox.stop() } }
        let victim = setup.group.instanceIds[1]
        let (released, timeline) = try await Self.whileGetChangeIsPending(times: 6) { faultProxy in
            let (dns, timeline) = setup.dns(through: faultProxy)
            return (try await setup.terminateAndPoll(victim, policy: dnsFirst, dns: dns), timeline)
        }

        #expect(released)
        let polls = timeline.returned(.getChange)
        #expect(polls.count == 7, "six PENDING answers, then moto's INSYNC: \(polls.count)")
        let cordon = try #require(await setup.cordoned(setup.nodes[1]))
        #expect(cordon.timeIntervalSince(try #require(polls.last)) >= Double(Self.ttl))
        #expect(try await setup.members() == Set(setup.group.instanceIds.filter { $0 != victim }))
    }

    @Test func aheadOfASpotInterruptionTheDrainWaitsTenSecondsAtMost() async throws {
        let setup = try await Self.start("dnsspot")
        defer { Task { await setup.harness.sandbox.stop() } }
        let victim = setup.group.instanceIds[2]
        let (outcome, timeline) = try await Self.whileGetChangeIsPending(times: nil) { faultProxy in
            let (dns, timeline) = setup.dns(through: faultProxy)
            let started = Date()
            let outcome = await setup.harness.handler(policy: dnsFirst, dns: dns)
                .handle(try SpotInterruptionTests.warning(for: victim, at: started),
                        context: HandlingContext(deadline: started.addingTimeInterval(300), logger: setup.harness.logger))
            return (outcome, timeline)
        }

        #expect(outcome.keepsMessage == false, "\(outcome)")
        let withdrawn = try #require(timeline.returned(.changeResourceRecordSets).first)
        let cordon = try #require(await setup.cordoned(setup.nodes[2]))
        let waited = cordon.timeIntervalSince(withdrawn)
        #expect(waited >= Double(InterruptionDecision.dnsWaitSeconds) - 0.5 && waited < Double(InterruptionDecision.dnsWaitSeconds) + 5,
                "a change never INSYNC holds the drain for the Spot bound only: \(waited) s")
        #expect(await setup.harness.sandbox.world.node(setup.nodes[2])?.drain == .succeeded, "drained within the warning all the same")
        #expect(try await setup.members() == Set(setup.group.instanceIds.dropLast()))
    }

    @Test func aRoute53FailureDoesNotHoldTheDrain() async throws {
        let setup = try await Self.start("dnsdown")
        defer { Task { await setup.harness.sandbox.stop() } }
        // Nothing listens there: every Route53 call fails after the client's retries.
        let (dns, _) = setup.dns(through: "http://127.0.0.1:9")
        let victim = setup.group.instanceIds[0]
        let released = try await setup.terminateAndPoll(victim, policy: dnsFirst, dns: dns)
        #expect(released, "the hook completed: DNS is never a reason to keep a terminating instance")
        #expect(await setup.harness.sandbox.world.node(setup.nodes[0]) == nil)
        #expect(try await setup.members() == Set(setup.group.instanceIds), "the record stays for ranchhand-dns's own sync to remove")
    }

    /// Runs `body` with the fault proxy answering GetChange with the recorded PENDING answer
    /// (`times`, or always), and removes that rule afterwards whatever happened. Only this suite asks
    /// the shared proxy for GetChange, and it runs serialized.
    static func whileGetChangeIsPending<T>(times: Int?, _ body: (_ faultProxy: String) async throws -> T) async throws -> T {
        let endpoints = try await MotoServer.shared.endpoints()
        let proxy = FaultProxy(url: endpoints.faultProxy, transport: AWSTestContext.transport)
        let pending = try String(contentsOfFile: fixtures + "/xml/route53-GetChange-pending.xml", encoding: .utf8)
        let rules = try await proxy.add([FaultProxy.Rule(match: FaultProxy.Match(method: "GET", pathPrefix: "/2013-04-01/change/"),
                                                         fault: .answer(200, pending, headers: ["Content-Type": "text/xml"]), times: times)])
        do {
            let result = try await body(endpoints.faultProxy)
            try await proxy.remove(rules)
            return result
        } catch {
            try? await proxy.remove(rules)
            throw error
        }
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures").path
}

/// The live Route53 client, with the wall-clock time each of its calls returned: what the test
/// orders against the sandbox's request times.
final class Route53Timeline: Route53Client {
    let inner: any Route53Client
    private let times = Mutex<[(operation: String, comment: String, at: Date)]>([])

    init(_ inner: any Route53Client) { self.inner = inner }

    /// When each call of `operation` returned; with `about`, only the changes whose comment names it.
    func returned(_ operation: AWSOperation, about subject: String? = nil) -> [Date] {
        times.withLock { $0.filter { $0.operation == operation.name && (subject.map($0.comment.contains) ?? true) }.map(\.at) }
    }

    private func note(_ operation: AWSOperation, _ comment: String? = nil) {
        times.withLock { $0.append((operation.name, comment ?? "", Date())) }
    }

    func listHostedZonesByName(startingAt dnsName: String?, limit: Int?) async throws(ClientError) -> [HostedZone] {
        try await inner.listHostedZonesByName(startingAt: dnsName, limit: limit)
    }

    func listResourceRecordSets(_ zone: HostedZoneID, pageSize: Int?) async throws(ClientError) -> [ResourceRecordSet] {
        try await inner.listResourceRecordSets(zone, pageSize: pageSize)
    }

    func changeResourceRecordSets(_ zone: HostedZoneID, changes: [RecordChange], comment: String?) async throws(ClientError) -> ChangeInfo {
        let info = try await inner.changeResourceRecordSets(zone, changes: changes, comment: comment)
        note(.changeResourceRecordSets, comment)
        return info
    }

    func getChange(_ id: ChangeID) async throws(ClientError) -> ChangeInfo {
        let info = try await inner.getChange(id)
        note(.getChange)
        return info
    }
}

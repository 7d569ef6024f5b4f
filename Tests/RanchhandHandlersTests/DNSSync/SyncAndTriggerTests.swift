import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandLambda
import Testing
@testable import RanchhandHandlers

/// Sources from values: the pool's instances (an instance leaves when excluded) and Ingresses.
struct FixedSources: DNSSources {
    var ingressList: [Ingress]?
    var instances: [NodeInstance]?

    func ingresses() async throws(ClientError) -> [Ingress]? { ingressList }
    func nodes(excluding excluded: Set<InstanceID>) async throws(ClientError) -> [NodeInstance]? {
        instances?.filter { !excluded.contains($0.instanceID) }
    }
    func loadBalancerZones(for hostnames: [String]) async throws(ClientError) -> LoadBalancerZones { LoadBalancerZones() }
}

@Suite("DNS sync: node pool, triggers and the dry-run plan")
struct SyncAndTriggerTests {
    static let group = AutoScalingGroupName("compute")
    static let pool = NodePoolOptions(group: group, recordName: "nodes.example.com")
    static let apex = [ResourceRecordSet(name: "example.com.", type: .soa, ttl: 900, values: ["ns-1.example. hostmaster.example. 1 7200 900 1209600 86400"])]
    static let nodes = [
        NodeInstance(instanceID: "i-01", privateIPv4: "10.0.1.1", publicIPv4: "203.0.113.1"),
        NodeInstance(instanceID: "i-02", privateIPv4: "10.0.1.2", publicIPv4: nil),
    ]

    func syncer(_ route53: StrictRoute53, sources: FixedSources, pool: NodePoolOptions? = SyncAndTriggerTests.pool) -> DNSSyncer {
        DNSSyncer(configuration: DNSSyncConfiguration(zone: "ZTEST", owner: "prod", policy: .sync, nodePool: pool), sources: sources,
                  route53: route53, logger: Logger(label: "test"))
    }

    @Test func membersAreInServiceHealthyRunningAndNotExcluded() {
        let group = AutoScalingGroup(name: Self.group, minSize: 0, maxSize: 9, desiredCapacity: 4, instances: [
            .init(instanceID: "i-01", lifecycleState: "InService", healthStatus: "Healthy", availabilityZone: "a"),
            .init(instanceID: "i-02", lifecycleState: "InService", healthStatus: "Unhealthy", availabilityZone: "a"),
            .init(instanceID: "i-03", lifecycleState: "Terminating:Wait", healthStatus: "Healthy", availabilityZone: "a"),
            .init(instanceID: "i-04", lifecycleState: "InService", healthStatus: "Healthy", availabilityZone: "a"),
            .init(instanceID: "i-05", lifecycleState: "InService", healthStatus: "Healthy", availabilityZone: "a"),
        ])
        let ec2 = ["i-01", "i-02", "i-03", "i-04", "i-05"].map { EC2Instance(instanceID: InstanceID($0), state: $0 == "i-05" ? .shuttingDown : .running) }
        #expect(NodePoolEndpoints.members(of: group, instances: ec2, excluding: ["i-04"]).map(\.instanceID) == ["i-01"])
    }

    @Test func multivalueRecordsOnePerInstanceAndATerminationRemovesOnlyItsOwn() async throws {
        let route53 = StrictRoute53(Self.apex)
        _ = try await syncer(route53, sources: FixedSources(instances: Self.nodes)).sync(dryRun: false)
        let records = await route53.records.values
        #expect(Set(records.filter { $0.type == .a }.compactMap(\.setIdentifier)) == ["i-01", "i-02"])
        #expect(records.filter { $0.type == .a }.allSatisfy { $0.multiValueAnswer == true && $0.ttl == 60 })
        #expect(Set(records.filter { $0.type == .txt }.map { "\($0.name) \($0.setIdentifier!)" }) == ["a-nodes.example.com. i-01", "a-nodes.example.com. i-02"])

        let result = try await syncer(route53, sources: FixedSources(instances: Self.nodes)).sync(excluding: ["i-02"], dryRun: false)
        #expect(result.plan.changes.map { "\($0.action.rawValue) \($0.recordSet.type) \($0.recordSet.setIdentifier!)" } == ["DELETE A i-02", "DELETE TXT i-02"])
        #expect(result.report?.changeRequests == 1)
        #expect(await route53.records.values.filter { $0.type == .a }.map(\.values) == [["10.0.1.1"]])
    }

    @Test func aSyncLeavesAloneWhatItsSourcesDoNotCover() async throws {
        let route53 = StrictRoute53(Self.apex + [
            Zone.a("shop.example.com.", ["10.0.0.1"]), Zone.txt("a-shop.example.com.", owner: "prod", resource: "ingress/shop/web"),
            Zone.a("nodes.example.com.", ["10.0.2.1"], ttl: 60, setIdentifier: "i-77", multiValue: true),
            Zone.txt("a-nodes.example.com.", owner: "prod", resource: "nodes/other-group", setIdentifier: "i-77"),
            Zone.a("svc.example.com.", ["10.0.3.1"]), Zone.txt("a-svc.example.com.", owner: "prod", resource: "service/default/svc"),
        ])
        // Node pool only, same owner: the Ingress record, another group's node and external-dns's service record stay.
        let nodesOnly = try await syncer(route53, sources: FixedSources(instances: [Self.nodes[0]])).sync(dryRun: true)
        #expect(nodesOnly.plan.changes.allSatisfy { $0.action == .create && $0.resource == DNSResource("nodes/compute") })
        // Ingresses only (none left): the Ingress record goes, nothing else does.
        let ingressesOnly = try await syncer(route53, sources: FixedSources(ingressList: []), pool: nil).sync(dryRun: true)
        #expect(ingressesOnly.plan.changes.map(\.recordSet.name) == ["shop.example.com.", "a-shop.example.com."])
    }

    @Test func publicAddressesAndTheSimpleStyle() async throws {
        let route53 = StrictRoute53(Self.apex)
        let pool = NodePoolOptions(group: Self.group, recordName: "nodes.example.com", address: .publicIPv4, style: .simple)
        let result = try await syncer(route53, sources: FixedSources(instances: Self.nodes), pool: pool).sync(dryRun: false)
        #expect(result.plan.conflicts.map(\.reason) == ["instance i-02 has no public IPv4 address"])
        #expect(await route53.records.values.filter { $0.type == .a }.map(\.values) == [["203.0.113.1"]])
    }

    @Test func hostsOutsideTheZoneAreRejectedNotCreated() async throws {
        let ingress = Ingress(metadata: ObjectMeta(name: "web", namespace: "shop"), ruleHosts: ["shop.example.com", "shop.example.org"],
                              loadBalancer: [.init(ip: "10.0.0.1")])
        let result = try await syncer(StrictRoute53(Self.apex), sources: FixedSources(ingressList: [ingress]), pool: nil).sync(dryRun: true)
        #expect(result.plan.changes.map(\.recordSet.name) == ["shop.example.com.", "a-shop.example.com."])
        #expect(result.plan.conflicts.map(\.reason) == ["outside the zone example.com."])
        #expect(result.report == nil && result.listRequests == 1 && result.plannedChangeRequests == 1)
    }

    @Test func theDryRunPlanIsTheDocumentedJSON() async throws {
        let alb = "k8s-web-1.us-east-1.elb.amazonaws.com"
        let ingress = Ingress(metadata: ObjectMeta(name: "web", namespace: "shop"), ruleHosts: ["shop.example.com"], loadBalancer: [.init(hostname: alb)])
        let result = try await syncer(StrictRoute53(Self.apex), sources: FixedSources(ingressList: [ingress], instances: [Self.nodes[0]]))
            .sync(dryRun: true)
        let line = result.jsonLine
        #expect(line == #"{"version":1,"zone":"ZTEST","owner":"prod","changes":["#
            + #"{"action":"CREATE","name":"nodes.example.com.","type":"A","ttl":60,"setIdentifier":"i-01","values":["10.0.1.1"],"resource":"nodes/compute"},"#
            + #"{"action":"CREATE","name":"a-nodes.example.com.","type":"TXT","ttl":300,"setIdentifier":"i-01","values":["\"heritage=external-dns,external-dns/owner=prod,external-dns/resource=nodes/compute\""],"resource":"nodes/compute"},"#
            + #"{"action":"CREATE","name":"shop.example.com.","type":"A","alias":{"dnsName":"k8s-web-1.us-east-1.elb.amazonaws.com.","hostedZoneId":"Z35SXDOTRQ7X7K","evaluateTargetHealth":true},"resource":"ingress/shop/web"},"#
            + #"{"action":"CREATE","name":"a-shop.example.com.","type":"TXT","ttl":300,"values":["\"heritage=external-dns,external-dns/owner=prod,external-dns/resource=ingress/shop/web\""],"resource":"ingress/shop/web"}],"#
            + #""conflicts":[],"apiCalls":{"list":1,"change":1}}"#)
    }

    @Test func eventsOfThePoolTriggerSyncsAndNothingElseDoes() {
        let terminating = LifecycleActionNotification(transition: .terminating, hookName: "drain", groupName: Self.group, instanceID: "i-9", token: "t")
        let launching = LifecycleActionNotification(transition: .launching, hookName: "join", groupName: Self.group, instanceID: "i-8", token: "t")
        let elsewhere = LifecycleActionNotification(transition: .terminating, hookName: "drain", groupName: "other", instanceID: "i-7", token: "t")
        #expect(DNSTrigger.of(.lifecycleAction(terminating), group: Self.group) == .sync(excluding: ["i-9"], reason: "instance i-9 terminating"))
        #expect(DNSTrigger.of(.instanceActivity(InstanceActivity(kind: .terminateSuccessful, instanceID: "i-9", groupName: Self.group)), group: Self.group)
            == .sync(excluding: ["i-9"], reason: "instance i-9 terminated"))
        #expect(DNSTrigger.of(.instanceActivity(InstanceActivity(kind: .launchSuccessful, instanceID: "i-6", groupName: Self.group)), group: Self.group)
            == .sync(excluding: [], reason: "instance i-6 launched"))
        #expect(DNSTrigger.of(.scheduled(ScheduledEvent()), group: nil) == .sync(excluding: [], reason: "scheduled reconcile"))
        for ignored: EventPayload in [.lifecycleAction(launching), .lifecycleAction(elsewhere), .testNotification(TestNotification())] {
            guard case .ignore = DNSTrigger.of(ignored, group: Self.group) else {
                Issue.record("\(ignored.kind) should be ignored")
                continue
            }
        }
    }

    @Test func theHandlerRetriesWhenTheWorldCannotBeReadAndReportsRefusals() async {
        struct Broken: DNSSources {
            func ingresses() async throws(ClientError) -> [Ingress]? {
                throw ClientError(.connectionFailed, service: "kubernetes", operation: "GET ingresses", message: "refused")
            }
            func nodes(excluding: Set<InstanceID>) async throws(ClientError) -> [NodeInstance]? { nil }
            func loadBalancerZones(for hostnames: [String]) async throws(ClientError) -> LoadBalancerZones { LoadBalancerZones() }
        }
        let context = HandlingContext(deadline: Date().addingTimeInterval(60), logger: Logger(label: "test"))
        let record = EventRecord(envelopes: [.eventBridge], outcome: .success(.scheduled(ScheduledEvent())))
        let broken = DNSRecordHandler(syncer: DNSSyncer(configuration: DNSSyncConfiguration(zone: "Z", owner: "o", policy: .sync),
                                                        sources: Broken(), route53: StrictRoute53(), logger: Logger(label: "test")))
        guard case .retry = await broken.handle(record, context: context) else { Issue.record("expected retry"); return }

        let route53 = StrictRoute53(Self.apex)
        await route53.poison("nodes.example.com", namingIt: true)
        let handler = DNSRecordHandler(syncer: syncer(route53, sources: FixedSources(instances: Self.nodes)))
        let outcome = await handler.handle(record, context: context)
        guard case .done(let text) = outcome else { Issue.record("expected done, got \(outcome)"); return }
        #expect(text.contains("refused: nodes.example.com. [i-01]") && text.contains("refused: ") )
    }
}

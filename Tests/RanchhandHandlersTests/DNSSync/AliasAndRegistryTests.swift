import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

@Suite("DNS plan: ALIAS, CNAME and the TXT registry")
struct AliasAndRegistryTests {
    static let albHost = "k8s-ingress-1234567890.us-east-1.elb.amazonaws.com"

    func ingress(_ name: String, hosts: [String], lb: [Ingress.LoadBalancerIngress] = [], annotations: [String: String] = [:],
                 className: String? = nil) -> Ingress {
        Ingress(metadata: ObjectMeta(name: name, namespace: "shop", annotations: annotations), ingressClassName: className,
                ruleHosts: hosts, loadBalancer: lb)
    }

    @Test func aLoadBalancerHostnameBecomesAnAliasWithItsCanonicalZone() throws {
        let desired = IngressEndpoints.desired(from: [ingress("web", hosts: ["shop.example.com"], lb: [.init(hostname: Self.albHost)])],
                                               options: IngressSourceOptions(), loadBalancers: LoadBalancerZones())
        let endpoint = try #require(desired.endpoints.first)
        #expect(endpoint.type == .a)
        #expect(endpoint.target == .alias(AliasTarget(hostedZoneID: "Z35SXDOTRQ7X7K", dnsName: Self.albHost + ".", evaluateTargetHealth: true)))
        let plan = RecordPlan.calculate(current: [], desired: desired, policy: .sync, owner: "o")
        #expect(plan.changes.map(\.recordSet.name) == ["shop.example.com.", "a-shop.example.com."])
        #expect(plan.changes[0].recordSet.ttl == nil && plan.changes[0].recordSet.values.isEmpty)

        let nlb = LoadBalancerZones().zone(for: "k8s-x-abc.elb.eu-west-1.amazonaws.com")
        #expect(nlb == HostedZoneID("Z2IFOLAFXWLO4F"))
        let looked = LoadBalancerZones(known: ["internal-lb.elb.example-region.amazonaws.com": "ZLOOKEDUP"])
        #expect(looked.zone(for: "internal-lb.elb.example-region.amazonaws.com.") == HostedZoneID("ZLOOKEDUP"))
    }

    @Test func anyOtherHostnameIsACNAMEAndAddressesAreA() {
        let desired = IngressEndpoints.desired(from: [
            ingress("cdn", hosts: ["cdn.example.com"], lb: [.init(hostname: "edge.example.net")]),
            ingress("ips", hosts: ["ips.example.com"], lb: [.init(ip: "203.0.113.7"), .init(ip: "2001:db8::7")]),
            ingress("forced", hosts: ["forced.example.com"], lb: [.init(hostname: Self.albHost)]),
        ], options: IngressSourceOptions(), loadBalancers: LoadBalancerZones())
        let byName = Dictionary(grouping: desired.endpoints, by: \.name)
        #expect(byName["cdn.example.com."]?.map(\.type) == [.cname])
        #expect(byName["cdn.example.com."]?.first?.target == .values(["edge.example.net."]))
        #expect(byName["ips.example.com."]?.map(\.type) == [.a, .aaaa])

        let preferCNAME = IngressEndpoints.desired(from: [ingress("forced", hosts: ["forced.example.com"], lb: [.init(hostname: Self.albHost)])],
                                                   options: IngressSourceOptions(preferCNAME: true), loadBalancers: LoadBalancerZones())
        #expect(preferCNAME.endpoints.map(\.type) == [.cname])
    }

    @Test func annotationsUnderBothPrefixesTheCurrentOneWinning() {
        let annotated = ingress("web", hosts: ["a.example.com"], lb: [.init(ip: "10.0.0.1")], annotations: [
            "external-dns.alpha.kubernetes.io/hostname": "b.example.com., c.example.com",
            "external-dns.alpha.kubernetes.io/ttl": "10m",
            "external-dns.kubernetes.io/ttl": "90",
            "external-dns.alpha.kubernetes.io/target": "198.51.100.1",
        ])
        let desired = IngressEndpoints.desired(from: [annotated], options: IngressSourceOptions(), loadBalancers: LoadBalancerZones())
        #expect(desired.endpoints.map(\.name) == ["a.example.com.", "b.example.com.", "c.example.com."])
        #expect(desired.endpoints.allSatisfy { $0.ttl == 90 && $0.target == .values(["198.51.100.1"]) })
        #expect(IngressEndpoints.parseTTL("1h30m") == 5400 && IngressEndpoints.parseTTL("0") == nil && IngressEndpoints.parseTTL("soon") == nil)

        let only = ingress("x", hosts: ["rule.example.com"], lb: [.init(ip: "10.0.0.1")], annotations: [
            "external-dns.kubernetes.io/hostname": "annotated.example.com",
            "external-dns.kubernetes.io/ingress-hostname-source": "annotation-only",
        ])
        #expect(IngressEndpoints.hostnames(of: only) == ["annotated.example.com."])
    }

    @Test func theClassFilterAndAnIngressWithoutStatus() {
        let options = IngressSourceOptions(ingressClasses: ["nginx"])
        let desired = IngressEndpoints.desired(from: [
            ingress("spec", hosts: ["one.example.com"], lb: [.init(ip: "10.0.0.1")], className: "nginx"),
            ingress("annotation", hosts: ["two.example.com"], lb: [.init(ip: "10.0.0.1")], annotations: ["kubernetes.io/ingress.class": "nginx"]),
            ingress("other", hosts: ["three.example.com"], lb: [.init(ip: "10.0.0.1")], className: "traefik"),
            ingress("pending", hosts: ["four.example.com"], className: "nginx"),
        ], options: options, loadBalancers: LoadBalancerZones())
        #expect(desired.endpoints.map(\.name) == ["two.example.com.", "one.example.com."])
        #expect(desired.retained == [DNSResource("ingress/shop/pending")])

        let override = IngressEndpoints.desired(from: [ingress("pending", hosts: ["four.example.com"])],
                                                options: IngressSourceOptions(targetOverride: [Self.albHost]), loadBalancers: LoadBalancerZones())
        #expect(override.endpoints.first?.target.isAlias == true)
    }

    @Test func txtValuesRoundTripWithExternalDNS() throws {
        // As external-dns v0.22 writes them (endpoint/labels.go SerializePlain, quotes included).
        let written = "\"heritage=external-dns,external-dns/owner=default,external-dns/resource=ingress/shop/web\""
        let labels = try #require(OwnershipLabels(txtValue: written))
        #expect(labels.owner == OwnerID("default") && labels.resource == DNSResource("ingress/shop/web"))
        #expect(labels.txtValue == written)
        #expect(OwnershipLabels(owner: "default", resource: .ingress(NamespacedName(namespace: "shop", name: "web"))).txtValue == written)
        #expect(OwnershipLabels(txtValue: "\"heritage=somebody-else,external-dns/owner=x\"") == nil)
        #expect(OwnershipLabels(txtValue: "\"v=spf1 include:_spf.example.com ~all\"") == nil)
        let extra = try #require(OwnershipLabels(txtValue: "\"heritage=external-dns,external-dns/owner=o,external-dns/resource=service/a/b,junk,x=y=z\""))
        #expect(extra.labels == ["owner": "o", "resource": "service/a/b"])
    }

    @Test func txtNamesFollowTheMapper() {
        #expect(TXTRegistry().txtName(for: "app.example.com", type: .cname) == "cname-app.example.com.")
        #expect(TXTRegistry(prefix: "reg-").txtName(for: "app.example.com.", type: .a) == "reg-a-app.example.com.")
        #expect(TXTRegistry(suffix: "-reg").txtName(for: "app.example.com.", type: .aaaa) == "aaaa-app-reg.example.com.")
        #expect(TXTRegistry(prefix: "%{record_type}-abc-.").txtName(for: "ex.com", type: .cname) == "cname-abc-.ex.com.")
        #expect(TXTRegistry(wildcardReplacement: "star").txtName(for: "*.apps.example.com", type: .a) == "a-star.apps.example.com.")
        #expect(TXTRegistry().txtName(for: "\\052.apps.example.com.", type: .a) == "a-*.apps.example.com.")
    }

    @Test func recordsExternalDNSWroteAreAdoptedAndLegacyAliasTXTMigrated() {
        let alias = AliasTarget(hostedZoneID: "Z35SXDOTRQ7X7K", dnsName: Self.albHost + ".", evaluateTargetHealth: true)
        let desired = DesiredRecords(endpoints: [
            DNSEndpoint(name: "shop.example.com", type: .a, target: .alias(alias), resource: "ingress/shop/web"),
            DNSEndpoint(name: "plain.example.com", type: .a, target: .values(["10.0.0.1"]), resource: "ingress/shop/plain"),
        ])
        let current = [
            ResourceRecordSet(name: "shop.example.com.", type: .a, aliasTarget: alias),
            Zone.txt("cname-shop.example.com.", owner: "default", resource: "ingress/shop/web"),
            Zone.a("plain.example.com.", ["10.0.0.1"]), Zone.txt("a-plain.example.com.", owner: "default", resource: "ingress/shop/plain"),
        ]
        let plan = RecordPlan.calculate(current: current, desired: desired, policy: .sync, owner: "default")
        #expect(Zone.summary(plan) == [
            "DELETE TXT cname-shop.example.com. \"heritage=external-dns,external-dns/owner=default,external-dns/resource=ingress/shop/web\"",
            "CREATE TXT a-shop.example.com. \"heritage=external-dns,external-dns/owner=default,external-dns/resource=ingress/shop/web\"",
        ])
        // With another owner id the same zone is off limits.
        let stranger = RecordPlan.calculate(current: current, desired: desired, policy: .sync, owner: "ranchhand")
        #expect(stranger.changes.isEmpty && stranger.conflicts.count == 2)
    }

    @Test func plainToAliasIsDeleteThenCreateInOneGroup() {
        let current = [Zone.cname("shop.example.com.", "old.example.net"),
                       Zone.txt("cname-shop.example.com.", owner: "o", resource: "ingress/shop/web")]
        let desired = IngressEndpoints.desired(from: [ingress("web", hosts: ["shop.example.com"], lb: [.init(hostname: Self.albHost)])],
                                               options: IngressSourceOptions(), loadBalancers: LoadBalancerZones())
        let plan = RecordPlan.calculate(current: current, desired: desired, policy: .sync, owner: "o")
        #expect(plan.changes.map { "\($0.action.rawValue) \($0.recordSet.type)" } == ["DELETE CNAME", "DELETE TXT", "CREATE A", "CREATE TXT"])
        #expect(ChangeBatcher.batches(plan.changes).batches.count == 1)
    }
}

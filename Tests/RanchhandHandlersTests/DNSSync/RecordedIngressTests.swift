import Foundation
import RanchhandClients
import Testing
@testable import RanchhandHandlers

@Suite("DNS: recorded IngressLists")
struct RecordedIngressTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test func aRecordedListBecomesTheDesiredRecords() async throws {
        let file = try RecordedIngresses(listJSON: Data(contentsOf: Self.fixtures.appendingPathComponent("dns/ingress-list-v1.json")))
        let desired = IngressEndpoints.desired(from: try await file.ingresses(), options: IngressSourceOptions(ingressClasses: ["nginx"]),
                                               loadBalancers: LoadBalancerZones())
        #expect(desired.endpoints.map(\.name) == ["checkout.example.com.", "shop.example.com.", "www.example.com."])
        #expect(desired.endpoints.allSatisfy { $0.ttl == 120 && $0.type == .a && $0.resource == DNSResource("ingress/store/shop") })
        guard case .alias(let alias) = desired.endpoints[0].target else { Issue.record("expected an alias"); return }
        #expect(alias.hostedZoneID == HostedZoneID("Z26RNL4JYFTOTI"))
        #expect(desired.retained == [DNSResource("ingress/store/pending")])
    }

    @Test func theOlderExtensionsListDecodesAndHasNothingToPublish() async throws {
        let file = try RecordedIngresses(listJSON: Data(contentsOf: Self.fixtures.appendingPathComponent("kubernetes/k8s-IngressList-extensions-v1beta1.json")))
        let items = try await file.ingresses()
        #expect(items.map(\.metadata.name) == ["the-ingress"])
        #expect(IngressEndpoints.desired(from: items, options: IngressSourceOptions(), loadBalancers: LoadBalancerZones()) == DesiredRecords())
    }
}

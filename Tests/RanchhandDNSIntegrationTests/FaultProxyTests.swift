import RanchhandClients
import RanchhandHandlers
import RanchhandTestSupport
import Testing

/// Route53 answers moto never gives, injected by the fault proxy. Each rule is scoped to this
/// test's own zone (path) or host names (body), since the proxy is shared.
@Suite("DNS sync through the fault proxy", .serialized)
struct FaultProxyTests {
    func proxy() async throws -> FaultProxy {
        FaultProxy(url: try await MotoServer.shared.endpoints().faultProxy, transport: AWSTestContext.transport)
    }

    @Test func throttlingAndPriorRequestNotCompleteAreRetriedByTheSharedPolicy() async throws {
        let harness = try await DNSHarness.make("throttle", throughFaultProxy: true)
        let path = "/2013-04-01/hostedzone/\(harness.zoneID.rawValue)/rrset"
        try await proxy().add([
            .init(match: .init(method: "GET", pathPrefix: path), fault: .preset("route53-throttling"), times: 1),
            .init(match: .init(method: "POST", pathPrefix: path), fault: .preset("route53-prior-request-not-complete"), times: 1),
            .init(match: .init(method: "POST", pathPrefix: path), fault: .preset("route53-throttling"), times: 1),
        ])
        let ingresses = RecordedIngresses(items: [harness.ingress("api", hosts: ["api"], ip: "203.0.113.10")])
        let result = try await harness.syncer(ingresses: ingresses).sync(dryRun: false)
        #expect(result.report?.error == nil && result.report?.changeRequests == 1)
        #expect(harness.counter.count(.listResourceRecordSets) == 2 && harness.counter.count(.changeResourceRecordSets) == 3)
        #expect(try await harness.records().table["api.\(harness.zoneName). A"] == ["203.0.113.10"])
    }

    @Test(arguments: [true, false])
    func oneRefusedRecordDoesNotBlockTheRest(messageNamesIt: Bool) async throws {
        let harness = try await DNSHarness.make("refused", throughFaultProxy: true)
        let bad = "bad-host.\(harness.zoneName)"
        let body = messageNamesIt
            ? #"<?xml version="1.0" encoding="UTF-8"?><InvalidChangeBatch xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Messages><Message>[Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '\#(bad).'']</Message></Messages><RequestId>r-1</RequestId></InvalidChangeBatch>"#
            : #"<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>InvalidChangeBatch</Code><Message>RDATA character limit of 32000 exceeded.</Message></Error><RequestId>r-2</RequestId></ErrorResponse>"#
        try await proxy().add([.init(match: .init(method: "POST", bodyContains: "<Name>\(bad).</Name>"), fault: .answer(400, body, headers: ["Content-Type": "text/xml"]))])
        var items = (0..<63).map { harness.ingress("h\($0)", hosts: ["host-\($0)"], ip: "10.0.0.\($0)") }
        items.insert(harness.ingress("bad", hosts: ["bad-host"], ip: "10.9.9.9"), at: 17)
        let result = try await harness.syncer(ingresses: RecordedIngresses(items: items)).sync(dryRun: false)
        let report = try #require(result.report)
        #expect(report.rejected.map(\.group.key.name) == ["\(bad)."])
        #expect(report.applied.count == 126 && report.error == nil)
        // Named: refused once, the rest in one more request. Not named: bisected, 1 + 2 × log2(64).
        #expect(report.changeRequests == (messageNamesIt ? 2 : 13) && harness.counter.count(.changeResourceRecordSets) == report.changeRequests)
        let table = try await harness.records().table
        #expect(table["\(bad). A"] == nil && table.count == 126 + 2)
        #expect(result.jsonLine.contains(#""rejected":[{"name":"\#(bad).","type":"A","ttl":300"#))
    }
}

import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandTestSupport
import Synchronization

/// Counts the HTTP requests the code under test sends, per AWS operation (retries included), so
/// "API calls made" is measured on the wire rather than taken from the syncer's own report.
final class CountingTransport: HTTPTransport {
    let inner: any HTTPTransport
    private let counts = Mutex<[String: Int]>([:])

    init(_ inner: any HTTPTransport = AWSTestContext.transport) { self.inner = inner }

    func send(_ request: HTTPRequest, service: String, operation: String) async throws(ClientError) -> HTTPResponse {
        counts.withLock { $0[operation, default: 0] += 1 }
        return try await inner.send(request, service: service, operation: operation)
    }

    func count(_ operation: AWSOperation) -> Int { counts.withLock { $0[operation.name] ?? 0 } }
    func reset() { counts.withLock { $0 = [:] } }
}

/// A zone of its own in the shared moto, and the syncer's pieces pointed at moto (or the fault proxy).
struct DNSHarness {
    let seed: Seed
    let zoneName: String
    let zoneID: HostedZoneID
    let counter = CountingTransport()
    let endpoint: String

    /// `records` are given the zone's name and seeded through boto3.
    static func make(_ prefix: String, records: (String) -> [Seed.Record] = { _ in [] }, throughFaultProxy: Bool = false) async throws -> DNSHarness {
        let endpoints = try await MotoServer.shared.endpoints()
        let seed = Seed(endpoint: endpoints.moto)
        let name = MotoServer.uniqueName(prefix) + ".test"
        let id = try await seed.zone(name, records: records(name))
        return DNSHarness(seed: seed, zoneName: name, zoneID: HostedZoneID(id), endpoint: throughFaultProxy ? endpoints.faultProxy : endpoints.moto)
    }

    var sender: AWSRequestSender { AWSTestContext.sender(endpoint: endpoint, transport: counter) }
    var route53: LiveRoute53Client { LiveRoute53Client(sender: sender) }

    func sources(ingresses: (any IngressProvider)? = nil, group: String? = nil, kubernetes: (any KubernetesClient)? = nil) -> LiveDNSSources {
        LiveDNSSources(ingressProvider: ingresses, group: group.map(AutoScalingGroupName.init(rawValue:)),
                       autoScaling: LiveAutoScalingClient(sender: sender), ec2: LiveEC2Client(sender: sender), elb: LiveELBv2Client(sender: sender),
                       kubernetes: kubernetes)
    }

    func syncer(ingresses: (any IngressProvider)? = nil, group: String? = nil, policy: PlanPolicy = .sync, owner: String = "ranchhand-test",
                kubernetes: (any KubernetesClient)? = nil) -> DNSSyncer {
        let pool = group.map { NodePoolOptions(group: AutoScalingGroupName($0), recordName: "nodes.\(zoneName)") }
        return DNSSyncer(configuration: DNSSyncConfiguration(zone: zoneID, owner: OwnerID(owner), policy: policy, nodePool: pool),
                         sources: sources(ingresses: ingresses, group: group, kubernetes: kubernetes), route53: route53, logger: Logger(label: "test.dns"))
    }

    /// The zone as boto3 lists it (setup and checks never go through the code under test).
    func records() async throws -> [Seed.Record] { try await seed.records(zoneID: zoneID.rawValue) }

    func ingress(_ name: String, hosts: [String], ip: String? = nil, hostname: String? = nil, namespace: String = "shop") -> Ingress {
        Ingress(metadata: ObjectMeta(name: name, namespace: namespace), ruleHosts: hosts.map { "\($0).\(zoneName)" },
                loadBalancer: [Ingress.LoadBalancerIngress(ip: ip, hostname: hostname)])
    }

    static func txt(owner: String, resource: String) -> String {
        "\"heritage=external-dns,external-dns/owner=\(owner),external-dns/resource=\(resource)\""
    }
}

extension Array where Element == Seed.Record {
    /// `name type [setIdentifier]` → values (or the alias target), for compact assertions.
    var table: [String: [String]] {
        Dictionary(map { record in
            let key = "\(record.name) \(record.type)" + (record.setIdentifier.map { " \($0)" } ?? "")
            return (key, record.alias.map { ["ALIAS \($0.dnsName) \($0.hostedZoneId)"] } ?? record.values.sorted())
        }, uniquingKeysWith: { first, _ in first })
    }
}

import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandSandbox

/// Step 3 of the demo: the DNS syncer's plan for the sandbox's Ingresses, into an empty
/// `example.com` zone. Route53 is a dry run here: the zone is read as empty and nothing is sent.
struct DemoDNS {
    let sandbox: Sandbox

    func run() async throws {
        try await AsyncHTTPTransport.scoped { transport in try await sync(transport: transport) }
    }

    private func sync(transport: AsyncHTTPTransport) async throws {
        var logger = Logger(label: "demo")
        logger.logLevel = .error
        let rancher = RancherConfiguration(baseURL: sandbox.httpURL!, token: RancherAPIToken(sandbox.apiToken))
        let kubernetes = LiveKubernetesClient(configuration: .throughRancher(rancher, cluster: SandboxWorld.standardRKE2Cluster, trust: .systemRoots),
                                              transport: transport, logger: logger)
        let sources = LiveDNSSources(ingressProvider: KubernetesIngressProvider(client: kubernetes), group: nil, autoScaling: nil, ec2: nil, elb: nil)
        let configuration = DNSSyncConfiguration(zone: EmptyZone.zone, owner: OwnerID("ranchhand-demo"), policy: .sync)
        let syncer = DNSSyncer(configuration: configuration, sources: sources, route53: EmptyZone(), logger: logger)
        let result = try await syncer.sync(dryRun: true)
        print("   \(result.plan.changes.count) changes for zone example.com (owner ranchhand-demo), packed into \(result.changeRequests) request(s):")
        for change in result.plan.changes {
            let target = change.recordSet.aliasTarget.map { "ALIAS \($0.dnsName)" } ?? change.recordSet.values.joined(separator: " ")
            print("     \(change.action.rawValue) \(change.recordSet.name) \(change.recordSet.type.rawValue) \(target)")
        }
    }
}

/// An empty hosted zone: only its SOA and NS records, and no change is ever sent.
private struct EmptyZone: Route53Client {
    static let zone = HostedZoneID(rawValue: "Z0DEMO0EXAMPLE")

    func listHostedZonesByName(startingAt dnsName: String?, limit: Int?) async throws(ClientError) -> [HostedZone] {
        [HostedZone(id: Self.zone, name: "example.com.", isPrivate: false)]
    }

    func listResourceRecordSets(_ zone: HostedZoneID, pageSize: Int?) async throws(ClientError) -> [ResourceRecordSet] {
        [ResourceRecordSet(name: "example.com.", type: .soa, ttl: 900, values: ["ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"]),
         ResourceRecordSet(name: "example.com.", type: .ns, ttl: 172_800, values: ["ns-1.awsdns-01.org."])]
    }

    func changeResourceRecordSets(_ zone: HostedZoneID, changes: [RecordChange], comment: String?) async throws(ClientError) -> ChangeInfo {
        throw ClientError(.configuration, service: "route53", operation: "ChangeResourceRecordSets", message: "the demo never sends changes")
    }

    func getChange(_ id: ChangeID) async throws(ClientError) -> ChangeInfo {
        ChangeInfo(id: id, status: nil)
    }
}

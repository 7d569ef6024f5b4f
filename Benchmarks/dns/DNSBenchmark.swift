import ArgumentParser
import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandTestSupport
import Synchronization

/// API calls made versus the minimum, and wall time, for zones of 1k/5k/10k record sets against
/// moto. Three passes per size: the initial sync into an empty zone, a resync with nothing to do,
/// and an incremental pass where 10% of the hosts move. Calls are counted on the wire.
@main
struct DNSBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dns-benchmark",
        abstract: "Route53 API calls made by ranchhand-dns versus the minimum, against moto.",
        discussion: """
            Minimum: list calls = ⌈record sets in the zone / 300⌉; change calls = ⌈max(Σ ResourceRecord \
            elements / 1000, Σ value characters / 32000)⌉, an UPSERT counting twice (a record and its TXT \
            must share a request, so one more is allowed for packing). Uses RANCHHAND_TEST_MOTO_URL when set \
            (scripts/testenv/start.sh), else starts moto itself.
            """)

    @Option(help: "Zone sizes in record sets (NS and SOA included), comma-separated.")
    var sizes = "1000,5000,10000"

    func run() async throws {
        let endpoint = try await MotoServer.shared.endpoints().moto
        print("| records | pass | list made / min | change made / min | ratio | wall s | s per 1k records |")
        print("|---:|---|---:|---:|---:|---:|---:|")
        for size in sizes.split(separator: ",").compactMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
            try await measure(size: size, endpoint: endpoint)
        }
    }

    func measure(size: Int, endpoint: String) async throws {
        let seed = Seed(endpoint: endpoint)
        let zoneName = MotoServer.uniqueName("bench\(size)") + ".test"
        let zone = HostedZoneID(try await seed.zone(zoneName))
        let hosts = (size - 2) / 2  // each host: its A record and its TXT; plus the zone's NS and SOA
        let counter = CountingTransport(AWSTestContext.transport)
        let sender = AWSTestContext.sender(endpoint: endpoint, retryPolicy: .standard, logger: Logger(label: "bench"), transport: counter)
        var logger = Logger(label: "bench.dns")
        logger.logLevel = .error
        func syncer(shift: Int) -> DNSSyncer {
            let items = (0..<hosts).map { index in
                let octet = index < hosts / 10 ? (index + shift) % 250 : index % 250
                return Ingress(metadata: ObjectMeta(name: "h\(index)", namespace: "bench"), ruleHosts: ["host-\(index).\(zoneName)"],
                               loadBalancer: [.init(ip: "10.\(index / 62500).\(index / 250 % 250).\(octet)")])
            }
            return DNSSyncer(configuration: DNSSyncConfiguration(zone: zone, owner: "bench", policy: .sync),
                             sources: LiveDNSSources(ingressProvider: RecordedIngresses(items: items), group: nil, autoScaling: nil, ec2: nil, elb: nil),
                             route53: LiveRoute53Client(sender: sender), logger: logger)
        }
        var recordsBefore = 2
        for (pass, shift) in [("initial", 0), ("resync", 0), ("10% moved", 1)] {
            counter.reset()
            let started = ContinuousClock.now
            let result = try await syncer(shift: shift).sync(dryRun: false)
            let wall = started.duration(to: .now)
            guard result.report?.error == nil, result.report?.rejected.isEmpty ?? true else {
                throw ValidationError("\(pass) at \(size): \(result.report?.error.map { "\($0)" } ?? "records refused")")
            }
            let listMade = counter.count("ListResourceRecordSets"), changeMade = counter.count("ChangeResourceRecordSets")
            let listMinimum = max(1, (recordsBefore + 299) / 300)
            let changeMinimum = BatchLimits.route53.minimumRequests(for: result.plan.changes)
            let ratio = Double(listMade + changeMade) / Double(listMinimum + changeMinimum)
            let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
            print("| \(size) | \(pass) | \(listMade) / \(listMinimum) | \(changeMade) / \(changeMinimum) | "
                  + String(format: "%.2f | %.1f | %.2f |", ratio, seconds, seconds / Double(size) * 1000))
            recordsBefore = hosts * 2 + 2
        }
    }
}

/// Counts requests per operation on the wire (retries included).
final class CountingTransport: HTTPTransport {
    let inner: any HTTPTransport
    private let counts = Mutex<[String: Int]>([:])

    init(_ inner: any HTTPTransport) { self.inner = inner }

    func send(_ request: HTTPRequest, service: String, operation: String) async throws(ClientError) -> HTTPResponse {
        counts.withLock { $0[operation, default: 0] += 1 }
        return try await inner.send(request, service: service, operation: operation)
    }

    func count(_ operation: String) -> Int { counts.withLock { $0[operation] ?? 0 } }
    func reset() { counts.withLock { $0 = [:] } }
}

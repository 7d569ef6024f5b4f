import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport
import Synchronization

/// The capacity tool's live pieces pointed at the test servers, built the way the executable
/// builds them (CapacityWiring), minus the environment.
enum CapacityHarness {
    static let logger = Logger(label: "test.capacity")

    static func reader(cloudWatch: (any CloudWatchClient)? = nil) -> MetricHistoryReader {
        MetricHistoryReader(
            cloudWatch: { (region) throws(CapacityError) -> any CloudWatchClient in
                guard let cloudWatch else { throw .datastore("no CloudWatch in this test") }
                return cloudWatch
            },
            prometheus: { source in
                LivePrometheusClient(configuration: .init(endpoint: source.endpoint, retryPolicy: AWSTestContext.fastRetries),
                                     transport: AWSTestContext.transport)
            })
    }

    /// Deployments through the sandbox Rancher's Kubernetes proxy, as `--rancher-url` wires them.
    static func kubernetes(_ sandbox: Sandbox) -> @Sendable (String) async throws(CapacityError) -> any KubernetesClient {
        let rancher = RancherConfiguration(baseURL: sandbox.httpURL!, token: RancherAPIToken(sandbox.apiToken), trust: .system)
        return { (cluster) throws(CapacityError) -> any KubernetesClient in
            LiveKubernetesClient(configuration: .throughRancher(rancher, cluster: RancherClusterID(cluster), trust: .systemRoots),
                                 transport: AWSTestContext.transport)
        }
    }

    /// A runner for Deployment targets in `sandbox`, reading Prometheus; a new one is what a new
    /// Lambda invocation would build.
    static func deploymentRunner(_ sandbox: Sandbox) -> CapacityRunner {
        CapacityRunner(reader: reader(), targets: CapacityTargets(autoScaling: nil, kubernetes: kubernetes(sandbox)), logger: logger)
    }

    /// A sandbox holding one RKE2 cluster with `deployment`, stopped however `body` ends.
    static func withSandbox(cluster: RancherClusterID, deployment: SandboxDeployment, _ body: (Sandbox) async throws -> Void) async throws {
        let sandbox = try await Sandbox.start(SandboxConfiguration())
        do {
            await sandbox.world.addCluster(id: cluster, name: cluster.rawValue, distro: .rke2)
            await sandbox.world.putDeployment(deployment, in: cluster)
            try await body(sandbox)
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }

    static func load(_ yaml: String) throws -> CapacityConfiguration {
        try CapacityConfiguration.load(yaml: yaml, file: "test.yaml")
    }

    /// The trace rows in `[from, to)`, read straight from the CSV the Prometheus was backfilled from.
    static func traceRows(from: Date, to: Date) throws -> [MetricSample] {
        let url = ChildProcess.repositoryRoot.appendingPathComponent(PrometheusServer.trace)
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let parts = line.split(separator: ",")
            guard parts.count == 2, let time = Timestamp(parsing: String(parts[0]))?.date, let value = Double(parts[1]),
                  time >= from, time < to else { return nil }
            return MetricSample(time: time, value: value)
        }
    }
}

/// Answers every request with the next canned body and keeps what was sent: the recorded
/// GetMetricData responses that moto cannot produce (metric math).
final class CannedTransport: HTTPTransport {
    private let bodies: Mutex<[[UInt8]]>
    private let sent = Mutex<[HTTPRequest]>([])

    init(bodies: [[UInt8]]) { self.bodies = Mutex(bodies) }

    func send(_ request: HTTPRequest, service: String, operation: String) async throws(ClientError) -> HTTPResponse {
        sent.withLock { $0.append(request) }
        let body = bodies.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        guard let body else { throw ClientError(.connectionFailed, service: service, operation: operation, message: "no canned response left") }
        return HTTPResponse(status: 200, headers: [.init("Content-Type", "application/x-amz-json-1.0")], body: body)
    }

    var requests: [HTTPRequest] { sent.withLock { $0 } }
}

/// Counts range queries on their way to the real Prometheus.
final class CountingPrometheus: PrometheusClient {
    let inner: any PrometheusClient
    private let ranges = Mutex<[(Date, Date)]>([])

    init(_ inner: any PrometheusClient) { self.inner = inner }

    func queryRange(_ query: String, start: Date, end: Date, step: TimeInterval) async throws(ClientError) -> [PrometheusSeries] {
        ranges.withLock { $0.append((start, end)) }
        return try await inner.queryRange(query, start: start, end: end, step: step)
    }

    var calls: [(Date, Date)] { ranges.withLock { $0 } }
}

import Foundation
import RanchhandClients
import RanchhandHandlers
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// Against a real Prometheus (Debian's package) backfilled from the NASA trace with promtool.
@Suite("Prometheus datastore against a real Prometheus")
struct PrometheusDatastoreTests {
    static let fifteenDaysIn = PrometheusServer.backfillStart.addingTimeInterval(15 * 86_400)

    @Test func fourteenDaysAtOneMinuteComeBackExactlyInTwoQueries() async throws {
        let endpoint = try await PrometheusServer.shared.endpoint()
        let source = PrometheusMetricSource(endpoint: endpoint, query: PrometheusServer.metric, step: 60)
        let counting = CountingPrometheus(LivePrometheusClient(configuration: .init(endpoint: endpoint), transport: AWSTestContext.transport))
        let reader = MetricHistoryReader(cloudWatch: { (_) throws(CapacityError) -> any CloudWatchClient in throw .datastore("unused") },
                                         prometheus: { _ in counting })
        let history = try await reader.history(.prometheus(source), window: 14 * 86_400, now: Self.fifteenDaysIn)
        // 20,160 minutes do not fit one query (11,000 points at most).
        #expect(counting.calls.count == 2)
        let expected = try CapacityHarness.traceRows(from: Self.fifteenDaysIn.addingTimeInterval(-14 * 86_400 - 60), to: Self.fifteenDaysIn)
        #expect(history.samples.count == expected.count)
        #expect(history.samples.count > 20_000)
        #expect(Array(history.samples) == expected)
    }

    @Test func badPromQLIsATypedErrorNamingTheEndpoint() async throws {
        let endpoint = try await PrometheusServer.shared.endpoint()
        let source = PrometheusMetricSource(endpoint: endpoint, query: "sum(rate(", step: 60)
        await #expect {
            _ = try await CapacityHarness.reader().history(.prometheus(source), window: 3600, now: Self.fifteenDaysIn)
        } throws: { error in
            "\(error)".contains("bad_data") && "\(error)".contains(endpoint)
        }
    }

    @Test func aQueryReturningTwoSeriesIsRefused() async throws {
        let endpoint = try await PrometheusServer.shared.endpoint()
        let twoSeries = "\(PrometheusServer.metric) or label_replace(\(PrometheusServer.metric), \"copy\", \"1\", \"\", \"\")"
        let source = PrometheusMetricSource(endpoint: endpoint, query: twoSeries, step: 60)
        await #expect {
            _ = try await CapacityHarness.reader().history(.prometheus(source), window: 3600, now: Self.fifteenDaysIn)
        } throws: { error in
            "\(error)".contains("returns 2 series")
        }
    }

    /// Prometheus → predictive decision → Deployment scaled in the sandbox, windows kept on the Deployment.
    @Test func predictiveScalerSizesADeploymentFromPrometheusHistory() async throws {
        let endpoint = try await PrometheusServer.shared.endpoint()
        try await CapacityHarness.withSandbox(cluster: "c-m-capacity", deployment: SandboxDeployment(
            namespace: "web", name: "frontend", replicas: 1, selector: ["app": "frontend"])) { sandbox in
            let configuration = try CapacityHarness.load("""
                scalers:
                  - name: nasa
                    target: {kind: deployment, cluster: c-m-capacity, namespace: web, name: frontend}
                    min: 1
                    max: 30
                    warmUp: 5m
                    coolDown: 15m
                    datastore: {kind: prometheus, endpoint: "\(endpoint)", query: \(PrometheusServer.metric), step: 1m}
                    strategy: {kind: predictive, unitCapacity: 10}
                """)
            let runner = CapacityHarness.deploymentRunner(sandbox)
            // 1995-07-16 16:00Z, a weekday afternoon: ~100-200 requests a minute.
            let now = PrometheusServer.backfillStart.addingTimeInterval(15 * 86_400 + 12 * 3600)
            let first = await runner.evaluate(configuration.scalers[0], now: now, dryRun: false)
            #expect(first.error == nil, "\(first.error.map(String.init(describing:)) ?? "")")
            #expect(first.action == .applied)
            #expect(first.samples > 20_000)
            let desired = try #require(first.decision?.desired)
            #expect(desired > 1)
            #expect(first.decision?.evidence.forecastCapacity != nil)
            let deployment = await sandbox.world.deployment(NamespacedName(namespace: "web", name: "frontend"), in: "c-m-capacity")
            #expect(deployment?.replicas == desired)
            #expect(deployment?.annotations[CapacityTargets.lastScaleOutAnnotation] == now.ISO8601Format())
            // A minute later the Deployment is read back and the ramp goes on toward the forecast
            // (a step is at most +100 %), never past it.
            let second = await runner.evaluate(configuration.scalers[0], now: now.addingTimeInterval(60), dryRun: false)
            #expect(second.decision?.current == desired)
            let forecast = try #require(second.decision?.evidence.forecastCapacity)
            #expect(second.decision.map { $0.desired >= desired && $0.desired <= max(forecast, desired) } == true, "\(second.jsonLine)")
        }
    }

    /// The warm-up window survives the process: it is read back from the Deployment's annotation.
    @Test func thresholdWarmUpIsKeptOnTheDeploymentAcrossRuns() async throws {
        let endpoint = try await PrometheusServer.shared.endpoint()
        try await CapacityHarness.withSandbox(cluster: "c-m-threshold", deployment: SandboxDeployment(
            namespace: "web", name: "api", replicas: 2, selector: ["app": "api"])) { sandbox in
            let configuration = try CapacityHarness.load("""
                scalers:
                  - name: api
                    target: {kind: deployment, cluster: c-m-threshold, namespace: web, name: api}
                    min: 1
                    max: 20
                    boostFactor: 3
                    warmUp: 10m
                    datastore: {kind: prometheus, endpoint: "\(endpoint)", query: \(PrometheusServer.metric), step: 1m}
                    strategy: {kind: threshold, lower: 0.5, upper: 2}
                """)
            let runner = CapacityHarness.deploymentRunner(sandbox)
            let now = PrometheusServer.backfillStart.addingTimeInterval(15 * 86_400 + 12 * 3600)
            let first = await runner.evaluate(configuration.scalers[0], now: now, dryRun: false)
            #expect(first.decision?.reason == .aboveUpperThreshold, "\(first.jsonLine)")
            #expect(first.decision?.desired == 5)
            // A second runner (a new Lambda invocation) two minutes later: still warming up.
            let second = await CapacityHarness.deploymentRunner(sandbox).evaluate(configuration.scalers[0], now: now.addingTimeInterval(120), dryRun: false)
            #expect(second.decision?.reason == .warmingUp(until: now.addingTimeInterval(600)), "\(second.jsonLine)")
            #expect(second.action == .unchanged)
            let deployment = await sandbox.world.deployment(NamespacedName(namespace: "web", name: "api"), in: "c-m-threshold")
            #expect(deployment?.replicas == 5)
        }
    }
}

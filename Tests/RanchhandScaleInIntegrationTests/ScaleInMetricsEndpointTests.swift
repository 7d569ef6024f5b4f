import Foundation
import RanchhandClients
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// `ranchhand-scale-in poll --metrics-address 127.0.0.1:0` as a process: it handles two terminate
/// hooks from moto's queue against the sandbox, `/metrics` counts them, and SIGTERM stops the
/// poller and the endpoint with exit status 0.
@Suite struct ScaleInMetricsEndpointTests {
    @Test func pollerServesItsCountsAndStopsServingOnSIGTERM() async throws {
        let harness = try await ScaleInHarness.start(drainDuration: .zero, removalDuration: .zero)
        defer { Task { await harness.sandbox.stop() } }
        let group = try await harness.seed.group("metrics-\(UUID().uuidString.prefix(8))", desired: 3,
                                                 hook: Seed.Hook(name: "ranchhand-scale-in", heartbeatTimeout: 120), queue: true)
        let workers = await harness.addNodes(group.instanceIds, roles: .worker, prefix: "worker")
        _ = await harness.addNodes(["i-0cp00000000000m1", "i-0cp00000000000m2", "i-0cp00000000000m3"], roles: [.etcd, .controlPlane], prefix: "cp")
        try await harness.seed.terminate(group.instanceIds[0])
        try await harness.seed.terminate(group.instanceIds[1])

        let poller = try BackgroundProcess.start(ChildProcess.builtProduct("ranchhand-scale-in"), arguments: [
            "poll", "--queue-url", try #require(group.queueUrl), "--metrics-address", "127.0.0.1:0", "--concurrency", "2", "--retry-delay", "1",
        ], environment: [
            "AWS_ENDPOINT_URL": try await MotoServer.shared.endpoints().moto, "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true",
            "RANCHER_URL": harness.sandbox.httpURL!, "RANCHER_TOKEN": harness.sandbox.apiToken, "RANCHHAND_CLUSTER": harness.cluster.rawValue,
        ])
        defer { poller.kill() }
        let url = try await poller.metricsURL()
        let completed = #"ranchhand_scale_in_total{decision="deregister",outcome="completed-continue"} 2"#
        let counted = try await ScaleInHarness.eventually(timeout: .seconds(60)) {
            (try? await Self.scrape(url)).map { String(decoding: $0.body, as: UTF8.self).contains(completed) } == true
        }
        let scrape = try await Self.scrape(url)

        #expect(counted, "last scrape: \(String(decoding: scrape.body, as: UTF8.self))")
        #expect(scrape.status == 200)
        #expect(scrape.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(String(decoding: scrape.body, as: UTF8.self).hasPrefix("# HELP ranchhand_scale_in_total"))
        #expect(await harness.sandbox.world.node(workers[0]) == nil)
        #expect(await harness.sandbox.world.node(workers[1]) == nil)
        #expect(await harness.sandbox.world.node(workers[2]) != nil)
        #expect(try await Self.scrape(url.replacingOccurrences(of: "/metrics", with: "/")).status == 404)

        let status = try await poller.terminate(within: .seconds(40))
        #expect(status == 0, "exit status after SIGTERM; stderr tail: \(poller.standardError.suffix(1500))")
        await #expect(throws: ClientError.self, "the endpoint must be gone with the poller") { _ = try await Self.scrape(url, timeout: .milliseconds(500)) }
    }

    static func scrape(_ url: String, timeout: Duration = .seconds(5)) async throws -> HTTPResponse {
        try await AWSTestContext.transport.send(HTTPRequest(method: "GET", url: url, timeout: timeout), service: "metrics", operation: "scrape")
    }
}

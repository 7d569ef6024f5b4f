import Foundation
import Logging
import RanchhandClients
import RanchhandHandlers
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport
import Synchronization
import Testing

/// The watch mode against the sandbox's Kubernetes API (real HTTP on loopback) and moto's Route53.
@Suite("DNS Ingress watch against the sandbox", .serialized)
struct IngressWatchTests {
    static let cluster = RancherClusterID("c-m-dnswatch")

    func withSandbox(_ body: (Sandbox, LiveKubernetesClient<SandboxClock>) async throws -> Void) async throws {
        let sandbox = try await Sandbox.start(SandboxConfiguration())
        await sandbox.world.addCluster(id: Self.cluster, name: "dns", distro: .rke2)
        let retries = RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(10), maximumDelay: .milliseconds(50), maximumTotal: .seconds(5))
        let client = LiveKubernetesClient(configuration: KubernetesConfiguration(baseURL: sandbox.httpURL!, bearerToken: sandbox.apiToken, retryPolicy: retries),
                                          transport: AWSTestContext.transport, clock: sandbox.clock, unitRandom: { 0.5 })
        do {
            try await body(sandbox, client)
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }

    func put(_ sandbox: Sandbox, _ name: String, host: String, ip: String) async {
        await sandbox.world.putIngress(SandboxIngress(namespace: "shop", name: name, hosts: [host], loadBalancerIPs: [ip]), in: Self.cluster)
    }

    @Test func changesFollowTheWatchAndA410RelistsWithoutLosingOne() async throws {
        let harness = try await DNSHarness.make("watch")
        let zone = harness.zoneName
        try await withSandbox { sandbox, client async throws in
            await put(sandbox, "web", host: "web.\(zone)", ip: "203.0.113.1")
            await put(sandbox, "api", host: "api.\(zone)", ip: "203.0.113.2")
            let watcher = IngressWatcher(client: client)
            let syncer = harness.syncer(ingresses: watcher)
            #expect(try await watcher.step().listed)
            _ = try await syncer.sync(dryRun: false)
            #expect(try await harness.records().table["web.\(zone). A"] == ["203.0.113.1"])

            await put(sandbox, "web", host: "web.\(zone)", ip: "203.0.113.9")
            await sandbox.world.deleteIngress(NamespacedName(namespace: "shop", name: "api"), in: Self.cluster)
            let step = try await watcher.step(timeoutSeconds: 5)
            #expect(step.changed && !step.listed && !step.expired)
            _ = try await syncer.sync(dryRun: false)
            var table = try await harness.records().table
            #expect(table["web.\(zone). A"] == ["203.0.113.9"] && table["api.\(zone). A"] == nil && table["a-api.\(zone). TXT"] == nil)

            // History compacted while changes happened: the watch answers 410 Gone, the watcher relists.
            await put(sandbox, "docs", host: "docs.\(zone)", ip: "203.0.113.3")
            await sandbox.world.compactWatchHistory(of: Self.cluster)
            let expired = try await watcher.step(timeoutSeconds: 5)
            #expect(expired.expired)
            let relisted = try await watcher.step(timeoutSeconds: 5)
            let lists = await watcher.listCount
            #expect(relisted.listed && relisted.changed && lists == 2)
            _ = try await syncer.sync(dryRun: false)
            table = try await harness.records().table
            #expect(table["docs.\(zone). A"] == ["203.0.113.3"] && table["web.\(zone). A"] == ["203.0.113.9"])
        }
    }

    @Test func theWatchLoopSyncsOnChangeAndStops() async throws {
        let harness = try await DNSHarness.make("loop")
        let zone = harness.zoneName
        try await withSandbox { sandbox, client async throws in
            await put(sandbox, "web", host: "web.\(zone)", ip: "203.0.113.1")
            let watcher = IngressWatcher(client: client)
            let loop = DNSWatchLoop(syncer: harness.syncer(ingresses: watcher), watcher: watcher, interval: .seconds(3600),
                                    minimumEventGap: .zero, idleDelay: .milliseconds(20), logger: Logger(label: "test.dns"))
            let results = Mutex<[DNSSyncResult]>([])
            let rounds = Mutex(0)
            let syncs = await loop.run(dryRun: false, report: { result in results.withLock { $0.append(result) } }, shouldStop: {
                let round = rounds.withLock { value -> Int in value += 1; return value }
                if round == 3 { await self.put(sandbox, "api", host: "api.\(zone)", ip: "203.0.113.2") }
                return round > 6
            })
            // The first round syncs everything; the change made in round 3 is synced once; quiet rounds sync nothing.
            #expect(syncs == 2)
            #expect(results.withLock { $0.map { $0.plan.changes.count } } == [2, 2])
            #expect(try await harness.records().table["api.\(zone). A"] == ["203.0.113.2"])
        }
    }
}

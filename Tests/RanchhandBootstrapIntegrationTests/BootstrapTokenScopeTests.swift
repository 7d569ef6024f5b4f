import Foundation
import RanchhandClients
import RanchhandHandlers
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// The bootstrap token every node can read is checked at start-up: the sandbox's Rancher (over
/// HTTPS, clusters hidden from the token as Rancher's RBAC hides them) and moto's launch hook.
@Suite struct BootstrapTokenScopeTests {
    @Test func aTokenThatSeesOtherClustersIsNamedInAWarningAndTheJoinGoesOn() async throws {
        try await BootstrapHarness.run(distro: .rke1) { harness in
            await harness.sandbox.world.addCluster(id: "c-other", name: "payments", distro: .rke1)
            let lines = LineCollector()
            let outcome = await harness.agent(runner: harness.host(), lines: lines).run(harness.request())
            #expect(outcome.succeeded, "\(lines.lines.joined(separator: "\n"))")
            let warning = try #require(lines.lines.first { $0.hasPrefix("warning: the Rancher token sees") })
            #expect(warning.contains("1 cluster besides \(harness.cluster) (c-other)"))
            #expect(!warning.contains(harness.sandbox.apiToken), "the token itself is never printed")
        }
    }

    @Test func aTokenLimitedToItsClusterGetsNoWarning() async throws {
        try await BootstrapHarness.run(distro: .rke1, configure: { $0.behaviour.clustersOutOfSight = ["c-other"] }) { harness in
            await harness.sandbox.world.addCluster(id: "c-other", name: "payments", distro: .rke1)
            let lines = LineCollector()
            let outcome = await harness.agent(runner: harness.host(), lines: lines).run(harness.request())
            #expect(outcome.succeeded)
            #expect(!lines.lines.contains { $0.contains("token sees") }, "\(lines.lines.joined(separator: "\n"))")
        }
    }
}

import Foundation
import RanchhandClients
import Testing
@testable import RanchhandHTTP

@Suite("Rancher client values")
struct RancherValueTests {
    @Test func caChecksumAddsExactlyOneTrailingNewline() {
        // sha256("abc\n"), as `jq -r .value | sha256sum` computes it on the agent.
        let expected = "edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb"
        #expect(RancherCAChecksum.of(caCertificates: "abc") == expected)
        #expect(RancherCAChecksum.of(caCertificates: "abc\n") == expected)
        #expect(RancherCAChecksum.of(caCertificates: "abc\n\n") != expected)
    }

    @Test func filtersAreSentInOrderAndMatchedAgain() {
        let filter = RancherNodeFilter(clusterID: "c-1", ipAddress: "10.0.0.5", providerID: "aws:///a/i-1", labels: ["k": "v"])
        #expect(filter.serverFilters.map(\.field) == ["clusterId", "ipAddress", "providerId"])
        var node = RancherNode(id: "c-1:m-1", ipAddress: "10.0.0.5", providerID: "aws:///a/i-1", labels: ["k": "v"])
        #expect(filter.matches(node))
        #expect(node.providerInstanceID == "i-1")
        node.labels["k"] = "w"
        #expect(!filter.matches(node))
        #expect(!filter.matches(RancherNode(id: "c-2:m-1", ipAddress: "10.0.0.5", providerID: "aws:///a/i-1", labels: ["k": "v"])))
    }

    @Test func drainTimeoutIsKeptWithinRancherLimits() {
        #expect(DrainOptions(timeout: 0).timeout == 1)
        #expect(DrainOptions(timeout: 99_999).timeout == DrainOptions.maximumTimeoutSeconds)
        #expect(DrainOptions().ignoreDaemonSets && DrainOptions().gracePeriod == -1 && DrainOptions().timeout == 120)
    }

    @Test func machineRefNeedsBothAnnotations() {
        #expect(MachineRef(annotations: [MachineRef.machineAnnotation: "custom-1", MachineRef.namespaceAnnotation: "fleet-default"])
                == MachineRef(namespace: "fleet-default", name: "custom-1"))
        #expect(MachineRef(annotations: [MachineRef.machineAnnotation: "custom-1"]) == nil)
    }

    @Test func secretsStayOutOfDescriptionsAndBrowsersOutOfUserAgents() {
        let token = RancherAPIToken("token-abcde:supersecret")
        #expect("\(token)" == "token-abcde:<redacted>")
        let configuration = RancherConfiguration(baseURL: "https://rancher.example.com///", token: token, userAgent: "Mozilla/5.0")
        #expect(configuration.baseURL == "https://rancher.example.com")
        #expect(configuration.userAgent == "ranchhand/1.0")
    }

    @Test func linksAreFollowedOnOurOwnOrigin() {
        #expect(URLEncoding.pathAndQuery(of: "https://other.example:8443/v3/nodes?limit=2&marker=c-1:m-2") == "/v3/nodes?limit=2&marker=c-1:m-2")
        #expect(URLEncoding.origin(of: "https://rancher.example.com:8443/prefix") == "https://rancher.example.com:8443")
        #expect(URLEncoding.pathSegment("c-d8f82:m-05b6 x/y") == "c-d8f82:m-05b6%20x%2Fy")
        #expect(URLEncoding.query([("fieldSelector", "spec.nodeName=a b")]) == "fieldSelector=spec.nodeName%3Da%20b")
    }

    /// Go's time.ParseDuration cases (src/time/time_test.go's parseDurationTests, in seconds).
    @Test func goDurationsParseAsGoDoes() {
        let valid: [(String, Double)] = [("0", 0), ("5s", 5), ("30s", 30), ("1478s", 1478), ("-5s", -5), ("+5s", 5), ("5.0s", 5),
                                         ("5.6s", 5.6), ("5.s", 5), (".5s", 0.5), ("1.004s", 1.004), ("10ms", 0.01), ("11us", 11e-6),
                                         ("12µs", 12e-6), ("13ns", 13e-9), ("3h", 10_800), ("10m", 600), ("3h30m", 12_600),
                                         ("10.5s4m", 250.5), ("1h2m3s4ms5us6ns", 3723.004005006)]
        for (text, seconds) in valid {
            let parsed = GoDuration.seconds(text)
            #expect(parsed.map { abs($0 - seconds) < 1e-9 } == true, "\(text) → \(String(describing: parsed))")
        }
        for text in ["", "3", "-", "s", ".", "-.", ".s", "+.s", "1d", "5x", "5 s", "1h-2m"] {
            #expect(GoDuration.seconds(text) == nil, "\(text)")
        }
    }

    @Test func theRecordedProvisioningClusterDecodes() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/rancher/v1-provisioning.cattle.io.cluster.dashboard-mock.json")
        let decoded = try JSONDecoder().decode(SteveProvisioningCluster.self, from: Data(contentsOf: url))
        let cluster = decoded.cluster(namespace: "unused", name: "unused")
        #expect(cluster.namespace == "fleet-default" && cluster.name == "mocked-capi" && cluster.managementClusterID == "c-m-h7mt5x6v")
        #expect(cluster.annotations["provisioning.cattle.io/management-cluster-display-name"] == "mocked-capi")
        #expect(cluster.missingMachineCleanup == .off)
    }
}

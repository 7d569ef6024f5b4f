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
}

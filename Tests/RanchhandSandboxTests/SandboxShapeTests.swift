import Foundation
import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandSandbox

/// The fake's JSON against recorded Rancher and Kubernetes responses: wherever both have a field,
/// it has the same JSON type (objects compared recursively, arrays by their first element; null
/// matches anything, as Rancher sends null for unset fields), and the client's types decode both.
@Suite("Fake responses have the recorded shapes")
struct SandboxShapeTests {
    struct Shape {
        var mismatches: [String] = []
        var compared = 0

        mutating func compare(_ sample: JSONValue, _ fake: JSONValue, at path: String) {
            switch (sample, fake) {
            case (.null, _), (_, .null):
                compared += 1
            case (.object(let expected), .object(let actual)):
                for key in Set(expected.keys).intersection(actual.keys) { compare(expected[key]!, actual[key]!, at: path + "." + key) }
            case (.array(let expected), .array(let actual)):
                if let first = expected.first, let other = actual.first { compare(first, other, at: path + "[0]") }
            default:
                compared += 1
                if sample.typeName != fake.typeName { mismatches.append("\(path): sample \(sample.typeName), fake \(fake.typeName)") }
            }
        }
    }

    func standardWorld() async -> SandboxWorld {
        let world = World.make()
        await world.loadStandardScenario()
        return world
    }

    @Test func nodesCollectionMatchesTheRecordedOne() async throws {
        let sample = try Fixtures.json("rancher/v3-nodes-collection.rancher-2.0.6.json")
        let fake = await standardWorld().rancherReply(World.request("GET", "/v3/nodes?clusterId=c-d8f82")).json
        var shape = Shape()
        shape.compare(sample, fake, at: "")
        #expect(shape.mismatches == [])
        #expect(Set(sample.objectValue!.keys).subtracting(fake.objectValue!.keys).isEmpty)
        #expect(Set(sample["filters"]!.objectValue!.keys) == Set(fake["filters"]!.objectValue!.keys))
        let sampleNode = try #require(sample["data"]?.arrayValue?.first?.objectValue)
        let fakeNode = try #require(fake["data"]?.arrayValue?.first?.objectValue)
        // Left out on purpose: docker details of RKE1's docker era.
        #expect(Set(sampleNode.keys).subtracting(fakeNode.keys) == ["dockerInfo"])
        #expect(shape.compared > 60)
    }

    @Test func clustersCollectionMatchesTheRecordedOne() async throws {
        let sample = try Fixtures.json("rancher/v3-clusters-collection.rancher-2.0.6.json")
        let fake = await standardWorld().rancherReply(World.request("GET", "/v3/clusters")).json
        var shape = Shape()
        shape.compare(sample, fake, at: "")
        #expect(shape.mismatches == [])
        #expect(Set(sample["filters"]!.objectValue!.keys) == Set(fake["filters"]!.objectValue!.keys))
        let rke1 = try #require(fake["data"]?.arrayValue?.first { $0["id"]?.stringValue == "c-d8f82" })
        let recordedHost = try #require(sample["data"]?.arrayValue?.first?["appliedSpec"]?["rancherKubernetesEngineConfig"]?["nodes"]?.arrayValue?.first)
        let fakeHost = try #require(rke1["appliedSpec"]?["rancherKubernetesEngineConfig"]?["nodes"]?.arrayValue?.first)
        #expect(Set(recordedHost.objectValue!.keys) == Set(fakeHost.objectValue!.keys))
    }

    @Test func provisioningClusterMatchesTheRecordedOne() async throws {
        let sample = try Fixtures.json("rancher/v1-provisioning.cattle.io.cluster.dashboard-mock.json")
        let world = await standardWorld()
        await world.annotateProvisioningCluster("c-m-4xkq7zp2", "rke.cattle.io/delete-missing-custom-machines-after", "10m")
        let fake = await world.rancherReply(World.request("GET", "/v1/provisioning.cattle.io.clusters/fleet-default/edge")).json
        var shape = Shape()
        shape.compare(sample, fake, at: "")
        #expect(shape.mismatches == [])
        #expect(shape.compared > 30)
        #expect(Set(sample.objectValue!.keys) == Set(fake.objectValue!.keys))
        // Left out on purpose: the dashboard's relationships and the objectset bookkeeping.
        #expect(Set(sample["metadata"]!.objectValue!.keys).subtracting(fake["metadata"]!.objectValue!.keys) == ["relationships"])
        let collection = await world.rancherReply(World.request("GET", "/v1/provisioning.cattle.io.clusters")).json
        #expect(collection["data"]?.arrayValue?.map { $0["id"]?.stringValue } == ["fleet-default/edge"])
    }

    /// What the DNS syncer reads to keep NotReady and cordoned nodes out of the node-pool records.
    @Test func nodeListMatchesTheRecordedOne() async throws {
        let sample = try Fixtures.json("kubernetes/k8s-v1-NodeList.skuber.json")
        let world = await standardWorld()
        let fake = await world.kubernetesReply(World.request("GET", "/api/v1/nodes"), cluster: SandboxWorld.standardRKE2Cluster, path: "/api/v1/nodes").json
        var shape = Shape()
        shape.compare(sample, fake, at: "")
        #expect(shape.mismatches == [])
        #expect(shape.compared > 10, "the comparison is not vacuous")
        #expect(Set(["kind", "apiVersion", "metadata", "items"]).isSubset(of: fake.objectValue!.keys))
        struct NodeList: Decodable { var items: [KubernetesNode] }
        let recorded = try JSONDecoder().decode(NodeList.self, from: Fixtures.bytes("kubernetes/k8s-v1-NodeList.skuber.json"))
        #expect(recorded.items.map(\.metadata.name) == ["10.245.1.3", "10.245.1.4", "10.245.1.5"])
        #expect(recorded.items.allSatisfy { $0.ready == "True" && !$0.unschedulable && $0.providerID.hasPrefix("vagrant://") })
    }

    @Test func errorBodyMatchesTheRecordedOne() async throws {
        let sample = try Fixtures.json("rancher/v3-error-403-forbidden.json")
        let fake = await standardWorld().rancherReply(World.request("GET", "/v3/nodes/c-d8f82:m-nope")).json
        var shape = Shape()
        shape.compare(sample, fake, at: "")
        #expect(shape.mismatches == [])
        #expect(Set(["baseType", "code", "message", "status", "type"]).isSubset(of: fake.objectValue!.keys))
        let decoded = try JSONDecoder().decode(RancherErrorBody.self, from: Fixtures.bytes("rancher/v3-error-403-forbidden.json"))
        #expect(decoded.status == 403 && decoded.code == "Forbidden" && decoded.type == "error")
    }

    /// A token that lost its role on a cluster: an empty collection (the recorded collection's keys,
    /// no data), and the cluster itself forbidden in the recorded error's shape. Other clusters stay.
    @Test func aClusterOutOfTheTokensSightListsNoNodesAndIsForbidden() async throws {
        let world = await standardWorld()
        let visibleBefore = await world.rancherReply(World.request("GET", "/v3/nodes")).json["data"]?.arrayValue?.count ?? 0
        await world.update { $0.clustersOutOfSight = [RancherClusterID("c-d8f82")] }
        let nodes = await world.rancherReply(World.request("GET", "/v3/nodes?clusterId=c-d8f82"))
        #expect(nodes.status == 200 && nodes.json["data"]?.arrayValue?.isEmpty == true)
        let sample = try Fixtures.json("rancher/v3-nodes-collection.rancher-2.0.6.json")
        #expect(Set(sample.objectValue!.keys).subtracting(nodes.json.objectValue!.keys).isEmpty)
        let everyNode = await world.rancherReply(World.request("GET", "/v3/nodes")).json["data"]?.arrayValue ?? []
        #expect(!everyNode.isEmpty && everyNode.count < visibleBefore && everyNode.allSatisfy { $0["clusterId"]?.stringValue != "c-d8f82" })
        let cluster = await world.rancherReply(World.request("GET", "/v3/clusters/c-d8f82"))
        #expect(cluster.status == 403)
        var shape = Shape()
        shape.compare(try Fixtures.json("rancher/v3-error-403-forbidden.json"), cluster.json, at: "")
        #expect(shape.mismatches == [])
    }

    @Test func ingressMatchesTheUpstreamFixture() async throws {
        let sample = try Fixtures.json("kubernetes/k8s-networking.k8s.io.v1.Ingress.json")
        let world = await standardWorld()
        let stored = await world.putIngress(SandboxIngress(name: "web", hosts: ["web.example.com"], tlsHosts: ["web.example.com"],
                                                           loadBalancerIPs: ["203.0.113.7"], annotations: ["a": "b"], labels: ["c": "d"]),
                                            in: SandboxWorld.standardRKE2Cluster)
        let fake = await world.renderIngress(stored)
        var shape = Shape()
        shape.compare(sample, fake, at: "")
        #expect(shape.mismatches == [])
        #expect(shape.compared > 15)
        let decoded = try JSONDecoder().decode(Ingress.self, from: Data(SandboxJSON.bytes(fake)))
        #expect(decoded.ruleHosts == ["web.example.com"] && decoded.tlsHosts == ["web.example.com"])
        #expect(decoded.loadBalancer == [Ingress.LoadBalancerIngress(ip: "203.0.113.7")])
    }

    @Test func clientTypesDecodeTheRecordedSamples() throws {
        let nodes = try JSONDecoder().decode(RancherCollection<RancherNode>.self, from: Fixtures.bytes("rancher/v3-nodes-collection.rancher-2.0.6.json"))
        let node = try #require(nodes.data.first)
        #expect(node.id == "c-d8f82:m-05b6053c41a2" && node.clusterID == "c-d8f82")
        #expect(node.etcd && node.controlPlane && node.worker && node.hasCustomConfig)
        #expect(node.offers(.cordon) && !node.offers(.drain))
        #expect(node.state == .active && node.nodeName == "docker" && node.ipAddress == "192.168.42.52")
        #expect(node.condition("Ready")?.status == "True")
        #expect(nodes.pagination == RancherPagination(limit: 1000, total: 1))
        #expect(nodes.ignoredFilters([("clusterId", "c-d8f82")]) == ["clusterId"])

        let clusters = try JSONDecoder().decode(RancherCollection<RancherCluster>.self, from: Fixtures.bytes("rancher/v3-clusters-collection.rancher-2.0.6.json"))
        #expect(clusters.data.map(\.name) == ["home"])
        #expect(clusters.data.first?.driver == "rancherKubernetesEngine" && clusters.data.first?.kubernetesVersion == "v1.10.5")

        struct Alert: Decodable, Sendable { var id: String }
        let alerts = try JSONDecoder().decode(RancherCollection<Alert>.self, from: Fixtures.bytes("rancher/v3-clusteralerts-collection.rancher-2.0.6.json"))
        #expect(alerts.data.count == 5 && alerts.resourceType == "clusterAlert")

        let ingress = try JSONDecoder().decode(Ingress.self, from: Fixtures.bytes("kubernetes/k8s-networking.k8s.io.v1.Ingress.json"))
        #expect(ingress.id == NamespacedName(namespace: "namespaceValue", name: "nameValue"))
        #expect(ingress.ruleHosts == ["hostValue"] && ingress.tlsHosts == ["hostsValue"] && ingress.ingressClassName == "ingressClassNameValue")
        #expect(ingress.loadBalancer == [Ingress.LoadBalancerIngress(ip: "ipValue", hostname: "hostnameValue")])
        #expect(ingress.metadata.deletionTimestamp == "2009-01-01T01:01:01Z")

        struct List: Decodable { var items: [Ingress] }
        let old = try JSONDecoder().decode(List.self, from: Fixtures.bytes("kubernetes/k8s-IngressList-extensions-v1beta1.json"))
        #expect(old.items.map(\.metadata.name) == ["the-ingress"] && old.items[0].ruleHosts.isEmpty && old.items[0].loadBalancer.isEmpty)
    }

    @Test func fakeNodesDecodeWithTheClientTypes() async throws {
        let fake = await standardWorld().rancherReply(World.request("GET", "/v3/nodes")).body
        let nodes = try JSONDecoder().decode(RancherCollection<RancherNode>.self, from: Data(fake)).data
        #expect(nodes.count == 11)
        let edgeWorker = try #require(nodes.first { $0.nodeName == "edge-worker-1" })
        #expect(edgeWorker.providerInstanceID == "i-0e1d2c3b4a5f60101" && edgeWorker.machine?.namespace == "fleet-default")
        #expect(edgeWorker.offers(.drain) && edgeWorker.offers(.cordon) && !edgeWorker.hasCustomConfig)
    }
}

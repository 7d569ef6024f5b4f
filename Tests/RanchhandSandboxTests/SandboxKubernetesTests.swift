import Foundation
import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandSandbox

@Suite("Fake Kubernetes API")
struct SandboxKubernetesTests {
    func edge() async -> SandboxWorld {
        let world = World.make { $0.watchHistoryLimit = 3 }
        await world.loadStandardScenario()
        return world
    }

    func kube(_ world: SandboxWorld, _ method: String, _ target: String, body: String = "", headers: [String: String] = [:]) async -> SandboxReply {
        let request = World.request(method, target, body: body, headers: headers)
        return await world.kubernetesReply(request, cluster: SandboxWorld.standardRKE2Cluster, path: request.path)
    }

    static let eviction = #"{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"web-7d4b9c-0","namespace":"default"}}"#

    @Test func disruptionBudgetRefusesTheSecondEviction() async {
        let world = await edge()
        let first = await kube(world, "POST", "/api/v1/namespaces/default/pods/web-7d4b9c-0/eviction", body: Self.eviction)
        #expect(first.status == 201)
        let second = await kube(world, "POST", "/api/v1/namespaces/default/pods/web-7d4b9c-1/eviction",
                                body: Self.eviction.replacingOccurrences(of: "-0", with: "-1"))
        #expect(second.status == 429)
        #expect(second.json["reason"]?.stringValue == "TooManyRequests")
        #expect(second.json["details"]?["causes"]?.arrayValue?.first?["reason"]?.stringValue == "DisruptionBudget")
        let gone = await kube(world, "POST", "/api/v1/namespaces/default/pods/web-7d4b9c-0/eviction", body: Self.eviction)
        #expect(gone.status == 404)
        // The ReplicaSet's replacement for web-0 runs elsewhere once started, and lets the next eviction through.
        let replacements = await world.pods(in: SandboxWorld.standardRKE2Cluster).filter { $0.labels["app"] == "web" && !["web-7d4b9c-1", "web-7d4b9c-2"].contains($0.name) }
        #expect(replacements.map(\.phase) == ["Pending"])
        #expect(replacements.first?.nodeName != "edge-worker-1")
        world.clock.advance(by: .seconds(2))
        #expect(await kube(world, "POST", "/api/v1/namespaces/default/pods/web-7d4b9c-1/eviction",
                           body: Self.eviction.replacingOccurrences(of: "-0", with: "-1")).status == 201)
    }

    @Test func podsAreSelectedByNodeName() async {
        let world = await edge()
        let pods = await kube(world, "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dedge-worker-1").json["items"]?.arrayValue ?? []
        #expect(pods.compactMap { $0["metadata"]?["name"]?.stringValue }.sorted() == ["canal-edge-worker-1", "web-7d4b9c-0", "web-7d4b9c-2"])
        #expect(pods.allSatisfy { $0["spec"]?["nodeName"]?.stringValue == "edge-worker-1" })
    }

    @Test func cordoningThroughKubernetesShowsInRancher() async throws {
        let world = await edge()
        let patched = await kube(world, "PATCH", "/api/v1/nodes/edge-cp-1", body: #"{"spec":{"unschedulable":true},"metadata":{"labels":{"a":"b"}}}"#,
                                 headers: ["Content-Type": "application/merge-patch+json"])
        #expect(patched.json["spec"]?["unschedulable"] == .bool(true))
        let node = try #require(await world.node(named: "edge-cp-1", in: SandboxWorld.standardRKE2Cluster))
        #expect(node.state == .cordoned && node.labels["a"] == "b")
        let wrongType = await kube(world, "PATCH", "/api/v1/nodes/edge-cp-1", body: "{}", headers: ["Content-Type": "application/json"])
        #expect(wrongType.status == 415)
    }

    @Test func watchReturnsLaterEventsThenABookmark() async throws {
        let world = await edge()
        let list = await kube(world, "GET", "/apis/networking.k8s.io/v1/ingresses").json
        let version = try #require(list["metadata"]?["resourceVersion"]?.stringValue)
        await world.putIngress(SandboxIngress(name: "api", hosts: ["api.example.com"], loadBalancerIPs: ["203.0.113.9"]), in: SandboxWorld.standardRKE2Cluster)
        await world.deleteIngress(NamespacedName(namespace: "default", name: "shop"), in: SandboxWorld.standardRKE2Cluster)
        let lines = await kube(world, "GET", "/apis/networking.k8s.io/v1/ingresses?watch=1&resourceVersion=\(version)&allowWatchBookmarks=true")
            .text.split(separator: "\n").map { try? JSONValue.parse(String($0)) }
        #expect(lines.map { $0?["type"]?.stringValue } == ["ADDED", "DELETED", "BOOKMARK"])
        #expect(lines[2]?["object"]?["metadata"]?["resourceVersion"] == lines[1]?["object"]?["metadata"]?["resourceVersion"])
    }

    @Test func compactedHistoryAnswersGone() async {
        let world = await edge()
        await world.compactWatchHistory(of: SandboxWorld.standardRKE2Cluster)
        let inStream = await kube(world, "GET", "/apis/networking.k8s.io/v1/ingresses?watch=1&resourceVersion=100")
        #expect(inStream.status == 200)
        #expect(inStream.json["type"]?.stringValue == "ERROR" && inStream.json["object"]?["code"] == .number(410))
        await world.update { $0.expiredWatchAsHTTPStatus = true }
        #expect(await kube(world, "GET", "/apis/networking.k8s.io/v1/ingresses?watch=1&resourceVersion=100").status == 410)
    }

    @Test func deploymentScaleReadsAndPatches() async {
        let world = await edge()
        #expect(await kube(world, "GET", "/apis/apps/v1/namespaces/default/deployments/web/scale").json["spec"]?["replicas"] == .number(3))
        let patched = await kube(world, "PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale", body: #"{"spec":{"replicas":5}}"#)
        #expect(patched.json["status"]?["selector"]?.stringValue == "app=web")
        #expect(await world.deployment(NamespacedName(namespace: "default", name: "web"), in: SandboxWorld.standardRKE2Cluster)?.replicas == 5)
        #expect(await kube(world, "GET", "/apis/apps/v1/namespaces/default/deployments/nope/scale").status == 404)
    }
}

@Suite("Fake IMDSv2")
struct SandboxIMDSTests {
    func imds(_ world: SandboxWorld, _ method: String, _ path: String, headers: [String: String] = [:]) async -> SandboxReply? {
        if case .reply(let reply) = await world.imdsAnswer(World.request(method, path, headers: headers)) { return reply }
        return nil
    }

    func token(_ world: SandboxWorld, ttl: Int = 60) async throws -> String {
        try #require(await imds(world, "PUT", "/latest/api/token", headers: ["X-aws-ec2-metadata-token-ttl-seconds": String(ttl)])).text
    }

    @Test func tokenThenMetadata() async throws {
        let world = World.make()
        let token = try await token(world)
        let auth = ["X-aws-ec2-metadata-token": token]
        #expect(await imds(world, "GET", "/latest/meta-data/instance-id", headers: auth)?.text == "i-0b2f6a3c9d1e4f5a6")
        #expect(await imds(world, "GET", "/latest/meta-data/placement/availability-zone", headers: auth)?.text == "eu-west-1a")
        #expect(await imds(world, "GET", "/latest/meta-data/tags/instance/Name", headers: auth)?.text == "rancher-worker")
        #expect(await imds(world, "GET", "/latest/meta-data/autoscaling/target-lifecycle-state", headers: auth)?.text == "InService")
        let credentials = await imds(world, "GET", "/latest/meta-data/iam/security-credentials/ranchhand-node", headers: auth)?.json
        #expect(credentials?["AccessKeyId"]?.stringValue == "ASIASANDBOXEXAMPLE00")
        #expect(credentials?["Expiration"]?.stringValue?.hasSuffix("Z") == true)
        #expect(await imds(world, "GET", "/latest/meta-data/iam/security-credentials/", headers: auth)?.text == "ranchhand-node")
        let document = await imds(world, "GET", "/latest/dynamic/instance-identity/document", headers: auth)?.json
        #expect(document?["region"]?.stringValue == "eu-west-1" && document?["privateIp"]?.stringValue == "10.0.1.23")
    }

    @Test func refusalsExpiryAndHopLimit() async throws {
        let world = World.make()
        #expect(await imds(world, "GET", "/latest/meta-data/instance-id")?.status == 401)
        #expect(await imds(world, "PUT", "/latest/api/token")?.status == 400)
        #expect(await imds(world, "GET", "/latest/meta-data/instance-id", headers: ["X-aws-ec2-metadata-token": "forged"])?.status == 401)
        let token = try await token(world, ttl: 5)
        world.clock.advance(by: .seconds(5))
        #expect(await imds(world, "GET", "/latest/meta-data/instance-id", headers: ["X-aws-ec2-metadata-token": token])?.status == 401)

        await world.updateIMDS { $0.refuseIMDSv1 = false; $0.exposeInstanceTags = false; $0.targetLifecycleState = "Terminated"; $0.callerHops = 2 }
        #expect(await imds(world, "GET", "/latest/meta-data/instance-id")?.status == 200)
        #expect(await imds(world, "GET", "/latest/meta-data/tags/instance/Name")?.status == 404)
        #expect(await imds(world, "GET", "/latest/meta-data/autoscaling/target-lifecycle-state")?.text == "Terminated")
        guard case .drop = await world.imdsAnswer(World.request("PUT", "/latest/api/token", headers: ["X-aws-ec2-metadata-token-ttl-seconds": "60"])) else {
            Issue.record("a token response beyond the hop limit must never arrive")
            return
        }
    }
}

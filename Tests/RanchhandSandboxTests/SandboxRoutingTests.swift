import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandSandbox

@Suite("Fake Rancher: collections, authentication and faults")
struct SandboxRoutingTests {
    static let token = "token-abcde:secretsecret"

    func router(_ world: SandboxWorld, seed: UInt64 = 3) -> SandboxRouter {
        SandboxRouter(world: world, faults: FaultInjector(seed: seed), log: RequestLog(), apiToken: Self.token, directCluster: nil)
    }

    func send(_ router: SandboxRouter, _ method: String, _ target: String, auth: Bool = true, headers: [String: String] = [:]) async -> SandboxRouter.Outcome {
        var headers = headers
        if auth { headers["Authorization"] = "Bearer \(Self.token)" }
        return await router.handle(World.request(method, target, headers: headers), scheme: "https")
    }

    func reply(_ outcome: SandboxRouter.Outcome) -> SandboxReply? {
        if case .reply(let reply) = outcome { return reply }
        return nil
    }

    func fiveWorkers() async -> SandboxWorld {
        let world = World.make { $0.defaultPageLimit = 2 }
        await world.addCluster(id: World.rke1, name: "home", distro: .rke1)
        for index in 1...5 { await world.addNode(SandboxNodeSpec(name: "w-\(index)", ipAddress: "10.0.0.\(index)"), to: World.rke1) }
        return world
    }

    @Test func pagesFollowMarkersToTheEnd() async throws {
        let world = await fiveWorkers()
        var ids: [String] = []
        var target: String? = "/v3/nodes?clusterId=c-rke1"
        var pages = 0
        while let next = target {
            let page = await world.rancherReply(World.request("GET", next)).json
            ids += page["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(page["pagination"]?["total"] == .number(5))
            target = page["pagination"]?["next"]?.stringValue.map { String($0.dropFirst("https://localhost:8443".count)) }
            pages += 1
        }
        #expect(pages == 3)
        #expect(ids.count == 5 && ids == ids.sorted() && Set(ids).count == 5)
    }

    @Test func unknownFiltersAreIgnoredAndEchoedAsNull() async {
        let world = await fiveWorkers()
        await world.update { $0.unsupportedFilters = ["providerId"]; $0.defaultPageLimit = 1000 }
        let known = await world.rancherReply(World.request("GET", "/v3/nodes?ipAddress=10.0.0.3")).json
        #expect(known["data"]?.arrayValue?.count == 1)
        #expect(known["filters"]?["ipAddress"] == .array([.object(["modifier": .string("eq"), "value": .string("10.0.0.3")])]))
        let ignored = await world.rancherReply(World.request("GET", "/v3/nodes?providerId=aws:///x/i-1&nodeNmae=w-1")).json
        #expect(ignored["data"]?.arrayValue?.count == 5)
        #expect(ignored["filters"]?["providerId"] == .null)
        #expect(ignored["filters"]?["nodeNmae"] == nil)
    }

    @Test func requestsNeedTheTokenExceptCacertsAndPing() async {
        let world = await fiveWorkers()
        let router = router(world)
        let denied = reply(await send(router, "GET", "/v3/nodes", auth: false))
        #expect(denied?.status == 401)
        #expect(denied?.json["code"]?.stringValue == "Unauthorized")
        #expect(reply(await send(router, "GET", "/v3/settings/cacerts", auth: false))?.status == 200)
        #expect(reply(await send(router, "GET", "/ping", auth: false))?.text == "pong")
        let basic = reply(await send(router, "GET", "/v3/nodes", auth: false, headers: ["Authorization": "Basic dG9rZW4tYWJjZGU6c2VjcmV0c2VjcmV0"]))
        #expect(basic?.status == 200)
    }

    @Test func aBrowserUserAgentTripsTheCSRFCheckOnWrites() async {
        let world = await fiveWorkers()
        let node = await world.nodes(in: World.rke1)[0]
        let browser = ["User-Agent": "Mozilla/5.0 (X11; Linux x86_64)", "Accept": "*/*"]
        let refused = reply(await send(router(world), "POST", "/v3/nodes/\(node.id)?action=cordon", headers: browser))
        #expect(refused?.status == 422)
        #expect(refused?.json["code"]?.stringValue == "InvalidCSRFToken")
        #expect(reply(await send(router(world), "POST", "/v3/nodes/\(node.id)?action=cordon"))?.status == 200)
    }

    @Test func scriptedFaultsHitOnlyTheirRouteAndRunOut() async {
        let world = await fiveWorkers()
        let router = router(world)
        let node = await world.nodes(in: World.rke1)[0]
        await router.faults.inject(.status(503), on: .rancherAction("drain"), times: 2)
        #expect(reply(await send(router, "POST", "/v3/nodes/\(node.id)?action=cordon"))?.status == 200)
        for _ in 0..<2 {
            let failed = reply(await send(router, "POST", "/v3/nodes/\(node.id)?action=drain"))
            #expect(failed?.status == 503)
            #expect(failed?.json["code"]?.stringValue == "ClusterUnavailable")
        }
        #expect(await world.node(node.id)?.drain == nil)
        #expect(reply(await send(router, "POST", "/v3/nodes/\(node.id)?action=drain"))?.status == 200)
    }

    @Test func droppedAndMalformedFaults() async {
        let world = await fiveWorkers()
        let router = router(world)
        await router.faults.inject(.dropConnection, on: .path("/v3/nodes", method: "GET"), times: 1)
        await router.faults.inject(.malformedBody, on: .path("/v3/clusters"), times: 1)
        if case .drop = await send(router, "GET", "/v3/nodes") {} else { Issue.record("expected a dropped connection") }
        let garbled = reply(await send(router, "GET", "/v3/clusters"))
        #expect(garbled?.status == 200)
        #expect((try? JSONValue.parse(garbled?.body ?? [])) == nil)
        #expect(reply(await send(router, "GET", "/v3/clusters"))?.json["type"]?.stringValue == "collection")
    }

    @Test func probabilisticFaultsRepeatWithTheSameSeed() async {
        func pattern(seed: UInt64) async -> [Int] {
            let world = await fiveWorkers()
            let router = router(world, seed: seed)
            await router.faults.inject(.status(500), on: .anyRequest, probability: 0.5)
            var statuses: [Int] = []
            for _ in 0..<20 { statuses.append(reply(await send(router, "GET", "/v3/clusters"))?.status ?? 0) }
            return statuses
        }
        let first = await pattern(seed: 11)
        #expect(first == (await pattern(seed: 11)))
        #expect(first.contains(500) && first.contains(200))
    }
}

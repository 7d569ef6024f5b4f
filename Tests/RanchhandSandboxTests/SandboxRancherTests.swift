import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandSandbox

@Suite("Fake Rancher: node states, actions and deletion")
struct SandboxRancherTests {
    func rke1World() async -> (SandboxWorld, etcd: SandboxNode, worker: SandboxNode) {
        let world = World.make { $0.drainDuration = .seconds(30); $0.removalDuration = .seconds(10) }
        await world.addCluster(id: World.rke1, name: "home", distro: .rke1)
        let etcd = await world.addNode(SandboxNodeSpec(name: "cp-1", roles: [.etcd, .controlPlane], ipAddress: "10.0.0.1"), to: World.rke1)
        await world.addNode(SandboxNodeSpec(name: "cp-2", roles: [.etcd, .controlPlane], ipAddress: "10.0.0.2"), to: World.rke1)
        let worker = await world.addNode(SandboxNodeSpec(name: "w-1", ipAddress: "10.0.0.3", instanceID: "i-0aaa"), to: World.rke1)
        return (world, etcd, worker)
    }

    func action(_ world: SandboxWorld, _ name: String, _ node: SandboxNode, body: String = "{}") async -> SandboxReply {
        await world.rancherReply(World.request("POST", "/v3/nodes/\(node.id)?action=\(name)", body: body))
    }

    @Test func cordonThenRecordonIsInvalidAction() async {
        let (world, _, worker) = await rke1World()
        #expect(await action(world, "cordon", worker).status == 200)
        #expect(await world.node(worker.id)?.state == .cordoned)
        let again = await action(world, "cordon", worker)
        #expect(again.status == 422)
        #expect(again.json["code"]?.stringValue == "InvalidAction")
        #expect(again.json["message"]?.stringValue == "Invalid action: cordon")
        #expect(await action(world, "uncordon", worker).status == 200)
        #expect(await world.node(worker.id)?.state == .active)
    }

    @Test func etcdAndControlPlaneNodesOfferNoCordonOrDrain() async {
        let (world, etcd, _) = await rke1World()
        let rendered = await world.rancherReply(World.request("GET", "/v3/nodes/\(etcd.id)")).json
        #expect(rendered["actions"] == .object([:]))
        #expect(await action(world, "cordon", etcd).json["code"]?.stringValue == "InvalidAction")
        #expect(await action(world, "drain", etcd).status == 422)
    }

    @Test func drainRunsThenCompletesAfterTheConfiguredDelay() async {
        let (world, _, worker) = await rke1World()
        #expect(await action(world, "drain", worker, body: #"{"deleteLocalData":true,"force":true,"timeout":120}"#).status == 200)
        let draining = await world.rancherReply(World.request("GET", "/v3/nodes/\(worker.id)")).json
        #expect(draining["state"]?.stringValue == "draining")
        #expect(draining["actions"]?.objectValue?.keys.sorted() == ["stopDrain"])
        #expect(await action(world, "drain", worker).status == 422)

        world.clock.advance(by: .seconds(29))
        #expect(await world.node(worker.id)?.state == .draining)
        world.clock.advance(by: .seconds(1))
        let drained = await world.rancherReply(World.request("GET", "/v3/nodes/\(worker.id)")).json
        #expect(drained["state"]?.stringValue == "drained")
        #expect(drained["conditions"]?.arrayValue?.contains { $0["type"]?.stringValue == "Drained" && $0["status"]?.stringValue == "True" } == true)
        #expect(drained["actions"]?.objectValue?.keys.sorted() == ["uncordon"])
    }

    @Test func drainLongerThanItsTimeoutFailsIgnorablyAndShowsCordoned() async {
        let (world, _, worker) = await rke1World()
        #expect(await action(world, "drain", worker, body: #"{"timeout":5}"#).status == 200)
        world.clock.advance(by: .seconds(5))
        let node = await world.rancherReply(World.request("GET", "/v3/nodes/\(worker.id)")).json
        #expect(node["state"]?.stringValue == "cordoned")
        let drained = node["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == "Drained" }
        #expect(drained?["status"]?.stringValue == "False")
        #expect(drained?["message"]?.stringValue == "Drain failed: drain did not complete within 5s")
        #expect(await action(world, "drain", worker, body: #"{"timeout":10801}"#).json["code"]?.stringValue == "MaxLimitExceeded")
    }

    @Test func stopDrainLeavesTheNodeCordoned() async {
        let (world, _, worker) = await rke1World()
        _ = await action(world, "drain", worker)
        #expect(await action(world, "stopDrain", worker).status == 200)
        #expect(await world.node(worker.id)?.state == .cordoned)
    }

    @Test func rke1DeletionRemovesTheNodeAndItsEtcdMember() async {
        let (world, etcd, _) = await rke1World()
        #expect(await world.etcdMembers(of: World.rke1) == ["cp-1", "cp-2"])
        let deleted = await world.rancherReply(World.request("DELETE", "/v3/nodes/\(etcd.id)"))
        #expect(deleted.status == 200)
        #expect(deleted.json["state"]?.stringValue == "removing")
        world.clock.advance(by: .seconds(10))
        #expect(await world.rancherReply(World.request("GET", "/v3/nodes/\(etcd.id)")).status == 404)
        #expect(await world.etcdMembers(of: World.rke1) == ["cp-2"])
        let cluster = await world.rancherReply(World.request("GET", "/v3/clusters/\(World.rke1)")).json
        let hosts = cluster["appliedSpec"]?["rancherKubernetesEngineConfig"]?["nodes"]?.arrayValue ?? []
        #expect(hosts.compactMap { $0["hostnameOverride"]?.stringValue }.sorted() == ["cp-2", "w-1"])
        let again = await world.rancherReply(World.request("DELETE", "/v3/nodes/\(etcd.id)"))
        #expect(again.status == 404)
        #expect(again.json["code"]?.stringValue == "NotFound")
    }

    @Test func rke2DeletingOnlyTheV3MirrorBringsTheNodeBack() async throws {
        let world = World.make { $0.removalDuration = .seconds(10) }
        await world.addCluster(id: World.rke2, name: "edge", distro: .rke2)
        let node = await world.addNode(SandboxNodeSpec(name: "edge-cp-1", roles: [.etcd, .controlPlane]), to: World.rke2)
        let machine = try #require(node.machine)
        #expect(machine.namespace == "fleet-default")
        #expect(await world.rancherReply(World.request("GET", "/v3/nodes/\(node.id)")).json["links"]?["remove"] == nil)

        #expect(await world.rancherReply(World.request("DELETE", "/v3/nodes/\(node.id)")).status == 200)
        world.clock.advance(by: .seconds(10))
        #expect(await world.node(node.id) == nil)
        let mirror = await world.node(named: "edge-cp-1", in: World.rke2)
        #expect(mirror != nil && mirror?.id != node.id)
        #expect(mirror?.machine == machine)
        #expect(await world.etcdMembers(of: World.rke2) == ["edge-cp-1"])
    }

    @Test func rke2MachineDeletionRemovesMachineNodeAndEtcdMember() async throws {
        let world = World.make { $0.removalDuration = .seconds(10) }
        await world.addCluster(id: World.rke2, name: "edge", distro: .rke2)
        let node = await world.addNode(SandboxNodeSpec(name: "edge-cp-1", roles: [.etcd, .controlPlane]), to: World.rke2)
        await world.addNode(SandboxNodeSpec(name: "edge-cp-2", roles: [.etcd, .controlPlane]), to: World.rke2)
        let machine = try #require(node.machine)
        let path = "/v1/cluster.x-k8s.io.machines/\(machine.namespace)/\(machine.name)"
        let deleting = await world.rancherReply(World.request("DELETE", path)).json
        #expect(deleting["status"]?["phase"]?.stringValue == "Deleting")
        #expect(deleting["metadata"]?["deletionTimestamp"]?.stringValue != nil)
        #expect(await world.node(node.id)?.state == .removing)
        world.clock.advance(by: .seconds(10))
        #expect(await world.rancherReply(World.request("GET", path)).status == 404)
        #expect(await world.node(named: "edge-cp-1", in: World.rke2) == nil)
        #expect(await world.etcdMembers(of: World.rke2) == ["edge-cp-2"])
        #expect(await world.rancherReply(World.request("DELETE", path)).status == 404)
    }

    /// A Node deleted under its Machine (a cloud controller manager after its instance went): Rancher
    /// keeps the Machine and the etcd member unless the provisioning cluster carries
    /// `rke.cattle.io/delete-missing-custom-machines-after`, and then deletes it that long after.
    @Test func aMachineWhoseNodeIsGoneStaysUnlessRanchersCleanUpIsOn() async throws {
        let world = World.make { $0.removalDuration = .seconds(2) }
        await world.addCluster(id: World.rke2, name: "edge", distro: .rke2)
        let kept = try #require(await world.addNode(SandboxNodeSpec(name: "edge-cp-1", roles: [.etcd, .controlPlane]), to: World.rke2).machine)
        await world.addNode(SandboxNodeSpec(name: "edge-cp-2", roles: [.etcd, .controlPlane]), to: World.rke2)
        await world.deleteKubernetesNode(named: "edge-cp-1", in: World.rke2)
        world.clock.advance(by: .seconds(3600))
        #expect(await world.node(named: "edge-cp-1", in: World.rke2) == nil)
        #expect(await world.machine(kept)?.phase == "Running")
        #expect(await world.etcdMembers(of: World.rke2) == ["edge-cp-1", "edge-cp-2"])

        await world.annotateProvisioningCluster(World.rke2, ProvisioningCluster.deleteMissingMachinesAnnotation, "5m")
        let reply = await world.rancherReply(World.request("GET", "/v1/provisioning.cattle.io.clusters/fleet-default/edge")).json
        #expect(reply["metadata"]?["annotations"]?[ProvisioningCluster.deleteMissingMachinesAnnotation]?.stringValue == "5m")
        #expect(reply["status"]?["clusterName"]?.stringValue == World.rke2.rawValue)
        // The node has been gone an hour: past the five minutes, deleted at the next look.
        #expect(await world.machine(kept)?.phase == "Deleting")
        world.clock.advance(by: .seconds(2))
        #expect(await world.machine(kept) == nil)
        #expect(await world.etcdMembers(of: World.rke2) == ["edge-cp-2"])

        let second = try #require(await world.node(named: "edge-cp-2", in: World.rke2)?.machine)
        await world.addNode(SandboxNodeSpec(name: "edge-cp-3", roles: [.etcd, .controlPlane]), to: World.rke2)
        await world.deleteKubernetesNode(named: "edge-cp-2", in: World.rke2)
        world.clock.advance(by: .seconds(299))
        #expect(await world.machine(second)?.phase == "Running", "not before the annotation's five minutes")
        world.clock.advance(by: .seconds(1))
        #expect(await world.machine(second)?.phase == "Deleting")
        #expect(await world.rancherReply(World.request("GET", "/v1/provisioning.cattle.io.clusters/fleet-default/nope")).status == 404)
    }

    @Test func registrationTokenCommandsFillInAfterTheDelay() async throws {
        let world = World.make { $0.registrationCommandDelay = .seconds(6) }
        await world.addCluster(id: World.rke1, name: "home", distro: .rke1, withDefaultToken: false)
        let created = await world.rancherReply(World.request("POST", "/v3/clusterregistrationtokens",
                                                             body: #"{"type":"clusterRegistrationToken","clusterId":"c-rke1"}"#))
        #expect(created.status == 201)
        #expect(created.json["nodeCommand"]?.stringValue == "")
        let id = try #require(created.json["id"]?.stringValue)
        world.clock.advance(by: .seconds(6))
        let ready = await world.rancherReply(World.request("GET", "/v3/clusterregistrationtokens/\(id)")).json
        let command = try #require(ready["nodeCommand"]?.stringValue)
        #expect(command.hasPrefix("sudo docker run -d --privileged"))
        #expect(command.hasSuffix("--ca-checksum 00"))
        #expect(ready["command"]?.stringValue?.hasPrefix("kubectl apply -f https://localhost:8443/v3/import/") == true)
    }
}

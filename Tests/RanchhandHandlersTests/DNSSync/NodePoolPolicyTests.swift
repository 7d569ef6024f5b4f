import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

/// Node-pool records under the stack's defaults (Ingress policy upsert-only): a departed
/// instance's record is deleted all the same, and a group read as empty deletes nothing.
@Suite("DNS node pool: its own policy and its floor")
struct NodePoolPolicyTests {
    static let group = AutoScalingGroupName("compute")
    static let current = SyncAndTriggerTests.apex + [
        Zone.a("nodes.example.com.", ["10.0.1.1"], ttl: 60, setIdentifier: "i-01", multiValue: true),
        Zone.txt("a-nodes.example.com.", owner: "prod", resource: "nodes/compute", setIdentifier: "i-01"),
        Zone.a("nodes.example.com.", ["10.0.1.9"], ttl: 60, setIdentifier: "i-09", multiValue: true),
        Zone.txt("a-nodes.example.com.", owner: "prod", resource: "nodes/compute", setIdentifier: "i-09"),
        Zone.a("gone.example.com.", ["10.0.0.5"]), Zone.txt("a-gone.example.com.", owner: "prod", resource: "ingress/shop/gone"),
    ]

    func sync(policy: PlanPolicy, pool: NodePoolOptions, instances: [NodeInstance]) async throws -> (DNSSyncResult, StrictRoute53) {
        let route53 = StrictRoute53(Self.current)
        let syncer = DNSSyncer(configuration: DNSSyncConfiguration(zone: "ZTEST", owner: "prod", policy: policy, nodePool: pool),
                               sources: FixedSources(ingressList: [], instances: instances), route53: route53, logger: Logger(label: "test"))
        return (try await syncer.sync(dryRun: false), route53)
    }

    @Test func underUpsertOnlyADepartedInstancesRecordIsStillDeleted() async throws {
        let (result, route53) = try await sync(policy: .upsertOnly, pool: NodePoolOptions(group: Self.group, recordName: "nodes.example.com"),
                                               instances: [NodeInstance(instanceID: "i-01", privateIPv4: "10.0.1.1", publicIPv4: nil)])
        #expect(result.plan.changes.map { "\($0.action.rawValue) \($0.recordSet.type) \($0.recordSet.setIdentifier ?? "-")" } == ["DELETE A i-09", "DELETE TXT i-09"])
        // The Ingress record without an Ingress is held by upsert-only, as before.
        #expect(result.plan.heldByPolicy == 2)
        let left = await route53.records.values.filter { $0.type == .a }.map { $0.setIdentifier ?? $0.name }.sorted()
        #expect(left == ["gone.example.com.", "i-01"])
    }

    @Test func thePoolCanBeHeldToUpsertOnlyOnPurpose() async throws {
        let pool = NodePoolOptions(group: Self.group, recordName: "nodes.example.com", policy: .upsertOnly)
        let (result, _) = try await sync(policy: .upsertOnly, pool: pool, instances: [NodeInstance(instanceID: "i-01", privateIPv4: "10.0.1.1", publicIPv4: nil)])
        #expect(result.plan.changes.isEmpty && result.plan.heldByPolicy == 4)
    }

    @Test(arguments: [(0, 1), (1, 2), (2, 3)])
    func aReadBelowTheFloorChangesNoNodePoolRecord(_ members: Int, _ floor: Int) async throws {
        let instances = (0..<members).map { NodeInstance(instanceID: InstanceID("i-5\($0)"), privateIPv4: "10.0.5.\($0)", publicIPv4: nil) }
        let pool = NodePoolOptions(group: Self.group, recordName: "nodes.example.com", minimumRecords: floor)
        let (result, route53) = try await sync(policy: .sync, pool: pool, instances: instances)
        #expect(!result.plan.changes.contains { $0.resource.isNodePool }, "\(result.plan.changes.map(\.recordSet.name))")
        #expect(await route53.records.values.filter { $0.setIdentifier != nil && $0.type == .a }.count == 2)
        // The Ingress source was read (empty), so its own record still goes under sync.
        #expect(result.plan.changes.map(\.recordSet.name) == ["gone.example.com.", "a-gone.example.com."])
    }

    @Test func atTheFloorThePoolIsSynced() async throws {
        let pool = NodePoolOptions(group: Self.group, recordName: "nodes.example.com", minimumRecords: 1)
        let (result, _) = try await sync(policy: .sync, pool: pool, instances: [NodeInstance(instanceID: "i-01", privateIPv4: "10.0.1.1", publicIPv4: nil)])
        #expect(result.plan.changes.filter { $0.resource.isNodePool }.map { $0.recordSet.setIdentifier } == ["i-09", "i-09"])
    }

    @Test func aPoolPastRoute53sQuotasIsRefusedByNameNotByInvalidChangeBatch() {
        func nodes(_ count: Int) -> [NodeInstance] {
            (0..<count).map { NodeInstance(instanceID: InstanceID(String(format: "i-%03d", $0)), privateIPv4: "10.1.\($0 / 256).\($0 % 256)", publicIPv4: nil) }
        }
        let multivalue = NodePoolEndpoints.desired(from: nodes(105), options: NodePoolOptions(group: Self.group, recordName: "nodes.example.com"))
        #expect(multivalue.endpoints.count == 100)
        #expect(multivalue.rejected.map(\.setIdentifier) == ["i-100", "i-101", "i-102", "i-103", "i-104"])
        #expect(multivalue.rejected.allSatisfy { $0.reason.contains("Route53 allows 100 multivalue record sets per name") })
        let simple = NodePoolEndpoints.desired(from: nodes(405), options: NodePoolOptions(group: Self.group, recordName: "nodes.example.com", style: .simple))
        guard case .values(let values)? = simple.endpoints.first?.target else {
            Issue.record("expected one record set of addresses")
            return
        }
        #expect(simple.endpoints.count == 1 && values.count == 400)
        #expect(simple.rejected.count == 5 && simple.rejected.allSatisfy { $0.reason.contains("at most 400 values") })
        #expect(NodePoolEndpoints.desired(from: nodes(100), options: NodePoolOptions(group: Self.group, recordName: "nodes.example.com")).rejected.isEmpty)
    }

    /// With the cluster's Nodes, the pool is the instances whose Node is Ready and schedulable,
    /// found by the bootstrap label, the AWS provider ID or the private address; one not joined yet
    /// is not in it. Without them, Auto Scaling's view alone, as before.
    @Test func onlyInstancesWhoseNodeIsReadyAndSchedulableServe() {
        let ids = (1...6).map { InstanceID("i-0\($0)") }
        let group = AutoScalingGroup(name: Self.group, minSize: 0, maxSize: 10, desiredCapacity: 6, instances: ids.map {
            AutoScalingGroup.Instance(instanceID: $0, lifecycleState: "InService", healthStatus: "Healthy", availabilityZone: "eu-west-1a")
        })
        let instances = ids.enumerated().map { index, id in
            EC2Instance(instanceID: id, state: .running, privateIPv4: "10.0.1.\(index + 1)")
        }
        func node(_ name: String, label: String? = nil, provider: String = "", ip: String = "", ready: String? = "True", cordoned: Bool = false) -> KubernetesNode {
            KubernetesNode(metadata: ObjectMeta(name: name, labels: label.map { [NodeMatcher.instanceIDLabel: $0] } ?? [:]), unschedulable: cordoned,
                           providerID: provider, addresses: ip.isEmpty ? [] : [KubernetesNode.Address(type: "InternalIP", address: ip)], ready: ready)
        }
        let nodes = [
            node("a", label: "i-01"),                                        // ready, by label
            node("b", provider: "aws:///eu-west-1a/i-02"),                   // ready, by provider ID
            node("c", ip: "10.0.1.3"),                                       // ready, by address
            node("d", label: "i-04", ready: "Unknown"),                      // kubelet silent
            node("e", provider: "aws:///eu-west-1a/i-05", cordoned: true),   // being drained
        ]                                                                     // i-06: not joined yet
        let members = NodePoolEndpoints.members(of: group, instances: instances, excluding: [], clusterNodes: nodes)
        #expect(members.map(\.instanceID) == ["i-01", "i-02", "i-03"])
        #expect(NodePoolEndpoints.members(of: group, instances: instances, excluding: ["i-02"], clusterNodes: nodes).map(\.instanceID) == ["i-01", "i-03"])
        #expect(NodePoolEndpoints.members(of: group, instances: instances, excluding: []).count == 6, "no Kubernetes access: Auto Scaling alone")
    }
}

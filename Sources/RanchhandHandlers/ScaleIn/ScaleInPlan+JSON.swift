import Foundation
import RanchhandClients
import RanchhandEvents

/// The `--dry-run` plan format (one JSON object per event, JSON Lines):
/// `{"version":1,"instanceId":…,"decision":…,"reason":…,"steps":[…]}`. Each step names its `action`,
/// the Rancher `node` it acts on, and what it needs; `complete-lifecycle-action` comes last.
extension ScaleInPlan: Encodable {
    enum CodingKeys: String, CodingKey { case version, instanceId, decision, reason, steps }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(1, forKey: .version)
        if !instanceID.rawValue.isEmpty { try container.encode(instanceID.rawValue, forKey: .instanceId) }
        try container.encode(verdict, forKey: .decision)
        try container.encode(reason, forKey: .reason)
        try container.encode(steps, forKey: .steps)
    }

    /// One compact line, keys sorted so the output is stable for diffs and tests.
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? #"{"version":1,"error":"unencodable plan"}"#
    }
}

extension ScaleInStep: Encodable {
    enum CodingKeys: String, CodingKey {
        case action, node, nodeName, drain, eviction, namespace, name, reason, result, hook, group, instanceId, token, addresses, maximumWaitSeconds
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(action, forKey: .action)
        switch self {
        case .withdrawFromDNS(let withdrawal):
            try container.encode(withdrawal.instanceID.rawValue, forKey: .instanceId)
            try container.encode(withdrawal.addresses, forKey: .addresses)
            try container.encodeIfPresent(withdrawal.maximumWaitSeconds, forKey: .maximumWaitSeconds)
        case .cordon(let node), .deleteNode(let node):
            try encode(node, into: &container)
        case .drain(let node, let options):
            try encode(node, into: &container)
            try container.encode(options, forKey: .drain)
        case .evict(let node, let plan):
            try encode(node, into: &container)
            try container.encode(plan, forKey: .eviction)
        case .deleteMachine(let node, let machine):
            try encode(node, into: &container)
            try container.encode(machine.namespace, forKey: .namespace)
            try container.encode(machine.name, forKey: .name)
        case .hold(let reason):
            try container.encode(reason.message, forKey: .reason)
        case .completeLifecycleAction(let action, let result):
            try container.encode(result.rawValue, forKey: .result)
            try container.encode(action.hook.rawValue, forKey: .hook)
            try container.encode(action.group.rawValue, forKey: .group)
            try container.encode(action.instanceID.rawValue, forKey: .instanceId)
            try container.encodeIfPresent(action.token?.rawValue, forKey: .token)
        }
    }

    private func encode(_ node: RancherNode.Reference, into container: inout KeyedEncodingContainer<CodingKeys>) throws {
        try container.encode(node.id.rawValue, forKey: .node)
        if !node.nodeName.isEmpty { try container.encode(node.nodeName, forKey: .nodeName) }
    }
}

/// The offline snapshot format: `{"version":1, "rancherNodes": <a /v3/nodes collection as Rancher
/// returns it>, "instances": [{"instanceId","privateIpAddress","privateDnsName"}],
/// "autoScalingGroup": {"name", "instanceLifecyclePolicy": {"retentionTriggers":
/// {"terminateHookAbandon"}}, "lifecycleHooks": [{"name","heartbeatTimeout","globalTimeout"}]}}`.
public struct ClusterSnapshotFile: Decodable, Sendable {
    struct Group: Decodable, Sendable {
        struct Policy: Decodable, Sendable {
            struct Triggers: Decodable, Sendable { var terminateHookAbandon: String? }
            var retentionTriggers: Triggers?
        }
        var name: String
        var instanceLifecyclePolicy: Policy?
        var lifecycleHooks: [HookTimeouts]?
    }

    public var version: Int
    var rancherNodes: RancherCollection<RancherNode>
    var instances: [InstanceAddress]?
    var autoScalingGroup: Group?
    /// Instance ids the groups terminated within the budget's window.
    var recentTerminations: [String]?

    public var snapshot: ClusterSnapshot {
        ClusterSnapshot(
            rancherNodes: rancherNodes.data, instances: instances ?? [],
            autoScalingGroup: autoScalingGroup.map { group in
                GroupFacts(name: AutoScalingGroupName(group.name),
                           terminateHookAbandon: group.instanceLifecyclePolicy?.retentionTriggers?.terminateHookAbandon,
                           lifecycleHooks: group.lifecycleHooks ?? [])
            },
            recentTerminations: (recentTerminations ?? []).map(InstanceID.init(rawValue:)))
    }

    public static func load(_ data: Data) throws -> ClusterSnapshotFile {
        let file = try JSONDecoder().decode(ClusterSnapshotFile.self, from: data)
        guard file.version == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unsupported snapshot version \(file.version)"))
        }
        return file
    }
}

import ArgumentParser
import Foundation
import RanchhandClients
import RanchhandEvents
import RanchhandHTTP

struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Record a cluster's Rancher nodes and EC2 addresses for offline `replay --dry-run --cluster-snapshot`.",
        discussion: """
            Writes {"version":1,"rancherNodes":<the /v3/nodes collection as Rancher returns it, all pages \
            merged>,"instances":[{"instanceId","privateIpAddress","privateDnsName"}],"autoScalingGroup":{…}} \
            (autoScalingGroup only with --group).
            """
    )

    // `--group` (ScaleInOptions') names the one group whose retention policy and hooks are recorded:
    // a second `--group` here made ArgumentParser refuse the command outright.
    @OptionGroup var options: ScaleInOptions
    @Option(help: "Write here instead of standard output.") var output: String?

    func validate() throws {
        if options.groups.count > 1 { throw ValidationError("snapshot records one Auto Scaling group: give --group once") }
    }

    func run() async throws {
        try await Wiring.with(options, label: "ranchhand.scale-in") { wiring in try await record(wiring) }
    }

    private func record(_ wiring: Wiring) async throws {
        let aws = try await wiring.aws()
        let rancher = try await wiring.rancher(aws: aws)
        let nodes = try await rancher.nodeDocuments(cluster: try wiring.cluster())
        let instanceIDs = nodes.compactMap { $0["labels"]?["ranchhand.io/instance-id"]?.stringValue }.map(InstanceID.init(rawValue:))
        let instances = instanceIDs.isEmpty ? [] : try await LiveEC2Client(sender: aws).describeInstances(
            DescribeInstancesRequest(filters: [EC2Filter(name: "instance-id", values: instanceIDs.map(\.rawValue))]))
        var document: [String: JSONValue] = [
            "version": .number(1),
            "rancherNodes": .object(["type": .string("collection"), "resourceType": .string("node"), "data": .array(nodes)]),
            "instances": .array(instances.map { instance in
                .object(["instanceId": .string(instance.instanceID.rawValue), "privateIpAddress": instance.privateIPv4.map(JSONValue.string) ?? .null,
                         "privateDnsName": instance.privateDNSName.map(JSONValue.string) ?? .null])
            }),
        ]
        if let group = options.groups.first {
            let autoScaling = LiveAutoScalingClient(sender: aws)
            let facts = try await autoScaling.describeAutoScalingGroups([AutoScalingGroupName(group)]).first
            let hooks = try await autoScaling.describeLifecycleHooks(AutoScalingGroupName(group))
            document["autoScalingGroup"] = .object([
                "name": .string(group),
                "instanceLifecyclePolicy": .object(["retentionTriggers": .object(["terminateHookAbandon": facts?.terminateHookAbandon.map(JSONValue.string) ?? .null])]),
                "lifecycleHooks": .array(hooks.map { .object(["name": .string($0.name.rawValue), "heartbeatTimeout": .number(Double($0.heartbeatTimeout)),
                                                            "globalTimeout": .number(Double($0.globalTimeout))]) }),
            ])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(JSONValue.object(document))
        if let output { try data.write(to: URL(fileURLWithPath: output)) } else { print(String(decoding: data, as: UTF8.self)) }
    }
}

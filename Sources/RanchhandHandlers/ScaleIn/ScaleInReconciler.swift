import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandLambda

/// Finds what events missed: Rancher nodes stamped with an instance id whose instance is terminated
/// or gone (console terminations, messages lost to the dead-letter queue), and instances waiting in
/// `Terminating:Wait` that nobody is working on. Stale nodes are deleted behind the same safety
/// rules as a scale-in; waiting instances are handled like a fresh terminate hook.
public struct ScaleInReconciler: Sendable {
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public var subject: String
        public var action: String
        public var outcome: String
        public var description: String { "\(subject): \(action) — \(outcome)" }
    }

    public let rancher: any RancherClient
    public let ec2: any EC2Client
    public let autoScaling: any AutoScalingClient
    public let handler: ScaleInRecordHandler
    public let cluster: RancherClusterID
    public let groups: [AutoScalingGroupName]

    public init(rancher: any RancherClient, ec2: any EC2Client, autoScaling: any AutoScalingClient, handler: ScaleInRecordHandler,
                cluster: RancherClusterID, groups: [AutoScalingGroupName]) {
        self.rancher = rancher
        self.ec2 = ec2
        self.autoScaling = autoScaling
        self.handler = handler
        self.cluster = cluster
        self.groups = groups
    }

    public func run(dryRun: Bool, context: HandlingContext) async throws(ClientError) -> [Finding] {
        var findings = try await staleNodes(dryRun: dryRun, context: context)
        findings += try await waitingInstances(dryRun: dryRun, context: context)
        return findings
    }

    func staleNodes(dryRun: Bool, context: HandlingContext) async throws(ClientError) -> [Finding] {
        let nodes = try await rancher.nodes(matching: RancherNodeFilter(clusterID: cluster))
        let stamped = nodes.compactMap { node in node.labels[NodeMatcher.instanceIDLabel].map { (InstanceID($0), node) } }
        guard !stamped.isEmpty else { return [] }
        let instances = try await ec2.describeInstances(DescribeInstancesRequest(filters: [EC2Filter(name: "instance-id", values: stamped.map(\.0.rawValue))]))
        let alive = Set(instances.filter { $0.state != .terminated && $0.state != .shuttingDown }.map(\.instanceID))
        var findings: [Finding] = []
        var remaining = nodes
        for (instance, node) in stamped where !alive.contains(instance) && node.state != .removing {
            let subject = "node \(node.id) (instance \(instance) terminated or gone)"
            let snapshot = ClusterSnapshot(rancherNodes: remaining)
            if let refusal = ScaleInDecision.refusal(removing: node, cluster: snapshot, policy: handler.policy) {
                findings.append(Finding(subject: subject, action: "keep", outcome: "refused: \(refusal)"))
                continue
            }
            guard !dryRun else {
                findings.append(Finding(subject: subject, action: node.machine == nil ? "delete-node" : "delete-machine", outcome: "dry run"))
                continue
            }
            let deletion: RancherDeletion?
            if let machine = node.machine {
                deletion = try? await rancher.deleteMachine(machine)
            } else {
                deletion = try? await rancher.deleteNode(node.id)
            }
            findings.append(Finding(subject: subject, action: node.machine == nil ? "delete-node" : "delete-machine",
                                    outcome: deletion == nil ? "failed" : "requested"))
            remaining.removeAll { $0.id == node.id }
        }
        return findings
    }

    func waitingInstances(dryRun: Bool, context: HandlingContext) async throws(ClientError) -> [Finding] {
        var findings: [Finding] = []
        for group in try await autoScaling.describeAutoScalingGroups(groups) {
            let waiting = group.instances.filter { $0.lifecycleState == "Terminating:Wait" }
            guard !waiting.isEmpty else { continue }
            guard let hook = try await autoScaling.describeLifecycleHooks(group.name).first(where: { $0.transition == .terminating }) else { continue }
            for instance in waiting {
                let event = LifecycleActionNotification(transition: .terminating, hookName: hook.name, groupName: group.name,
                                                        instanceID: instance.instanceID, token: LifecycleActionToken(""))
                let subject = "instance \(instance.instanceID) waiting in Terminating:Wait"
                if dryRun {
                    findings.append(Finding(subject: subject, action: "scale-in", outcome: "dry run"))
                } else {
                    let outcome = await handler.handle(event, eventTime: nil, context: context)
                    findings.append(Finding(subject: subject, action: "scale-in", outcome: "\(outcome)"))
                }
            }
        }
        return findings
    }
}

import Foundation
import RanchhandClients
import RanchhandEvents

/// What the reconcile pass found for one subject.
public enum ReconcileItem: Sendable, Equatable {
    /// A hook waiting with nobody on it (its event was lost or dead-lettered): handled like a fresh
    /// terminate event, by instance id, its wait counted from `start`.
    case waitingHook(LifecycleActionNotification, start: Date?)
    /// A node whose instance is gone: a deletion plan, applied by the executor behind the same rules.
    case staleNode(ScaleInPlan)
    /// Left alone, and why.
    case keep(subject: String, reason: String)
    /// Left alone, but an operator has to act: nobody else will.
    case alert(subject: String, reason: String)
}

/// Why a reconcile pass stopped before planning anything: a world it cannot trust.
public struct ReconcileRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
}

/// The pure reconcile decision: from the whole fleet to one item per subject. It never guesses:
/// an answer it cannot trust (no Rancher nodes, no instance from EC2 at all) stops it.
public enum ScaleInReconcile {
    /// `takeOverAfter`: a waiting hook younger than this is left to its own event (still in the
    /// queue or in flight); older ones, and those whose start AWS did not say, are taken over.
    public static func plan(_ fleet: FleetSnapshot, policy: ScaleInPolicy, now: Date, takeOverAfter: TimeInterval) throws(ReconcileRefusal) -> [ReconcileItem] {
        let nodes = fleet.cluster.rancherNodes
        guard !nodes.isEmpty else {
            throw ReconcileRefusal(description: "Rancher lists no nodes in the cluster (wrong cluster id, or a token that cannot see it)")
        }
        if fleet.instancesAsked > 0 && fleet.instanceStates.isEmpty {
            throw ReconcileRefusal(description: "EC2 returned none of the \(fleet.instancesAsked) instances the nodes are stamped with (wrong region or account?)")
        }
        var items: [ReconcileItem] = []
        let waiting = fleet.waitingHooks
        for hook in waiting {
            guard let name = hook.hook?.name else {
                items.append(.keep(subject: "instance \(hook.instanceID)", reason: "waits in Terminating:Wait but its group \(hook.group) has no terminate hook"))
                continue
            }
            if let start = hook.start, now.timeIntervalSince(start) < takeOverAfter {
                items.append(.keep(subject: "instance \(hook.instanceID)", reason: "its hook started \(Int(now.timeIntervalSince(start))) s ago; left to its event"))
                continue
            }
            let event = LifecycleActionNotification(transition: .terminating, hookName: name, groupName: hook.group,
                                                    instanceID: hook.instanceID, token: LifecycleActionToken(""))
            items.append(.waitingHook(event, start: hook.start))
        }
        let held = Set(waiting.map(\.instanceID))
        // Each planned deletion counts against the budget of the ones after it, as it will when applied.
        var planned = fleet
        for node in nodes.sorted(by: { $0.id.rawValue < $1.id.rawValue }) {
            guard let instance = node.instanceID, !held.contains(instance), node.state != .removing else { continue }
            if let state = fleet.instanceStates[instance], state != .terminated, state != .shuttingDown { continue }
            // A Ready node has a kubelet answering: its host exists whatever EC2 said (another
            // account or region, a mistyped label). Only a node that stopped reporting is stale.
            if ClusterSafety.isHealthy(node) {
                items.append(.keep(subject: "node \(node.id) (instance \(instance) not running per EC2)", reason: "its kubelet still reports Ready"))
                continue
            }
            let item = staleNode(node, instance: instance, fleet: planned, policy: policy)
            if case .staleNode = item, let index = planned.cluster.rancherNodes.firstIndex(where: { $0.id == node.id }) {
                planned.cluster.rancherNodes[index].state = .removing
            }
            items.append(item)
        }
        return items + orphanedMachines(fleet).map { orphan($0, cleanup: fleet.rancherCleanup) }
    }

    /// Machines that joined, are not being deleted, and whose node no v3 node mirrors any more (a
    /// cloud controller manager deleted the Node of a terminated instance, or someone did by hand).
    static func orphanedMachines(_ fleet: FleetSnapshot) -> [RancherMachine] {
        let nodes = fleet.cluster.rancherNodes
        let mirrored = Set(nodes.compactMap(\.machine))
        let names = Set(nodes.map(\.nodeName))
        return fleet.cluster.machines.filter { machine in
            guard let name = machine.nodeName, !name.isEmpty, !machine.isDeleting, machine.phase != "Deleting" else { return false }
            return !mirrored.contains(machine.ref) && !names.contains(name)
        }.sorted { $0.ref.description < $1.ref.description }
    }

    /// Never deleted here, whatever Rancher does: the Machine's instance cannot be told without its
    /// node, and a node missing is also what an etcd restore looks like — why Rancher stopped
    /// deleting such Machines by default. With its annotation Rancher does it; reconcile stays out.
    static func orphan(_ machine: RancherMachine, cleanup: MissingMachineCleanup?) -> ReconcileItem {
        let subject = "Machine \(machine.ref) (its node \(machine.nodeName ?? "") is gone)"
        switch cleanup ?? .unreadable("the cluster's provisioning object was not read") {
        case .after(_, let text):
            return .keep(subject: subject, reason: "left to Rancher, which deletes it \(text) after its node went (\(ProvisioningCluster.deleteMissingMachinesAnnotation))")
        case .off:
            return .alert(subject: subject, reason: "Rancher keeps it (no \(ProvisioningCluster.deleteMissingMachinesAnnotation) on the cluster) and "
                          + "ranchhand does not delete a Machine it cannot tie to a gone instance: set the annotation, or delete the Machine once its host is known gone")
        case .unreadable(let why):
            return .alert(subject: subject, reason: "kept; \(why)")
        }
    }

    /// A node of a terminated or vanished instance: delete it (the Machine for cluster-api
    /// clusters) unless a safety rule refuses; there is no hook to complete and nothing to drain.
    public static func staleNode(_ node: RancherNode, instance: InstanceID, fleet: FleetSnapshot, policy: ScaleInPolicy) -> ReconcileItem {
        let subject = "node \(node.id) (instance \(instance) terminated or gone)"
        if let refusal = ScaleInDecision.refusal(removing: node, cluster: fleet.cluster, policy: policy) {
            return .keep(subject: subject, reason: "refused: \(refusal)")
        }
        guard let delete = ScaleInDecision.deletion(of: node, cluster: fleet.cluster) else {
            return .keep(subject: subject, reason: "no cluster-api Machine found for it; the v3 node is only Rancher's mirror")
        }
        return .staleNode(ScaleInPlan(instanceID: instance, verdict: .deregister, reason: "\(subject): \(delete.action)", node: node.reference,
                                      steps: [delete]))
    }
}

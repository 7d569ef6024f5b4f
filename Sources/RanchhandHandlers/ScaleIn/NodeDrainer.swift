import Foundation
import Logging
import RanchhandClients

/// Runs the long steps — a Rancher drain, Kubernetes evictions, a deletion — and waits for them by
/// polling, up to the caller's deadline. Every call is safe to repeat after a crash or redelivery.
struct NodeDrainer: Sendable {
    enum Progress: Sendable, Equatable {
        case finished
        /// Still running at the deadline: hand back and resume on the next delivery.
        case unfinished(String)
    }

    let rancher: any RancherClient
    let kubernetes: (any KubernetesClient)?
    let timing: ScaleInTiming
    let logger: Logger

    func cordon(_ node: RancherNode.Reference) async throws(ClientError) {
        if let current = try await rancher.node(id: node.id), current.worker, current.offers(.cordon) || current.offers(.uncordon) {
            do {
                try await rancher.cordon(node.id)
            } catch where error.isRancherInvalidAction {
                logger.info("node already cordoned", metadata: ["node": "\(node.id)"])
            }
            return
        }
        // Rancher offers no cordon for control-plane/etcd nodes: go to Kubernetes directly.
        guard let kubernetes, !node.nodeName.isEmpty else {
            logger.warning("cannot cordon: no cordon action in Rancher and no Kubernetes API configured", metadata: ["node": "\(node.id)"])
            return
        }
        do {
            _ = try await kubernetes.setUnschedulable(KubernetesNodeName(node.nodeName), true)
        } catch where error.isNotFound {
            logger.info("Kubernetes node already gone", metadata: ["node": "\(node.nodeName)"])
        }
    }

    /// Starts the drain unless one is running or done, then polls until `drained`. A failed drain is
    /// logged and treated as finished: the instance terminates either way, and a stalled hook is worse.
    func drain(_ node: RancherNode.Reference, _ options: DrainOptions, deadline: Date) async throws(ClientError) -> Progress {
        guard var current = try await rancher.node(id: node.id) else { return .finished }
        if current.state != .draining && current.state != .drained {
            do {
                try await rancher.drain(node.id, options: options)
            } catch where error.isRancherInvalidAction {
                logger.info("drain not offered now (already draining or drained)", metadata: ["node": "\(node.id)"])
            }
        }
        while true {
            guard let polled = try await rancher.node(id: node.id) else { return .finished }
            current = polled
            if current.state == .drained { return .finished }
            if let drained = current.condition("Drained"), drained.status == "False" {
                logger.error("drain failed; continuing with removal", metadata: ["node": "\(node.id)", "message": "\(drained.message ?? "")"])
                return .finished
            }
            if timing.now().addingTimeInterval(timing.pollInterval.seconds) >= deadline {
                return .unfinished("drain of \(node.id) still running")
            }
            try? await timing.sleep(timing.pollInterval)
        }
    }

    /// Evicts the node's pods through the Eviction API, honouring PodDisruptionBudgets: a 429 is
    /// retried until `plan.disruptionBudgetWaitSeconds`, then the pod is left to the termination.
    func evict(_ node: RancherNode.Reference, _ plan: EvictionPlan, deadline: Date) async throws(ClientError) -> Progress {
        guard let kubernetes, !node.nodeName.isEmpty else {
            logger.warning("cannot evict: no Kubernetes API configured", metadata: ["node": "\(node.id)"])
            return .finished
        }
        let budgetDeadline = min(deadline, timing.now().addingTimeInterval(TimeInterval(plan.disruptionBudgetWaitSeconds)))
        var pending = try await kubernetes.pods(onNode: KubernetesNodeName(node.nodeName))
            .filter { !$0.isDaemonSetPod && !$0.isMirrorPod && !$0.isFinished }
        while !pending.isEmpty {
            var blocked: [Pod] = []
            for pod in pending {
                do {
                    switch try await kubernetes.evict(pod.ref, options: EvictionOptions(gracePeriodSeconds: plan.gracePeriodSeconds)) {
                    case .blockedByDisruptionBudget: blocked.append(pod)
                    default: break
                    }
                } catch where error.isNotFound {
                    continue
                }
            }
            pending = blocked
            guard !pending.isEmpty else { break }
            if timing.now() >= budgetDeadline {
                if budgetDeadline < deadline {
                    logger.error("PodDisruptionBudgets still block eviction; leaving the pods to the termination",
                                 metadata: ["node": "\(node.id)", "pods": "\(pending.map(\.ref))"])
                    return .finished
                }
                return .unfinished("\(pending.count) pods on \(node.nodeName) blocked by PodDisruptionBudgets")
            }
            try? await timing.sleep(timing.pollInterval)
        }
        return .finished
    }

    /// Deletes the v3 node (RKE1) or the cluster-api Machine (RKE2/K3s) and waits until it is gone.
    func delete(_ step: ScaleInStep, deadline: Date) async throws(ClientError) -> Progress {
        while true {
            switch step {
            case .deleteNode(let node):
                guard let current = try await rancher.node(id: node.id) else { return .finished }
                if current.state != .removing { _ = try await rancher.deleteNode(node.id) }
            case .deleteMachine(_, let machine):
                guard try await rancher.machine(machine) != nil else { return .finished }
                _ = try await rancher.deleteMachine(machine)
            default:
                return .finished
            }
            if timing.now().addingTimeInterval(timing.pollInterval.seconds) >= deadline {
                return .unfinished("\(step.action) still in progress")
            }
            try? await timing.sleep(timing.pollInterval)
        }
    }
}

extension Duration {
    var seconds: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

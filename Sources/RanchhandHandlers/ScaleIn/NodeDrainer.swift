import Foundation
import Logging
import RanchhandClients

/// Runs the long steps — a Rancher drain, Kubernetes evictions, a deletion — and waits for them by
/// polling, up to the caller's deadline. Every call is safe to repeat after a crash or redelivery.
struct NodeDrainer: Sendable {
    enum Progress: Sendable, Equatable {
        case finished
        /// MaxDrainWait passed with these pods still bound: the node goes anyway, and is alerted on.
        case forced([NamespacedName])
        /// Still running at the deadline: hand back and resume on the next delivery.
        case unfinished(String)
    }

    let rancher: any RancherClient
    let kubernetes: (any KubernetesClient)?
    let timing: ScaleInTiming
    /// MaxDrainWait counted from the hook's start: evictions stop waiting here.
    let evictionDeadline: Date
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

    /// Starts the drain unless one is running or done, then polls until Rancher reports it over. A
    /// failed or timed-out drain (`Drained=False`) is over too, but not done: the eviction step that
    /// follows removes what it left, and the node is deleted only once its pods are gone.
    func drain(_ node: RancherNode.Reference, _ options: DrainOptions, deadline: Date) async throws(ClientError) -> Progress {
        guard let current = try await rancher.node(id: node.id) else { return .finished }
        // Rancher's drain knows nothing of ranchhand.io/do-not-disrupt and would evict such pods at
        // once: leave those nodes to the eviction step, which honours it.
        if current.state != .draining, current.state != .drained, let protected = try await doNotDisruptPods(on: node), !protected.isEmpty {
            logger.info("pods annotated \(Pod.doNotDisruptAnnotation): draining through the Eviction API only",
                        metadata: ["node": "\(node.id)", "pods": "\(protected.map(\.description).joined(separator: ", "))"])
            return .finished
        }
        if current.state != .draining && current.state != .drained {
            do {
                try await rancher.drain(node.id, options: options)
            } catch where error.isRancherInvalidAction {
                logger.info("drain not offered now (already draining or drained)", metadata: ["node": "\(node.id)"])
            }
        }
        while true {
            guard let polled = try await rancher.node(id: node.id) else { return .finished }
            if polled.state == .drained { return .finished }
            if let drained = polled.condition("Drained"), drained.status == "False" {
                logger.error("drain failed; evicting what it left through the Eviction API",
                             metadata: ["node": "\(node.id)", "message": "\(drained.message ?? "")"])
                return .finished
            }
            if timing.now() >= evictionDeadline {
                logger.warning("MaxDrainWait reached while Rancher drains; evicting what is left", metadata: ["node": "\(node.id)"])
                return .finished
            }
            if timing.now().addingTimeInterval(timing.pollInterval.seconds) >= deadline {
                return .unfinished("drain of \(node.id) still running")
            }
            try? await timing.sleep(timing.pollInterval)
        }
    }

    private func doNotDisruptPods(on node: RancherNode.Reference) async throws(ClientError) -> [NamespacedName]? {
        guard let kubernetes, !node.nodeName.isEmpty else { return nil }
        return try await kubernetes.pods(onNode: KubernetesNodeName(node.nodeName)).filter(\.doNotDisrupt).map(\.ref)
    }

    /// Evicts the node's pods through the Eviction API (PodDisruptionBudgets honoured; DaemonSet and
    /// mirror pods stay) and waits until they are gone — accepted is not gone. Pods blocked by a
    /// budget or annotated `ranchhand.io/do-not-disrupt` are retried until `evictionDeadline`
    /// (MaxDrainWait from the hook's start, so a redelivery does not restart the wait); then the
    /// drain is forced and the pods left are named. On a NotReady node a pod whose deletion was
    /// accepted counts as gone: no kubelet is there to confirm it.
    func evict(_ node: RancherNode.Reference, _ plan: EvictionPlan, deadline: Date) async throws(ClientError) -> Progress {
        guard let kubernetes, !node.nodeName.isEmpty else {
            logger.warning("cannot evict: no Kubernetes API configured", metadata: ["node": "\(node.id)"])
            return .finished
        }
        let name = KubernetesNodeName(node.nodeName)
        let nodeReady = try await kubernetes.node(named: name)?.ready == "True"
        var attempted = false
        while true {
            let pending = try await kubernetes.pods(onNode: name).filter { pod in
                !pod.isDaemonSetPod && !pod.isMirrorPod && !pod.isFinished && (nodeReady || pod.metadata.deletionTimestamp == nil)
            }
            if pending.isEmpty { return .finished }
            // Forced only after at least one round of evictions, even when the hook is already old.
            if attempted, timing.now() >= evictionDeadline { return .forced(pending.map(\.ref)) }
            attempted = true
            for pod in pending where pod.metadata.deletionTimestamp == nil && !pod.doNotDisrupt {
                do {
                    _ = try await kubernetes.evict(pod.ref, options: EvictionOptions(gracePeriodSeconds: plan.gracePeriodSeconds))
                } catch where error.isNotFound {
                    continue
                }
            }
            if timing.now().addingTimeInterval(timing.pollInterval.seconds) >= deadline {
                return .unfinished("\(pending.count) pods still on \(node.nodeName)")
            }
            try? await timing.sleep(timing.pollInterval)
        }
    }

    /// Sends the deletion unless Rancher already shows it, and says whether the wait for the node to
    /// go may happen outside the cluster's lease: true for a worker-only node whose deletion Rancher
    /// has accepted — from then on it is `removing`, which the budget counts as departing. An etcd
    /// or control-plane member is waited for under the lease, so the next quorum check sees it gone.
    func deletionAccepted(_ step: ScaleInStep, mayAct: @Sendable () -> Bool) async throws(ClientError) -> Bool {
        switch step {
        case .deleteNode(let reference):
            guard let node = try await rancher.node(id: reference.id), !node.etcd, !node.controlPlane else { return false }
            guard node.state == .removing || mayAct() else { return false }
            if node.state != .removing { _ = try await rancher.deleteNode(reference.id) }
            return try await rancher.node(id: reference.id).map { $0.state == .removing } ?? true
        case .deleteMachine(let reference, let machine):
            guard let mirror = try await rancher.node(id: reference.id), !mirror.etcd, !mirror.controlPlane,
                  let current = try await rancher.machine(machine) else { return false }
            guard current.isDeleting || mayAct() else { return false }
            if !current.isDeleting { _ = try await rancher.deleteMachine(machine) }
            return try await rancher.machine(machine).map(\.isDeleting) ?? true
        default:
            return false
        }
    }

    /// Deletes the v3 node (RKE1) or the cluster-api Machine (RKE2/K3s) and waits until it is gone.
    /// `mayAct` is asked before each destructive request (the deletion lease still held).
    func delete(_ step: ScaleInStep, deadline: Date, mayAct: @Sendable () -> Bool = { true }) async throws(ClientError) -> Progress {
        while true {
            switch step {
            case .deleteNode(let node):
                guard let current = try await rancher.node(id: node.id) else { return .finished }
                guard current.state == .removing || mayAct() else { return .unfinished("deletion lease lost before deleting \(node.id)") }
                if current.state != .removing { _ = try await rancher.deleteNode(node.id) }
            case .deleteMachine(_, let machine):
                guard let current = try await rancher.machine(machine) else { return .finished }
                guard current.isDeleting || mayAct() else { return .unfinished("deletion lease lost before deleting Machine \(machine)") }
                if !current.isDeleting { _ = try await rancher.deleteMachine(machine) }
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

extension Pod {
    /// `ranchhand.io/do-not-disrupt: "true"`: evicted only once MaxDrainWait forces the drain.
    public static let doNotDisruptAnnotation = "ranchhand.io/do-not-disrupt"
    var doNotDisrupt: Bool { metadata.annotations[Self.doNotDisruptAnnotation] == "true" }
}

extension Duration {
    var seconds: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

import RanchhandClients

extension SandboxWorld {
    // MARK: Ingresses (each change is recorded for watches)

    /// Adds or replaces an Ingress (ADDED or MODIFIED for watchers).
    @discardableResult
    public func putIngress(_ ingress: SandboxIngress, in clusterID: RancherClusterID) -> SandboxIngress {
        var objects = kubernetes[clusterID] ?? KubernetesObjects()
        var stored = ingress
        revision += 1
        stored.resourceVersion = revision
        let existing = objects.ingresses[ingress.id]
        stored.uid = existing?.uid ?? newUUID()
        objects.ingresses[ingress.id] = stored
        record(existing == nil ? "ADDED" : "MODIFIED", stored, in: &objects)
        kubernetes[clusterID] = objects
        return stored
    }

    public func deleteIngress(_ id: NamespacedName, in clusterID: RancherClusterID) {
        guard var objects = kubernetes[clusterID], var ingress = objects.ingresses.removeValue(forKey: id) else { return }
        revision += 1
        ingress.resourceVersion = revision
        record("DELETED", ingress, in: &objects)
        kubernetes[clusterID] = objects
    }

    public func ingresses(in clusterID: RancherClusterID) -> [SandboxIngress] {
        (kubernetes[clusterID]?.ingresses.values).map { $0.sorted { $0.id < $1.id } } ?? []
    }

    /// Forgets the watch history, as etcd compaction does: a watch from any resourceVersion before
    /// now answers 410 Gone, and the client must list again.
    public func compactWatchHistory(of clusterID: RancherClusterID) {
        kubernetes[clusterID]?.watchLog.removeAll()
        kubernetes[clusterID]?.compactedThrough = revision
    }

    private func record(_ type: String, _ ingress: SandboxIngress, in objects: inout KubernetesObjects) {
        objects.watchLog.append(.init(revision: revision, type: type, ingress: ingress))
        let excess = objects.watchLog.count - max(1, behaviour.watchHistoryLimit)
        if excess > 0 {
            objects.compactedThrough = objects.watchLog[excess - 1].revision
            objects.watchLog.removeFirst(excess)
        }
    }

    // MARK: Pods, budgets, deployments

    public func addPod(_ pod: SandboxPod, in clusterID: RancherClusterID) {
        revision += 1
        kubernetes[clusterID, default: KubernetesObjects()].pods[pod.id] = pod
    }

    public func pods(in clusterID: RancherClusterID) -> [SandboxPod] {
        settle()
        return (kubernetes[clusterID]?.pods.values).map { $0.sorted { $0.id < $1.id } } ?? []
    }

    public func addDisruptionBudget(_ budget: SandboxDisruptionBudget, in clusterID: RancherClusterID) {
        kubernetes[clusterID, default: KubernetesObjects()].budgets.append(budget)
    }

    public func putDeployment(_ deployment: SandboxDeployment, in clusterID: RancherClusterID) {
        revision += 1
        var stored = deployment
        stored.resourceVersion = revision
        kubernetes[clusterID, default: KubernetesObjects()].deployments[deployment.id] = stored
    }

    public func deployment(_ id: NamespacedName, in clusterID: RancherClusterID) -> SandboxDeployment? {
        kubernetes[clusterID]?.deployments[id]
    }

    enum EvictionResult {
        case evicted
        case notFound
        case refused(budget: SandboxDisruptionBudget, healthy: Int)
    }

    /// policy/v1 semantics: refused while any budget selecting the pod would drop below `minAvailable`.
    func evict(_ id: NamespacedName, in clusterID: RancherClusterID, dryRun: Bool) -> EvictionResult {
        settle()
        return evictSettled(id, in: clusterID, dryRun: dryRun)
    }

    /// The eviction itself, for callers already settling the world (a drain finishing).
    func evictSettled(_ id: NamespacedName, in clusterID: RancherClusterID, dryRun: Bool) -> EvictionResult {
        guard var objects = kubernetes[clusterID], let pod = objects.pods[id] else { return .notFound }
        for budget in objects.budgets where budget.selects(pod) {
            let healthy = objects.pods.values.filter { budget.selects($0) && $0.phase == "Running" }.count
            if pod.phase == "Running", healthy - 1 < budget.minAvailable { return .refused(budget: budget, healthy: healthy) }
        }
        if !dryRun {
            objects.pods.removeValue(forKey: id)
            revision += 1
            if let replacement = replacement(for: pod, in: clusterID, pods: objects.pods) { objects.pods[replacement.id] = replacement }
            kubernetes[clusterID] = objects
        }
        return .evicted
    }

    /// What the pod's controller does once it is evicted: a ReplicaSet's or StatefulSet's pod comes
    /// back, Running at once, on the schedulable worker with the fewest pods — so a budget that
    /// blocked one eviction lets the next through, as in a real cluster. Bare and Job pods do not.
    private func replacement(for pod: SandboxPod, in clusterID: RancherClusterID, pods: [NamespacedName: SandboxPod]) -> SandboxPod? {
        guard pod.ownerKind == "ReplicaSet" || pod.ownerKind == "StatefulSet" else { return nil }
        let candidates = nodes.values.filter { node in
            node.clusterID == clusterID && node.roles.contains(.worker) && node.ready && !node.unschedulable
                && node.removalCompletes == nil && node.nodeName != pod.nodeName
        }
        let load = { (name: String) in pods.values.filter { $0.nodeName == name }.count }
        guard let target = candidates.min(by: { (load($0.nodeName), $0.nodeName) < (load($1.nodeName), $1.nodeName) }) else { return nil }
        var next = pod
        next.nodeName = target.nodeName
        next.phase = "Pending"
        next.runsAt = clock.now.advanced(by: behaviour.replacementStartDuration)
        if pod.ownerKind == "ReplicaSet" {
            let stem = pod.name.split(separator: "-").dropLast().joined(separator: "-")
            next.name = "\(stem)-\(random.string(5, from: "bcdfghjklmnpqrstvwxz2456789"))"
        }
        return next
    }
}

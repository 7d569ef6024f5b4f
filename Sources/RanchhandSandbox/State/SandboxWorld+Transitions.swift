import RanchhandClients

extension SandboxWorld {
    /// Applies every transition that is due at the clock's current instant.
    func settle() {
        let now = clock.now
        for (id, node) in nodes {
            if case .running(let completes, let failure) = node.drain, completes <= now {
                let blocked = failure == nil ? evictAll(from: node) : []
                let budgetFailure = blocked.first.map { pod in
                    "[error when evicting pods/\"\(pod.name)\" -n \"\(pod.namespace)\" (will retry after 5s): "
                        + "Cannot evict pod as it would violate the pod's disruption budget.]"
                }
                nodes[id]?.drain = (failure ?? budgetFailure).map { .failed(message: $0) } ?? .succeeded
                revision += 1
            }
            if let removal = node.removalCompletes, removal <= now { finishRemoval(of: id) }
        }
        for (ref, machine) in machines {
            if let completes = machine.deletionCompletes, completes <= now { finishDeletion(of: ref) }
        }
        cleanUpMissingMachines(at: now)
        for (cluster, objects) in kubernetes {
            for (id, pod) in objects.pods {
                if let runsAt = pod.runsAt, runsAt <= now {
                    kubernetes[cluster]?.pods[id]?.phase = "Running"
                    kubernetes[cluster]?.pods[id]?.runsAt = nil
                    revision += 1
                }
            }
        }
    }

    // MARK: Rancher node actions

    /// Performs a v3 node action the node offers; nil if it does not (the caller answers 422).
    func perform(_ action: RancherNodeAction, on id: RancherNodeID, drain options: DrainOptions?) -> SandboxNode? {
        settle()
        guard var node = nodes[id], node.offeredActions.contains(action) else { return nil }
        switch action {
        case .cordon:
            node.unschedulable = true
        case .uncordon:
            node.unschedulable = false
            node.drain = nil
        case .drain:
            let timeout = Duration.seconds(options?.timeout ?? 120)
            let script = behaviour.drainScript?(node.nodeName) ?? SandboxDrainScript(duration: behaviour.drainDuration, failure: behaviour.drainFailure)
            var finishesIn = min(script.duration, timeout)
            var failure = script.duration > timeout ? "Drain failed: drain did not complete within \(options?.timeout ?? 120)s" : script.failure
            if let refusal = drainRefusal(for: node, options: options) {
                // kubectl drain checks every pod before evicting any: it fails at once, pods in place.
                finishesIn = .zero
                failure = refusal
            }
            node.unschedulable = true
            node.drain = .running(completes: clock.now.advanced(by: finishesIn), failure: failure)
        case .stopDrain:
            node.drain = nil
        }
        nodes[id] = node
        revision += 1
        return node
    }

    /// kubectl drain's pod filters (k8s.io/kubectl/pkg/drain/filters.go), whose messages Rancher's
    /// `Drained` condition carries: bare pods need `force`, emptyDir pods `deleteLocalData`.
    func drainRefusal(for node: SandboxNode, options: DrainOptions?) -> String? {
        let pods = (kubernetes[node.clusterID]?.pods.values).map { $0.filter { $0.nodeName == node.nodeName } } ?? []
        let bare = pods.filter { $0.ownerKind == nil }.map(\.id.description).sorted()
        if !bare.isEmpty, options?.force != true {
            return "cannot delete Pods not managed by ReplicationController, ReplicaSet, Job, DaemonSet or StatefulSet "
                + "(use --force to override): \(bare.joined(separator: ", "))"
        }
        let local = pods.filter { $0.usesEmptyDir && $0.ownerKind != "DaemonSet" }.map(\.id.description).sorted()
        if !local.isEmpty, options?.deleteLocalData != true {
            return "cannot delete Pods with local storage (use --delete-emptydir-data to override): \(local.joined(separator: ", "))"
        }
        return nil
    }

    /// `DELETE /v3/nodes/<id>`: the node shows `removing` for `removalDuration`, then is gone.
    func requestRemoval(of id: RancherNodeID) -> SandboxNode? {
        settle()
        guard var node = nodes[id] else { return nil }
        if node.removalCompletes == nil {
            node.removalCompletes = clock.now.advanced(by: behaviour.removalDuration)
            logDeletion(of: node, kind: .v3Node)
        }
        nodes[id] = node
        revision += 1
        return node
    }

    /// `DELETE /v1/cluster.x-k8s.io.machines/<ns>/<name>`: the Machine is `Deleting`, its node
    /// `removing`; after `removalDuration` both are gone and the etcd member is removed.
    func requestDeletion(of ref: MachineRef) -> SandboxMachine? {
        settle()
        guard var machine = machines[ref] else { return nil }
        if machine.deletionRequested == nil {
            if let node = nodes.values.first(where: { $0.machine == ref }) { logDeletion(of: node, kind: .machine) }
            machine.deletionRequested = clock.now
            machine.deletionCompletes = clock.now.advanced(by: behaviour.removalDuration)
            for (id, node) in nodes where node.machine == ref && node.removalCompletes == nil {
                nodes[id]?.removalCompletes = machine.deletionCompletes
            }
        }
        machines[ref] = machine
        revision += 1
        return machine
    }

    private func logDeletion(of node: SandboxNode, kind: SandboxDeletion.Kind) {
        let bound = (kubernetes[node.clusterID]?.pods.values).map { pods in
            pods.filter { $0.nodeName == node.nodeName && $0.ownerKind != "DaemonSet" && $0.phase != "Succeeded" && $0.phase != "Failed" }
        } ?? []
        deletionLog.append(SandboxDeletion(nodeName: node.nodeName, clusterID: node.clusterID, kind: kind, at: clock.date(at: clock.now),
                                           podsBound: bound.map(\.id.description).sorted()))
    }

    private func finishRemoval(of id: RancherNodeID) {
        guard let node = nodes.removeValue(forKey: id) else { return }
        revision += 1
        if let ref = node.machine, let machine = machines[ref], machine.deletionRequested == nil {
            // Only the v3 mirror was deleted: nodesyncer sees the v1 Node still there and creates a
            // new v3 node for it, as Rancher does. Deleting the mirror deletes nothing.
            var mirror = node
            mirror.id = newMirrorID(in: node.clusterID)
            mirror.removalCompletes = nil
            mirror.uuid = newUUID()
            mirror.created = clock.now
            nodes[mirror.id] = mirror
            return
        }
        removeFromCluster(node)
    }

    private func finishDeletion(of ref: MachineRef) {
        guard let machine = machines.removeValue(forKey: ref) else { return }
        for (id, node) in nodes where node.machine == ref {
            nodes.removeValue(forKey: id)
            removeFromCluster(node)
        }
        // A Machine whose Node was already gone still takes its etcd member with it.
        clusters[machine.clusterID]?.etcdMembers.remove(machine.nodeName)
        revision += 1
    }

    /// The host is gone from the cluster: its etcd member (RKE1 reconcile, or RKE2 safe removal),
    /// its Kubernetes Node and the pods bound to it.
    private func removeFromCluster(_ node: SandboxNode) {
        clusters[node.clusterID]?.etcdMembers.remove(node.nodeName)
        if var objects = kubernetes[node.clusterID] {
            objects.pods = objects.pods.filter { $0.value.nodeName != node.nodeName }
            kubernetes[node.clusterID] = objects
        }
    }

    /// A finished drain evicts every pod but DaemonSet pods, honouring PodDisruptionBudgets as
    /// kubectl drain does; the pods a budget kept are returned (the drain then fails).
    private func evictAll(from node: SandboxNode) -> [NamespacedName] {
        let bound = (kubernetes[node.clusterID]?.pods.values).map { $0.filter { $0.nodeName == node.nodeName && $0.ownerKind != "DaemonSet" } } ?? []
        var blocked: [NamespacedName] = []
        for pod in bound.sorted(by: { $0.id < $1.id }) {
            if case .refused = evictSettled(pod.id, in: node.clusterID, dryRun: false) { blocked.append(pod.id) }
        }
        return blocked
    }

    // MARK: Registration tokens

    func createRegistrationToken(for clusterID: RancherClusterID) -> SandboxRegistrationToken? {
        guard clusters[clusterID] != nil else { return nil }
        let name = "crt-" + random.string(5, from: SandboxRandom.lowercaseAlphanumerics)
        let token = SandboxRegistrationToken(
            id: RegistrationTokenID("\(clusterID):\(name)"), clusterID: clusterID, name: name,
            token: random.string(54, from: SandboxRandom.tokenAlphabet), created: clock.now,
            commandsReadyAt: clock.now.advanced(by: behaviour.registrationCommandDelay))
        tokens[token.id] = token
        return token
    }
}

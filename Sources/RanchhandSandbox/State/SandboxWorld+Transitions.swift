import RanchhandClients

extension SandboxWorld {
    /// Applies every transition that is due at the clock's current instant.
    func settle() {
        let now = clock.now
        for (id, node) in nodes {
            if case .running(let completes, let failure) = node.drain, completes <= now {
                nodes[id]?.drain = failure.map { .failed(message: $0) } ?? .succeeded
                if failure == nil { evictAll(from: node) }
                revision += 1
            }
            if let removal = node.removalCompletes, removal <= now { finishRemoval(of: id) }
        }
        for (ref, machine) in machines {
            if let completes = machine.deletionCompletes, completes <= now { finishDeletion(of: ref) }
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
            let finishesIn = min(behaviour.drainDuration, timeout)
            let failure = behaviour.drainDuration > timeout
                ? "Drain failed: drain did not complete within \(options?.timeout ?? 120)s" : behaviour.drainFailure
            node.unschedulable = true
            node.drain = .running(completes: clock.now.advanced(by: finishesIn), failure: failure)
        case .stopDrain:
            node.drain = nil
        }
        nodes[id] = node
        revision += 1
        return node
    }

    /// `DELETE /v3/nodes/<id>`: the node shows `removing` for `removalDuration`, then is gone.
    func requestRemoval(of id: RancherNodeID) -> SandboxNode? {
        settle()
        guard var node = nodes[id] else { return nil }
        if node.removalCompletes == nil { node.removalCompletes = clock.now.advanced(by: behaviour.removalDuration) }
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
        guard machines.removeValue(forKey: ref) != nil else { return }
        for (id, node) in nodes where node.machine == ref {
            nodes.removeValue(forKey: id)
            removeFromCluster(node)
        }
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

    /// A finished drain leaves only DaemonSet and mirror pods behind.
    private func evictAll(from node: SandboxNode) {
        guard var objects = kubernetes[node.clusterID] else { return }
        objects.pods = objects.pods.filter { $0.value.nodeName != node.nodeName || $0.value.ownerKind == "DaemonSet" }
        kubernetes[node.clusterID] = objects
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

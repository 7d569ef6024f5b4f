import RanchhandClients

extension SandboxWorld {
    /// Sets (or, with nil, removes) an annotation of a cluster's provisioning object.
    public func annotateProvisioningCluster(_ id: RancherClusterID, _ key: String, _ value: String?) {
        settle()
        clusters[id]?.provisioningAnnotations[key] = value
        revision += 1
    }

    /// The Kubernetes Node goes while its Machine stays, as when a cloud controller manager deletes
    /// the Node of a terminated instance: the v3 mirror and the pods bound to it go with it, the
    /// etcd member (removed only with the Machine) and the Machine stay.
    public func deleteKubernetesNode(named name: String, in clusterID: RancherClusterID) {
        settle()
        guard let (id, node) = nodes.first(where: { $0.value.clusterID == clusterID && $0.value.nodeName == name }) else { return }
        nodes.removeValue(forKey: id)
        if let objects = kubernetes[clusterID] {
            kubernetes[clusterID]?.pods = objects.pods.filter { $0.value.nodeName != name }
        }
        if let ref = node.machine, machines[ref] != nil { machines[ref]?.nodeGoneSince = clock.now }
        revision += 1
    }

    /// Rancher's unmanaged-machine controller with the annotation set: a custom Machine whose Node
    /// has been gone for the annotation's duration is deleted (rancher/rancher PR #45779).
    func cleanUpMissingMachines(at now: SandboxClock.Instant) {
        for (ref, machine) in machines where machine.deletionRequested == nil {
            guard let gone = machine.nodeGoneSince, let cluster = clusters[machine.clusterID],
                  case .after(let seconds, _) = provisioning(cluster).missingMachineCleanup,
                  gone.advanced(by: .milliseconds(Int64(seconds * 1000))) <= now else { continue }
            machines[ref]?.deletionRequested = now
            machines[ref]?.deletionCompletes = now.advanced(by: behaviour.removalDuration)
            revision += 1
        }
    }

    func provisioning(_ cluster: SandboxCluster) -> ProvisioningCluster {
        ProvisioningCluster(namespace: "fleet-default", name: cluster.name, managementClusterID: cluster.id,
                            annotations: cluster.provisioningAnnotations)
    }
}

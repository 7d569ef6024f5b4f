import RanchhandClients
import RanchhandEvents

extension SandboxWorld {
    // MARK: /v1 provisioning clusters (steve)

    /// `GET /v1/provisioning.cattle.io.clusters[/<ns>[/<name>]]`: the RKE2/K3s clusters, shaped
    /// like the recorded object in Tests/Fixtures/rancher (rancher/dashboard's v2prov mock).
    func provisioningReply(_ request: SandboxRequest, _ parts: [String]) -> SandboxReply {
        guard request.method == "GET" else { return .rancherError(405, "MethodNotAllowed", "method not allowed") }
        let provisioned = clusters.values.filter { $0.distro != .rke1 }.sorted { $0.name < $1.name }
        if parts.count <= 3 {
            let selected = provisioned.filter { _ in parts.count == 2 || parts[2] == "fleet-default" }
            return .json(200, steveCollection("provisioning.cattle.io.cluster", selected.map { renderProvisioning($0, origin: request.origin) }, request))
        }
        guard parts.count == 4, parts[2] == "fleet-default", let cluster = provisioned.first(where: { $0.name == parts[3] }) else {
            return .rancherError(404, "NotFound", "clusters.provisioning.cattle.io \"\(parts.count > 3 ? parts[3] : "")\" not found")
        }
        return .json(200, renderProvisioning(cluster, origin: request.origin))
    }

    private func renderProvisioning(_ cluster: SandboxCluster, origin: String) -> JSONValue {
        let selfURL = "\(origin)/v1/provisioning.cattle.io.clusters/fleet-default/\(cluster.name)"
        let created = SandboxDates.rfc3339(clock.startDate)
        var annotations = cluster.provisioningAnnotations
        annotations["provisioning.cattle.io/management-cluster-display-name"] = cluster.name
        let condition: (String) -> JSONValue = { type in
            .object(["error": .bool(false), "lastUpdateTime": .string(created), "status": .string("True"),
                     "transitioning": .bool(false), "type": .string(type)])
        }
        return .object([
            "id": .string("fleet-default/\(cluster.name)"), "type": .string("provisioning.cattle.io.cluster"),
            "links": .strings(["patch": selfURL, "remove": selfURL, "self": selfURL, "update": selfURL,
                               "view": "\(origin)/apis/provisioning.cattle.io/v1/namespaces/fleet-default/clusters/\(cluster.name)"]),
            "apiVersion": .string("provisioning.cattle.io/v1"), "kind": .string("Cluster"),
            "metadata": .object([
                "annotations": .strings(annotations), "creationTimestamp": .string(created),
                "fields": .array([.string(cluster.name), .string(cluster.kubernetesVersion), .string(cluster.id.rawValue), .string(created), .null, .null]),
                "finalizers": .array([.string("wrangler.cattle.io/provisioning-cluster-remove"), .string("wrangler.cattle.io/rke-cluster-remove")]),
                "generation": .int(1), "labels": .strings([:]), "name": .string(cluster.name), "namespace": .string("fleet-default"),
                "resourceVersion": .string(String(revision)),
                "state": .object(["error": .bool(false), "message": .string(""), "name": .string("active"), "transitioning": .bool(false)]),
                "uid": .string("\(cluster.id.rawValue)-provisioning"),
            ]),
            "spec": .object(["kubernetesVersion": .string(cluster.kubernetesVersion), "localClusterAuthEndpoint": .object([:]),
                             "rkeConfig": .object(["machineGlobalConfig": .object([:]), "machinePoolDefaults": .object([:])])]),
            "status": .object([
                "clusterName": .string(cluster.id.rawValue), "fleetWorkspaceName": .string("fleet-default"), "observedGeneration": .int(1),
                "conditions": .array(["Created", "RKECluster", "Provisioned", "Ready"].map(condition)),
            ]),
        ])
    }
}

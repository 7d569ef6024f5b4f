import RanchhandClients
import RanchhandEvents

/// apps/v1 Deployments: the object (GET, merge-PATCH of annotations and replicas) and its `scale`
/// subresource, as the capacity tool reads and sets them.
extension SandboxWorld {
    func deployment(_ id: NamespacedName, in clusterID: RancherClusterID, request: SandboxRequest) -> SandboxReply {
        guard var deployment = kubernetes[clusterID]?.deployments[id] else { return missing("deployments.apps", id.name) }
        switch request.method {
        case "GET":
            return .json(200, renderDeployment(deployment))
        case "PATCH":
            guard (request.header("Content-Type") ?? "").contains("merge-patch+json") else {
                return .kubernetesStatus(415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/merge-patch+json")
            }
            guard let patch = try? JSONValue.parse(request.body), case .object = patch else {
                return .kubernetesStatus(400, reason: "BadRequest", message: "error decoding patch")
            }
            for (key, value) in patch["metadata"]?["annotations"]?.objectValue ?? [:] {
                if let text = value.stringValue { deployment.annotations[key] = text } else { deployment.annotations.removeValue(forKey: key) }
            }
            if let replicas = patch["spec"]?["replicas"] {
                guard case .number(let count) = replicas, count >= 0 else {
                    return .kubernetesStatus(422, reason: "Invalid", message: "spec.replicas must be a non-negative integer")
                }
                deployment.replicas = Int(count)
            }
            store(deployment, in: clusterID)
            return .json(200, renderDeployment(deployment))
        default:
            return .kubernetesStatus(405, reason: "MethodNotAllowed", message: "method not allowed")
        }
    }

    func scale(_ id: NamespacedName, in clusterID: RancherClusterID, request: SandboxRequest) -> SandboxReply {
        guard var deployment = kubernetes[clusterID]?.deployments[id] else { return missing("deployments.apps", id.name) }
        switch request.method {
        case "GET":
            return .json(200, renderScale(deployment))
        case "PATCH":
            guard let patch = try? JSONValue.parse(request.body), case .number(let replicas)? = patch["spec"]?["replicas"], replicas >= 0 else {
                return .kubernetesStatus(422, reason: "Invalid", message: "spec.replicas must be a non-negative integer")
            }
            deployment.replicas = Int(replicas)
            store(deployment, in: clusterID)
            return .json(200, renderScale(deployment))
        default:
            return .kubernetesStatus(405, reason: "MethodNotAllowed", message: "method not allowed")
        }
    }

    private func store(_ deployment: SandboxDeployment, in clusterID: RancherClusterID) {
        var deployment = deployment
        revision += 1
        deployment.resourceVersion = revision
        kubernetes[clusterID]?.deployments[deployment.id] = deployment
    }

    func renderDeployment(_ deployment: SandboxDeployment) -> JSONValue {
        let ready = deployment.readyReplicas ?? deployment.replicas
        var status: [String: JSONValue] = ["replicas": .int(deployment.replicas), "observedGeneration": .int(1)]
        // The API server leaves readyReplicas out when it is zero.
        if ready > 0 { status["readyReplicas"] = .int(ready); status["availableReplicas"] = .int(ready) }
        return .object([
            "kind": .string("Deployment"), "apiVersion": .string("apps/v1"),
            "metadata": .object(metadata(name: deployment.name, namespace: deployment.namespace, uid: "deploy-\(deployment.name)",
                                         resourceVersion: deployment.resourceVersion, annotations: deployment.annotations)),
            "spec": .object([
                "replicas": .int(deployment.replicas),
                "selector": .object(["matchLabels": .strings(deployment.selector)]),
            ]),
            "status": .object(status),
        ])
    }
}

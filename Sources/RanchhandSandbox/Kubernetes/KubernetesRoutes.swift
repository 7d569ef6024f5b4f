import RanchhandClients
import RanchhandEvents

extension SandboxWorld {
    /// The fake API server of `clusterID`; `path` starts at `/api` or `/apis`.
    func kubernetesReply(_ request: SandboxRequest, cluster clusterID: RancherClusterID, path: String) -> SandboxReply {
        settle()
        guard clusters[clusterID] != nil else { return .rancherError(404, "NotFound", "cluster \(clusterID) not found") }
        let parts = path.split(separator: "/").map(String.init)
        switch (request.method, parts.count) {
        case ("GET", 3) where parts == ["api", "v1", "nodes"]:
            let items = nodes.values.filter { $0.clusterID == clusterID }.sorted { $0.nodeName < $1.nodeName }.map(renderKubernetesNode)
            return list("NodeList", "v1", items, request: request)
        case ("GET", 4) where parts.starts(with: ["api", "v1", "nodes"]), ("PATCH", 4) where parts.starts(with: ["api", "v1", "nodes"]):
            guard let node = nodes.values.first(where: { $0.clusterID == clusterID && $0.nodeName == parts[3] }) else {
                return missing("nodes", parts[3])
            }
            return request.method == "GET" ? .json(200, renderKubernetesNode(node)) : patchNode(node.id, request)
        case ("GET", 3) where parts == ["api", "v1", "pods"]:
            return podList(in: clusterID, namespace: nil, request: request)
        case ("GET", 5) where parts.starts(with: ["api", "v1", "namespaces"]) && parts[4] == "pods":
            return podList(in: clusterID, namespace: parts[3], request: request)
        case ("POST", 7) where parts.starts(with: ["api", "v1", "namespaces"]) && parts[4] == "pods" && parts[6] == "eviction":
            return eviction(NamespacedName(namespace: parts[3], name: parts[5]), in: clusterID, request: request)
        case (_, 7) where parts.starts(with: ["apis", "apps", "v1", "namespaces"]) && parts[5] == "deployments":
            return deployment(NamespacedName(namespace: parts[4], name: parts[6]), in: clusterID, request: request)
        case (_, 8) where parts.starts(with: ["apis", "apps", "v1", "namespaces"]) && parts[5] == "deployments" && parts[7] == "scale":
            return scale(NamespacedName(namespace: parts[4], name: parts[6]), in: clusterID, request: request)
        case ("GET", 4) where parts == ["apis", "networking.k8s.io", "v1", "ingresses"]:
            return ingresses(in: clusterID, namespace: nil, request: request)
        case ("GET", 6) where parts.starts(with: ["apis", "networking.k8s.io", "v1", "namespaces"]) && parts[5] == "ingresses":
            return ingresses(in: clusterID, namespace: parts[4], request: request)
        default:
            return .kubernetesStatus(404, reason: "NotFound", message: "the server could not find the requested resource")
        }
    }

    func missing(_ kind: String, _ name: String) -> SandboxReply {
        .kubernetesStatus(404, reason: "NotFound", message: "\(kind) \"\(name)\" not found",
                          details: .object(["name": .string(name), "kind": .string(kind)]))
    }

    /// A list page: `limit` and an opaque `continue` (the offset) as the API server pages.
    private func list(_ kind: String, _ apiVersion: String, _ items: [JSONValue], request: SandboxRequest) -> SandboxReply {
        let offset = request.queryValue("continue").flatMap { Int($0.dropFirst("offset-".count)) } ?? 0
        let limit = request.queryValue("limit").flatMap(Int.init).map { $0 > 0 ? $0 : items.count } ?? items.count
        let end = min(items.count, offset + limit)
        var meta: [String: JSONValue] = ["resourceVersion": .string(String(revision))]
        if end < items.count { meta["continue"] = .string("offset-\(end)") }
        return .json(200, .object(["kind": .string(kind), "apiVersion": .string(apiVersion), "metadata": .object(meta),
                                   "items": .array(Array(items[min(offset, end)..<end]))]))
    }

    private func patchNode(_ id: RancherNodeID, _ request: SandboxRequest) -> SandboxReply {
        let type = request.header("Content-Type") ?? ""
        guard type.contains("merge-patch+json") else {
            return .kubernetesStatus(415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json")
        }
        guard let patch = try? JSONValue.parse(request.body), case .object = patch else {
            return .kubernetesStatus(400, reason: "BadRequest", message: "error decoding patch")
        }
        guard var node = nodes[id] else { return missing("nodes", id.rawValue) }
        func apply(_ changes: JSONValue?, to map: inout [String: String]) {
            for (key, value) in changes?.objectValue ?? [:] {
                if let text = value.stringValue { map[key] = text } else { map.removeValue(forKey: key) }
            }
        }
        apply(patch["metadata"]?["labels"], to: &node.labels)
        apply(patch["metadata"]?["annotations"], to: &node.annotations)
        if let unschedulable = patch["spec"]?["unschedulable"] {
            // Kubernetes cordon and Rancher cordon are the same field: the v3 node follows.
            if case .bool(let flag) = unschedulable { node.unschedulable = flag } else { node.unschedulable = false }
            if !node.unschedulable { node.drain = nil }
        }
        nodes[id] = node
        revision += 1
        return .json(200, renderKubernetesNode(node))
    }

    private func podList(in clusterID: RancherClusterID, namespace: String?, request: SandboxRequest) -> SandboxReply {
        var pods = kubernetes[clusterID]?.pods.values.filter { namespace == nil || $0.namespace == namespace } ?? []
        if let selector = request.queryValue("fieldSelector") {
            guard selector.hasPrefix("spec.nodeName=") else {
                return .kubernetesStatus(400, reason: "BadRequest", message: "field label not supported: \(selector)")
            }
            let node = String(selector.dropFirst("spec.nodeName=".count))
            pods = pods.filter { $0.nodeName == node }
        }
        return list("PodList", "v1", pods.sorted { $0.id < $1.id }.map(renderPod), request: request)
    }

    private func eviction(_ id: NamespacedName, in clusterID: RancherClusterID, request: SandboxRequest) -> SandboxReply {
        let body = try? JSONValue.parse(request.body)
        guard body?["kind"]?.stringValue == "Eviction" else {
            return .kubernetesStatus(400, reason: "BadRequest", message: "expected an Eviction body")
        }
        let dryRun = body?["deleteOptions"]?["dryRun"]?.arrayValue?.isEmpty == false
        switch evict(id, in: clusterID, dryRun: dryRun) {
        case .notFound:
            return missing("pods", id.name)
        case .refused(let budget, let healthy):
            return .kubernetesStatus(
                429, reason: "TooManyRequests", message: "Cannot evict pod as it would violate the pod's disruption budget.",
                details: .object(["causes": .array([.object([
                    "reason": .string("DisruptionBudget"),
                    "message": .string("The disruption budget \(budget.name) needs \(budget.minAvailable) healthy pods and has \(healthy) currently"),
                ])])]))
        case .evicted:
            return .json(201, .object(["kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object([:]),
                                       "status": .string("Success"), "code": .int(201)]))
        }
    }
}

import RanchhandClients
import RanchhandEvents

extension SandboxWorld {
    /// List, or watch with `?watch=1`. The fake answers a watch at once with the events after
    /// `resourceVersion` and a closing bookmark (a real server holds the stream for `timeoutSeconds`);
    /// a resourceVersion older than the kept history gets the 410 a real server sends.
    func ingresses(in clusterID: RancherClusterID, namespace: String?, request: SandboxRequest) -> SandboxReply {
        let objects = kubernetes[clusterID] ?? KubernetesObjects()
        guard ["1", "true"].contains(request.queryValue("watch") ?? "") else {
            let items = objects.ingresses.values.filter { namespace == nil || $0.namespace == namespace }.sorted { $0.id < $1.id }
            let offset = request.queryValue("continue").flatMap { Int($0.dropFirst("offset-".count)) } ?? 0
            let limit = request.queryValue("limit").flatMap(Int.init).map { $0 > 0 ? $0 : items.count } ?? items.count
            let end = min(items.count, offset + limit)
            var meta: [String: JSONValue] = ["resourceVersion": .string(String(revision))]
            if end < items.count { meta["continue"] = .string("offset-\(end)") }
            return .json(200, .object([
                "kind": .string("IngressList"), "apiVersion": .string("networking.k8s.io/v1"), "metadata": .object(meta),
                "items": .array(items[min(offset, end)..<end].map(renderIngress)),
            ]))
        }
        let from = request.queryValue("resourceVersion").flatMap(Int.init) ?? revision
        if from < objects.compactedThrough {
            let message = "too old resource version: \(from) (\(objects.compactedThrough))"
            if behaviour.expiredWatchAsHTTPStatus { return .kubernetesStatus(410, reason: "Expired", message: message) }
            let status: JSONValue = .object(["kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object([:]),
                                             "status": .string("Failure"), "message": .string(message), "reason": .string("Gone"), "code": .int(410)])
            return .text(200, SandboxJSON.text(.object(["type": .string("ERROR"), "object": status])) + "\n", contentType: "application/json")
        }
        var lines = objects.watchLog.filter { $0.revision > from && (namespace == nil || $0.ingress.namespace == namespace) }.map { record in
            SandboxJSON.text(.object(["type": .string(record.type), "object": renderIngress(record.ingress)]))
        }
        if request.queryValue("allowWatchBookmarks") == "true" {
            lines.append(SandboxJSON.text(.object(["type": .string("BOOKMARK"), "object": .object([
                "kind": .string("Ingress"), "apiVersion": .string("networking.k8s.io/v1"),
                "metadata": .object(["resourceVersion": .string(String(revision)),
                                     "annotations": .strings(["k8s.io/initial-events-end": "true"])]),
            ])])))
        }
        return .text(200, lines.map { $0 + "\n" }.joined(), contentType: "application/json")
    }
}

import RanchhandClients
import RanchhandEvents

extension SandboxWorld {
    /// `/v3/…`, `/v1/cluster.x-k8s.io.machines/…` and `/v1/provisioning.cattle.io.clusters/…`, after authentication.
    func rancherReply(_ request: SandboxRequest) -> SandboxReply {
        settle()
        // norman's CSRF check applies only to "browsers": a mozilla User-Agent that accepts */*.
        let agent = (request.header("User-Agent") ?? "").lowercased()
        if request.method != "GET", agent.contains("mozilla"), (request.header("Accept") ?? "").contains("*/*"),
           request.header("X-API-CSRF") == nil {
            return .rancherError(422, "InvalidCSRFToken", "Invalid CSRF token")
        }
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if parts.first == "v1", parts.count >= 2, parts[1] == "provisioning.cattle.io.clusters" { return provisioningReply(request, parts) }
        if parts.first == "v1" { return machineReply(request, parts) }
        guard parts.count >= 2, parts[0] == "v3" else { return .rancherError(404, "NotFound", "not found") }
        switch (request.method, parts[1], parts.count) {
        case ("GET", "settings", 3): return settingReply(parts[2], request)
        case ("GET", "clusters", 2): return .json(200, clusterCollection(request))
        case ("GET", "clusters", 3) where behaviour.clustersOutOfSight.contains(RancherClusterID(parts[2])):
            return .rancherError(403, "Forbidden", "clusters.management.cattle.io \"\(parts[2])\" is forbidden: "
                                 + "User \"u-sandbox\" cannot get resource \"clusters\" in API group \"management.cattle.io\" at the cluster scope")
        case ("GET", "clusters", 3):
            guard let cluster = clusters[RancherClusterID(parts[2])] else { return notFound("cluster", parts[2]) }
            return .json(200, render(cluster, origin: request.origin))
        case ("GET", "clusters", 4) where parts[3] == "nodes":
            var scoped = request
            scoped.query.append(("clusterId", parts[2]))
            return .json(200, nodeCollection(scoped))
        case ("GET", "clusters", 4) where parts[3] == "clusterregistrationtokens":
            var scoped = request
            scoped.query.append(("clusterId", parts[2]))
            return .json(200, tokenCollection(scoped))
        case ("GET", "nodes", 2): return .json(200, nodeCollection(request))
        case ("GET", "nodes", 3):
            guard let node = nodes[RancherNodeID(parts[2])] else { return notFound("node", parts[2]) }
            return .json(200, render(node, origin: request.origin))
        case ("POST", "nodes", 3): return nodeActionReply(RancherNodeID(parts[2]), request)
        case ("DELETE", "nodes", 3):
            guard let node = requestRemoval(of: RancherNodeID(parts[2])) else { return notFound("node", parts[2]) }
            return .json(200, render(node, origin: request.origin))
        case (_, "clusterregistrationtoken", _), (_, "clusterregistrationtokens", _): return tokenReply(request, parts)
        default: return .rancherError(404, "NotFound", "not found")
        }
    }

    func notFound(_ type: String, _ id: String) -> SandboxReply {
        .rancherError(404, "NotFound", "Failed to find type: \(type) id: \(id)")
    }

    private func nodeActionReply(_ id: RancherNodeID, _ request: SandboxRequest) -> SandboxReply {
        guard let name = request.queryValue("action") else { return .rancherError(405, "MethodNotAllow", "Method POST not supported") }
        guard nodes[id] != nil else { return notFound("node", id.rawValue) }
        guard let action = RancherNodeAction(rawValue: name) else { return .rancherError(422, "InvalidAction", "Invalid action: \(name)") }
        var options: DrainOptions?
        if action == .drain {
            let input = (try? JSONValue.parse(request.body.isEmpty ? Array("{}".utf8) : request.body)) ?? .object([:])
            guard case .object = input else { return .rancherError(422, "InvalidBodyContent", "drain input must be an object") }
            let timeout = input["timeout"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } } ?? 120
            guard (1...DrainOptions.maximumTimeoutSeconds).contains(timeout) else {
                return .rancherError(422, timeout < 1 ? "MinLimitExceeded" : "MaxLimitExceeded", "timeout must be between 1 and 10800")
            }
            options = DrainOptions(timeout: timeout)
        }
        guard perform(action, on: id, drain: options) != nil else { return .rancherError(422, "InvalidAction", "Invalid action: \(name)") }
        return .json(200, .object([:]))
    }

    private func nodeCollection(_ request: SandboxRequest) -> JSONValue {
        let query = RancherCollectionQuery(resourceType: "node", filterable: RancherCollectionQuery.nodeFields,
                                           unsupported: behaviour.unsupportedFilters, defaultLimit: behaviour.defaultPageLimit)
        let visible = nodes.values.filter { !behaviour.clustersOutOfSight.contains($0.clusterID) }
        return query.collection(visible.map { render($0, origin: request.origin) }, request: request, createURL: "\(request.origin)/v3/nodes")
    }

    private func clusterCollection(_ request: SandboxRequest) -> JSONValue {
        let query = RancherCollectionQuery(resourceType: "cluster", filterable: RancherCollectionQuery.clusterFields,
                                           unsupported: behaviour.unsupportedFilters, defaultLimit: behaviour.defaultPageLimit)
        let visible = clusters.values.filter { !behaviour.clustersOutOfSight.contains($0.id) }
        return query.collection(visible.map { render($0, origin: request.origin) }, request: request, createURL: "\(request.origin)/v3/clusters")
    }

    private func settingReply(_ name: String, _ request: SandboxRequest) -> SandboxReply {
        let values = ["cacerts": caPEM, "server-version": behaviour.serverVersion, "server-url": serverURL(request)]
        guard let value = values[name] else { return notFound("setting", name) }
        let selfURL = "\(request.origin)/v3/settings/\(name)"
        return .json(200, .object([
            "baseType": .string("setting"), "type": .string("setting"), "id": .string(name), "name": .string(name), "value": .string(value),
            "default": .string(""), "customized": .bool(false), "source": .string(name == "cacerts" ? "" : "env"),
            "created": .string(SandboxDates.rfc3339(clock.startDate)), "createdTS": .int(SandboxDates.milliseconds(clock.startDate)),
            "creatorId": .null, "links": .strings(["self": selfURL]), "actions": .object([:]),
        ]))
    }

    func serverURL(_ request: SandboxRequest) -> String { behaviour.serverURL.isEmpty ? request.origin : behaviour.serverURL }

    // MARK: /v1 cluster-api Machines (steve)

    private func machineReply(_ request: SandboxRequest, _ parts: [String]) -> SandboxReply {
        guard parts.count >= 2, parts[1] == "cluster.x-k8s.io.machines" else { return .rancherError(404, "NotFound", "404 page not found") }
        if parts.count <= 3, request.method == "GET" {
            let selected = machines.values.filter { parts.count == 2 || $0.ref.namespace == parts[2] }.sorted { $0.ref.description < $1.ref.description }
            return .json(200, steveCollection("cluster.x-k8s.io.machine", selected.map { renderMachine($0, origin: request.origin) }, request))
        }
        guard parts.count == 4 else { return .rancherError(404, "NotFound", "404 page not found") }
        let ref = MachineRef(namespace: parts[2], name: parts[3])
        let missing = SandboxReply.rancherError(404, "NotFound", "machines.cluster.x-k8s.io \"\(ref.name)\" not found")
        switch request.method {
        case "GET": return machines[ref].map { .json(200, renderMachine($0, origin: request.origin)) } ?? missing
        case "DELETE": return requestDeletion(of: ref).map { .json(200, renderMachine($0, origin: request.origin)) } ?? missing
        default: return .rancherError(405, "MethodNotAllowed", "method not allowed")
        }
    }

    /// A steve (`/v1`) collection: a v3-like envelope around the Kubernetes objects.
    func steveCollection(_ resourceType: String, _ items: [JSONValue], _ request: SandboxRequest) -> JSONValue {
        .object([
            "type": .string("collection"), "resourceType": .string(resourceType), "revision": .string(String(revision)),
            "links": .strings(["self": request.origin + request.path]), "data": .array(items),
        ])
    }

    private func renderMachine(_ machine: SandboxMachine, origin: String) -> JSONValue {
        let selfURL = "\(origin)/v1/cluster.x-k8s.io.machines/\(machine.ref.namespace)/\(machine.ref.name)"
        var metadata: [String: JSONValue] = [
            "name": .string(machine.ref.name), "namespace": .string(machine.ref.namespace),
            "labels": .strings(["cluster.x-k8s.io/cluster-name": clusters[machine.clusterID]?.name ?? ""]),
            "creationTimestamp": .string(SandboxDates.rfc3339(clock.startDate)), "resourceVersion": .string(String(revision)),
        ]
        if let requested = machine.deletionRequested { metadata["deletionTimestamp"] = .string(SandboxDates.rfc3339(clock.date(at: requested))) }
        return .object([
            "id": .string(machine.ref.description), "type": .string("cluster.x-k8s.io.machine"),
            "links": .strings(["self": selfURL, "update": selfURL, "remove": selfURL, "view": selfURL]),
            "apiVersion": .string("cluster.x-k8s.io/v1beta1"), "kind": .string("Machine"), "metadata": .object(metadata),
            "spec": .object(["clusterName": .string(clusters[machine.clusterID]?.name ?? "")]),
            "status": .object(["phase": .string(machine.phase), "nodeRef": .object(["kind": .string("Node"), "name": .string(machine.nodeName)])]),
        ])
    }
}

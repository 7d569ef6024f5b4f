import RanchhandEvents

/// norman's collection behaviour: filter in memory (unknown filter keys silently ignored), sort
/// by id, slice from `marker`, and link the next page.
struct RancherCollectionQuery {
    static let reserved: Set<String> = ["limit", "marker", "sort", "order", "reverse"]

    static let nodeFields = [
        "clusterId", "controlPlane", "creatorId", "description", "etcd", "externalIpAddress", "hostname", "id", "imported", "ipAddress",
        "name", "namespaceId", "nodeName", "nodePoolId", "nodeTemplateId", "podCidr", "providerId", "requestedHostname", "sshUser", "state",
        "transitioning", "transitioningMessage", "unschedulable", "uuid", "worker",
    ]
    static let clusterFields = [
        "agentImage", "apiEndpoint", "appliedPodSecurityPolicyTemplateId", "caCert", "creatorId", "defaultClusterRoleForProjectMembers",
        "defaultPodSecurityPolicyTemplateId", "description", "desiredAgentImage", "driver", "id", "internal", "name", "state",
        "transitioning", "transitioningMessage", "uuid",
    ]
    static let tokenFields = ["clusterId", "command", "creatorId", "id", "manifestUrl", "name", "namespaceId", "nodeCommand", "state", "token", "uuid"]

    let resourceType: String
    let filterable: [String]
    let unsupported: Set<String>
    let defaultLimit: Int

    func collection(_ items: [JSONValue], request: SandboxRequest, createURL: String) -> JSONValue {
        // Filters: eq and _ne on known fields; anything else is dropped without a word.
        var applied: [String: [(modifier: String, value: String)]] = [:]
        for (name, value) in request.query where !Self.reserved.contains(name) {
            let (field, modifier) = name.hasSuffix("_ne") ? (String(name.dropLast(3)), "ne") : (name, "eq")
            guard filterable.contains(field), !unsupported.contains(field) else { continue }
            applied[field, default: []].append((modifier, value))
        }
        let matching = items.filter { item in
            applied.allSatisfy { field, conditions in
                conditions.allSatisfy { condition in (Self.text(item[field]) == condition.value) == (condition.modifier == "eq") }
            }
        }.sorted { Self.text($0["id"]) < Self.text($1["id"]) }

        let requested = request.queryValue("limit").flatMap(Int.init)
        let limit = requested.map { $0 <= 0 || $0 > 10_000 ? 10_000 : $0 } ?? defaultLimit
        let marker = request.queryValue("marker")
        let start = marker.map { marker in matching.firstIndex { Self.text($0["id"]) >= marker } ?? matching.count } ?? 0
        let end = min(matching.count, start + limit)
        let selfURL = request.origin + request.path + (request.query.isEmpty ? "" : "?" + request.rawQuery)
        let withoutMarker = request.query.filter { $0.name != "marker" }
        let baseQuery = SandboxRequest(method: "GET", path: request.path, query: withoutMarker, headers: [:], body: [], origin: request.origin, at: request.at).rawQuery
        let firstURL = request.origin + request.path + (baseQuery.isEmpty ? "" : "?" + baseQuery)
        var pagination: [String: JSONValue] = ["limit": .int(limit), "total": .int(matching.count)]
        if let marker { pagination["marker"] = .string(marker) }
        if end < matching.count {
            pagination["partial"] = .bool(true)
            pagination["first"] = .string(firstURL)
            let nextMarker = SandboxRequest.encode(Self.text(matching[end]["id"]))
            pagination["next"] = .string(firstURL + (baseQuery.isEmpty ? "?" : "&") + "marker=" + nextMarker)
        }
        var filters: [String: JSONValue] = [:]
        var sortLinks: [String: JSONValue] = [:]
        for field in filterable {
            filters[field] = applied[field].map { .array($0.map { .object(["modifier": .string($0.modifier), "value": .string($0.value)]) }) } ?? .null
            sortLinks[field] = .string(request.origin + request.path + "?sort=" + field)
        }
        return .object([
            "type": .string("collection"), "resourceType": .string(resourceType), "actions": .object([:]),
            "links": .object(["self": .string(selfURL)]), "createTypes": .object([resourceType: .string(createURL)]),
            "pagination": .object(pagination), "filters": .object(filters),
            "sort": .object(["order": .string("asc"), "reverse": .string(request.origin + request.path + "?order=desc"), "links": .object(sortLinks)]),
            "data": .array(Array(matching[start..<end])),
        ])
    }

    /// A field as norman compares it: strings as they are, booleans and numbers as text.
    static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: text
        case .bool(let flag)?: flag ? "true" : "false"
        case .number(let number)?: number == number.rounded() ? String(Int64(number)) : String(number)
        default: ""
        }
    }
}

import RanchhandClients

extension LiveRancherClient {
    struct CollectedPages<Item: Sendable>: Sendable {
        var items: [Item]
        /// Filters that at least one page did not echo as applied.
        var ignoredFilters: Set<String>
    }

    /// Reads a whole collection: the first page with `filters` (and `limit` if configured), then
    /// `pagination.next` until it is absent. Each `next` is resolved against our own origin, so the
    /// token never follows a link to another host; a repeated link or an absurd page count stops
    /// the loop as an invalid response.
    func collect<Item: Decodable & Sendable>(
        _ type: Item.Type, _ path: String, filters: [(field: String, value: String)]
    ) async throws(ClientError) -> CollectedPages<Item> {
        var query = filters.map { ($0.field, $0.value) }
        if let limit = configuration.pageLimit { query.append(("limit", String(limit))) }
        var next: String? = query.isEmpty ? path : path + "?" + URLEncoding.query(query)
        var absolute = false
        var seen: Set<String> = []
        var result = CollectedPages<Item>(items: [], ignoredFilters: [])
        while let pathAndQuery = next {
            let operation = "GET \(path)"
            guard seen.insert(pathAndQuery).inserted, seen.count <= 10_000 else {
                throw ClientError(.invalidResponse, service: "rancher", operation: operation,
                                  message: "pagination does not end (\(seen.count) pages, next \(pathAndQuery)): giving up")
            }
            let response = try await api.send("GET", pathAndQuery, idempotency: .idempotent, operation: operation, absolute: absolute)
            let page = try api.decode(RancherCollection<Item>.self, from: response, operation: operation)
            result.items += page.data
            result.ignoredFilters.formUnion(page.ignoredFilters(filters))
            guard let link = page.pagination?.next, !link.isEmpty else { break }
            guard let relative = URLEncoding.pathAndQuery(of: link) else {
                throw ClientError(.invalidResponse, service: "rancher", operation: operation, message: "unusable pagination.next link: \(link)")
            }
            next = relative
            absolute = true
        }
        return result
    }
}

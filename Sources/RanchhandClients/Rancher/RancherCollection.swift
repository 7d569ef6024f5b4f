/// The v3 collection envelope (`type:"collection"`): one page of `data`, the paging links, and the
/// filters the server actually applied.
public struct RancherCollection<Item: Decodable & Sendable>: Decodable, Sendable {
    public var type: String
    public var resourceType: String?
    public var data: [Item]
    public var pagination: RancherPagination?
    /// Every filterable field: `null` when not applied, the applied conditions otherwise.
    public var filters: [String: [RancherFilterCondition]?]?

    /// The sent filters the server did not echo as applied (so it ignored them and returned more).
    public func ignoredFilters(_ sent: [(field: String, value: String)]) -> [String] {
        sent.compactMap { field, value in
            let applied = (filters?[field] ?? nil)?.contains { $0.modifier == "eq" && $0.value == value } ?? false
            return applied ? nil : field
        }
    }
}

public struct RancherPagination: Sendable, Hashable, Decodable {
    public var limit: Int?
    public var total: Int?
    /// The full URL of the next page (the same query plus `marker=`); absent on the last page.
    public var next: String?
    public var partial: Bool?
    public var marker: String?

    public init(limit: Int? = nil, total: Int? = nil, next: String? = nil, partial: Bool? = nil, marker: String? = nil) {
        self.limit = limit
        self.total = total
        self.next = next
        self.partial = partial
        self.marker = marker
    }
}

/// Rancher's error body: `{"type":"error","status":422,"code":"InvalidAction","message":"…"}`.
/// Kubernetes errors passed through keep the Kubernetes reason as `code`.
public struct RancherErrorBody: Sendable, Hashable, Decodable {
    public var type: String
    public var status: Int?
    public var code: String?
    public var message: String?
    public var fieldName: String?

    enum CodingKeys: String, CodingKey { case type, status, code, message, fieldName }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        // norman sends a number; the /v1 (steve) API has been seen sending it as a string.
        status = (try? c.decodeIfPresent(Int.self, forKey: .status)) ?? (try? c.decodeIfPresent(String.self, forKey: .status)).flatMap { $0.flatMap(Int.init) }
        code = try c.decodeIfPresent(String.self, forKey: .code)
        message = try c.decodeIfPresent(String.self, forKey: .message)
        fieldName = try c.decodeIfPresent(String.self, forKey: .fieldName)
    }
}

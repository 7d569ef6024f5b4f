import RanchhandClients

/// The bearer token a client sends, and where a newer one comes from. A Rancher token rotated in
/// SSM makes every request of a warm Lambda fail with 401 until the function is recycled; with a
/// `reread`, the first 401 re-reads the token once and the request is tried again with it. The
/// Rancher client and the Kubernetes client that goes through Rancher's proxy share one source.
public actor BearerTokenSource {
    private var current: String
    private let reread: (@Sendable () async throws(ClientError) -> String)?

    public init(_ token: String, reread: (@Sendable () async throws(ClientError) -> String)? = nil) {
        self.current = token
        self.reread = reread
    }

    public func token() -> String { current }

    /// After `rejected` was answered 401: a different token to try, or nil when there is none — no
    /// way to re-read, the re-read failed, or it gave back the rejected token.
    public func replacement(after rejected: String) async -> String? {
        if current != rejected { return current }
        guard let reread else { return nil }
        guard let fresh = try? await reread(), !fresh.isEmpty, fresh != rejected else { return nil }
        current = fresh
        return fresh
    }
}

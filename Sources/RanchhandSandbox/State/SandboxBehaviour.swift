import RanchhandClients

/// The fake's timings and quirks, settable per test.
public struct SandboxBehaviour: Sendable {
    /// How long a Rancher drain runs before it succeeds (or fails with `drainFailure`). A drain whose
    /// `timeout` is shorter fails at the timeout with Rancher's "did not complete within" message.
    public var drainDuration: Duration = .seconds(30)
    /// When set, drains fail with this message (ignorable messages leave the node `cordoned`).
    public var drainFailure: String?
    /// How long a deleted node shows `removing`, and a deleted Machine `Deleting`.
    public var removalDuration: Duration = .seconds(10)
    /// How long after creation a registration token's commands stay empty.
    public var registrationCommandDelay: Duration = .seconds(6)
    /// The page size when a request sends no `limit` (Rancher: 1000).
    public var defaultPageLimit = 1000
    /// Filter keys the fake does not know, as an older Rancher or a typo would not: ignored without a
    /// word, echoed as `null`, and the whole list returned.
    public var unsupportedFilters: Set<String> = []
    public var serverVersion = "v2.9.3"
    /// `server-url`; empty means the URL the request came in on.
    public var serverURL = ""
    /// A watch from a compacted resourceVersion gets HTTP 410 instead of the usual in-stream ERROR event.
    public var expiredWatchAsHTTPStatus = false
    /// Ingress events kept for watches; older ones are compacted away.
    public var watchHistoryLimit = 1000

    public init() {}
}

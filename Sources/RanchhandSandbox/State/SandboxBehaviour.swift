import RanchhandClients

/// The fake's timings and quirks, settable per test.
public struct SandboxBehaviour: Sendable {
    /// How long a Rancher drain runs before it succeeds (or fails with `drainFailure`). A drain whose
    /// `timeout` is shorter fails at the timeout with Rancher's "did not complete within" message.
    public var drainDuration: Duration = .seconds(30)
    /// When set, drains fail with this message (ignorable messages leave the node `cordoned`).
    public var drainFailure: String?
    /// Per node (by node name), when set: how long its drain runs and whether it fails, overriding
    /// `drainDuration`/`drainFailure` — for fleets whose drains differ (seeded distributions).
    public var drainScript: (@Sendable (String) -> SandboxDrainScript)?
    /// How long a pod a ReplicaSet or StatefulSet recreates after an eviction stays `Pending`
    /// (PodDisruptionBudgets count only running pods) before it runs.
    public var replacementStartDuration: Duration = .seconds(2)
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
    /// Clusters the API token has lost its role on (a rotated or re-scoped token): Rancher filters
    /// collections by what the user may see, so their nodes list as an empty collection (200), and
    /// the cluster itself answers 403 in norman's error shape (Tests/Fixtures/rancher/v3-error-403-forbidden.json).
    public var clustersOutOfSight: Set<RancherClusterID> = []

    public init() {}
}

/// One node's drain: it runs `duration`, then succeeds or fails with `failure` (pods stay bound).
public struct SandboxDrainScript: Sendable, Hashable {
    public var duration: Duration
    public var failure: String?
    public init(duration: Duration, failure: String? = nil) {
        self.duration = duration
        self.failure = failure
    }
}

/// The body of `POST /v3/nodes/<id>?action=drain` (`nodeDrainInput`), with Rancher's defaults.
public struct DrainOptions: Sendable, Hashable, Codable {
    /// Rancher refuses a drain timeout above three hours.
    public static let maximumTimeoutSeconds = 10_800

    /// Delete pods with emptyDir volumes (`--delete-emptydir-data`).
    public var deleteLocalData: Bool
    /// Delete pods no controller manages (`--force`).
    public var force: Bool
    /// Seconds each pod gets to stop; -1 uses the pod's own grace period.
    public var gracePeriod: Int
    public var ignoreDaemonSets: Bool
    /// Seconds before Rancher gives up the drain (1…10800).
    public var timeout: Int

    public init(deleteLocalData: Bool = false, force: Bool = false, gracePeriod: Int = -1, ignoreDaemonSets: Bool = true, timeout: Int = 120) {
        self.deleteLocalData = deleteLocalData
        self.force = force
        self.gracePeriod = gracePeriod
        self.ignoreDaemonSets = ignoreDaemonSets
        self.timeout = min(max(timeout, 1), Self.maximumTimeoutSeconds)
    }
}

/// A local copy of a namespace's (or the cluster's) Ingresses kept current the way informers do:
/// list once, then watch from the list's resourceVersion; bookmarks advance the position; when the
/// server says the position expired (410 Gone), list again.
public struct IngressMirror: Sendable {
    public let namespace: String?
    public private(set) var ingresses: [NamespacedName: Ingress] = [:]
    /// nil until the first list, and again after an expiry.
    public private(set) var resourceVersion: String?
    /// How many times the mirror listed (1 on a healthy run; more after expiries).
    public private(set) var listCount = 0

    public init(namespace: String? = nil) {
        self.namespace = namespace
    }

    /// What one `sync` did.
    public struct Step: Sendable, Hashable {
        public var listed: Bool
        public var changed: Bool
        public var expired: Bool
    }

    /// One step: a full list when there is no position, otherwise one bounded watch. An expired
    /// watch drops the position, so the next step relists.
    @discardableResult
    public mutating func sync(using client: some KubernetesClient, timeoutSeconds: Int = 30) async throws(ClientError) -> Step {
        guard let from = resourceVersion else {
            let list = try await client.ingresses(namespace: namespace)
            let fresh = Dictionary(list.items.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
            let changed = fresh != ingresses
            ingresses = fresh
            resourceVersion = list.resourceVersion
            listCount += 1
            return Step(listed: true, changed: changed, expired: false)
        }
        let batch = try await client.watchIngresses(namespace: namespace, from: from, timeoutSeconds: timeoutSeconds)
        var changed = false
        for event in batch.events {
            switch event {
            case .added(let ingress), .modified(let ingress):
                changed = changed || ingresses[ingress.id] != ingress
                ingresses[ingress.id] = ingress
            case .deleted(let ingress):
                // Not `changed || removeValue(…)`: the short circuit skipped the removal once anything had changed.
                if ingresses.removeValue(forKey: ingress.id) != nil { changed = true }
            case .bookmark:
                break
            }
        }
        resourceVersion = batch.expired ? nil : batch.resourceVersion
        return Step(listed: false, changed: changed, expired: batch.expired)
    }

    /// The same step returning the advanced mirror: for callers that keep the mirror in an actor,
    /// which cannot lend a stored property `inout` across a suspension.
    /// `let (next, step) = try await mirror.synced(using: client); mirror = next`
    public func synced(using client: some KubernetesClient, timeoutSeconds: Int = 30) async throws(ClientError) -> (IngressMirror, Step) {
        var copy = self
        let step = try await copy.sync(using: client, timeoutSeconds: timeoutSeconds)
        return (copy, step)
    }
}

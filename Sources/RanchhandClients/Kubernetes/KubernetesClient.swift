/// The Kubernetes API as ranchhand uses it, reached directly or through Rancher's
/// `/k8s/clusters/<id>` proxy. Every call throws `ClientError` with service `kubernetes`; server
/// errors carry the Status `reason` as `code` (`NotFound`, `Conflict`, `TooManyRequests`).
public protocol KubernetesClient: Sendable {
    /// All Ingresses (every `continue` page), in one namespace or all of them.
    func ingresses(namespace: String?) async throws(ClientError) -> IngressList
    /// One bounded watch from `resourceVersion`, with bookmarks. An expired resourceVersion is
    /// reported as `expired`, not thrown.
    func watchIngresses(namespace: String?, from resourceVersion: String, timeoutSeconds: Int) async throws(ClientError) -> IngressWatchBatch

    /// nil on 404.
    func node(named name: KubernetesNodeName) async throws(ClientError) -> KubernetesNode?
    /// Every Node of the cluster (`GET /api/v1/nodes`, all pages).
    func nodes() async throws(ClientError) -> [KubernetesNode]
    /// Sets the `set` labels and removes the `remove` keys in one merge patch.
    func labelNode(_ name: KubernetesNodeName, set: [String: String], remove: [String]) async throws(ClientError) -> KubernetesNode
    /// Cordon (`true`) or uncordon: patches `spec.unschedulable`.
    func setUnschedulable(_ name: KubernetesNodeName, _ unschedulable: Bool) async throws(ClientError) -> KubernetesNode
    /// Pods scheduled on the node (`fieldSelector=spec.nodeName=<name>`), all namespaces.
    func pods(onNode name: KubernetesNodeName) async throws(ClientError) -> [Pod]
    /// policy/v1 Eviction. A PodDisruptionBudget refusal is an outcome, not an error.
    func evict(_ pod: NamespacedName, options: EvictionOptions) async throws(ClientError) -> EvictionOutcome

    /// A Deployment's `scale` subresource; nil on 404.
    func scale(ofDeployment deployment: NamespacedName) async throws(ClientError) -> Scale?
    func setScale(ofDeployment deployment: NamespacedName, replicas: Int) async throws(ClientError) -> Scale
    /// The Deployment itself (replica counts and annotations); nil on 404.
    func deployment(_ deployment: NamespacedName) async throws(ClientError) -> Deployment?
    /// Sets these annotations in one merge patch; other annotations are kept.
    func annotateDeployment(_ deployment: NamespacedName, set: [String: String]) async throws(ClientError) -> Deployment
}

/// How a DELETE ended: either way the object is gone or going, which is all an idempotent executor
/// needs; poll until the GET answers nil to know it is gone.
public enum RancherDeletion: Sendable, Hashable {
    /// 200/202 (still present while finalizers run: `removing`) or 204 (already gone on read-back).
    case accepted
    /// 404: it did not exist (deleted earlier, perhaps by a previous attempt).
    case alreadyGone
}

/// Rancher's management API (v3, plus the `/v1` cluster-api Machines) as ranchhand uses it.
/// Every call throws `ClientError` with service `rancher`; server errors keep Rancher's `code`
/// (`InvalidAction`, `NotFound`, `Unauthorized`, …) and status.
public protocol RancherClient: Sendable {
    /// `/v3/settings/server-version` (`v2.9.3`).
    func serverVersion() async throws(ClientError) -> String
    /// `/v3/settings/<name>`; nil if there is no such setting.
    func setting(_ name: String) async throws(ClientError) -> RancherSetting?

    func clusters() async throws(ClientError) -> [RancherCluster]
    /// nil on 404.
    func cluster(id: RancherClusterID) async throws(ClientError) -> RancherCluster?
    /// The one cluster with this display name; nil if none. Matched client-side as well.
    func cluster(named name: String) async throws(ClientError) -> RancherCluster?

    /// Every page of `/v3/nodes` with the filter's server-side criteria, then matched client-side:
    /// every node returned satisfies `filter.matches`, whatever the server applied.
    func nodes(matching filter: RancherNodeFilter) async throws(ClientError) -> [RancherNode]
    /// nil on 404 (how an executor sees that a deleted node is gone).
    func node(id: RancherNodeID) async throws(ClientError) -> RancherNode?

    /// 422 `InvalidAction` means the action is not offered in the node's current state (already
    /// cordoned, not a worker, draining): see `ClientError.isRancherInvalidAction`.
    func cordon(_ node: RancherNodeID) async throws(ClientError)
    func uncordon(_ node: RancherNodeID) async throws(ClientError)
    /// Starts a drain and returns at once; poll `node(id:)` for `drained`, or a `Drained` condition
    /// with status `False`.
    func drain(_ node: RancherNodeID, options: DrainOptions) async throws(ClientError)
    func stopDrain(_ node: RancherNodeID) async throws(ClientError)

    /// `DELETE /v3/nodes/<id>`: the real deletion for RKE1 custom nodes. For RKE2/K3s delete the
    /// Machine instead; the v3 node is a mirror.
    func deleteNode(_ node: RancherNodeID) async throws(ClientError) -> RancherDeletion
    /// nil on 404.
    func machine(_ ref: MachineRef) async throws(ClientError) -> RancherMachine?
    /// The Machines of one namespace (`fleet-default` for Rancher's provisioning clusters).
    func machines(namespace: String) async throws(ClientError) -> [RancherMachine]
    /// `DELETE /v1/cluster.x-k8s.io.machines/<namespace>/<name>`.
    func deleteMachine(_ ref: MachineRef) async throws(ClientError) -> RancherDeletion
    /// `/v1/provisioning.cattle.io.clusters/<namespace>/<name>`; nil on 404.
    func provisioningCluster(namespace: String, name: String) async throws(ClientError) -> ProvisioningCluster?

    func registrationTokens(cluster: RancherClusterID) async throws(ClientError) -> [ClusterRegistrationToken]
    func registrationToken(id: RegistrationTokenID) async throws(ClientError) -> ClusterRegistrationToken?
    func createRegistrationToken(cluster: RancherClusterID) async throws(ClientError) -> ClusterRegistrationToken
    /// An existing ready token of the cluster, or a new one polled until its commands are filled in;
    /// throws `timeout` if that takes longer than `timeout`.
    func readyRegistrationToken(cluster: RancherClusterID, timeout: Duration) async throws(ClientError) -> ClusterRegistrationToken
}

extension ClientError {
    /// 422 `InvalidAction`: the action is not offered for the node right now. After a cordon or
    /// drain that we (or an earlier attempt) already sent, that means "done".
    public var isRancherInvalidAction: Bool { statusCode == 422 && code == "InvalidAction" }

    /// 404 from the server (Rancher `NotFound`, or a Kubernetes `NotFound` passed through).
    public var isNotFound: Bool { kind == .service && statusCode == 404 }
}

import Foundation
import RanchhandClients

/// How a cluster was built, which decides how its nodes are deleted.
public enum SandboxDistro: String, Sendable, Hashable {
    /// RKE1 custom: v3 nodes with `customConfig`; DELETE of the v3 node removes the host and its etcd member.
    case rke1
    /// RKE2/K3s provisioned by Rancher: every node mirrors a cluster-api Machine in `fleet-default`.
    case rke2, k3s
}

public struct SandboxRoles: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let etcd = SandboxRoles(rawValue: 1)
    public static let controlPlane = SandboxRoles(rawValue: 2)
    public static let worker = SandboxRoles(rawValue: 4)
    public static let all: SandboxRoles = [.etcd, .controlPlane, .worker]
}

public struct SandboxCluster: Sendable, Hashable {
    public var id: RancherClusterID
    public var name: String
    public var distro: SandboxDistro
    public var kubernetesVersion: String
    /// Node names of the etcd members. RKE1 drops a member when its node's deletion completes;
    /// RKE2/K3s when its Machine's does.
    public internal(set) var etcdMembers: Set<String> = []
    /// The provisioning cluster's annotations (RKE2/K3s): `rke.cattle.io/delete-missing-custom-machines-after`
    /// turns on Rancher's deletion of Machines whose Node is gone.
    public internal(set) var provisioningAnnotations: [String: String] = [:]
}

/// What a test says about a node it adds; the sandbox fills in ids, the Machine and annotations.
public struct SandboxNodeSpec: Sendable, Hashable {
    public var name: String
    public var roles: SandboxRoles
    public var ipAddress: String
    public var externalIPAddress: String
    /// Stamped as the label `ranchhand.io/instance-id` (as bootstrap does) and, with a cloud
    /// provider, in `providerId`.
    public var instanceID: String?
    /// Sets `providerId` to `aws:///<zone>/<instance>` (a cloud provider or CCM is running).
    public var awsProviderID: Bool
    public var availabilityZone: String
    public var labels: [String: String]
    public var annotations: [String: String]
    public var ready: Bool

    public init(
        name: String, roles: SandboxRoles = .worker, ipAddress: String = "10.0.0.10", externalIPAddress: String = "",
        instanceID: String? = nil, awsProviderID: Bool = false, availabilityZone: String = "eu-west-1a",
        labels: [String: String] = [:], annotations: [String: String] = [:], ready: Bool = true
    ) {
        self.name = name
        self.roles = roles
        self.ipAddress = ipAddress
        self.externalIPAddress = externalIPAddress
        self.instanceID = instanceID
        self.awsProviderID = awsProviderID
        self.availabilityZone = availabilityZone
        self.labels = labels
        self.annotations = annotations
        self.ready = ready
    }

    public static let instanceIDLabel = "ranchhand.io/instance-id"
}

/// A drain Rancher is running or has run on a node.
public enum SandboxDrain: Sendable, Hashable {
    case running(completes: SandboxClock.Instant, failure: String?)
    case succeeded
    case failed(message: String)

    /// Failures Rancher shows as `cordoned` (the normal actions return) rather than `error`.
    static func isIgnorable(_ message: String) -> Bool {
        ["--ignore-daemonsets", "--delete-emptydir-data", "--force", "did not complete within", "global timeout reached"]
            .contains { message.contains($0) }
    }
}

/// A node as the sandbox holds it: one record behind the v3 node, the Kubernetes Node and (RKE2/K3s)
/// the Machine's node.
public struct SandboxNode: Sendable, Hashable {
    public var id: RancherNodeID
    public var clusterID: RancherClusterID
    public var nodeName: String
    public var hostname: String
    public var ipAddress: String
    public var externalIPAddress: String
    public var providerID: String
    public var roles: SandboxRoles
    public var labels: [String: String]
    public var annotations: [String: String]
    public var ready: Bool
    public var unschedulable: Bool
    /// RKE1 custom nodes (registered with the agent's docker command).
    public var hasCustomConfig: Bool
    public internal(set) var drain: SandboxDrain?
    /// Set by DELETE: the node shows `removing` until then, and is gone after.
    public internal(set) var removalCompletes: SandboxClock.Instant?
    public internal(set) var uuid: String
    public internal(set) var created: SandboxClock.Instant

    public var machine: MachineRef? { MachineRef(annotations: annotations) }

    /// Rancher's summarised state, in the order its summarizer and node store decide it.
    public var state: RancherNodeState {
        if removalCompletes != nil { return .removing }
        switch drain {
        case .running: return .draining
        case .succeeded where unschedulable: return .drained
        case .failed(let message) where !SandboxDrain.isIgnorable(message): return .error
        default: break
        }
        if !ready { return .unavailable }
        return unschedulable ? .cordoned : .active
    }

    /// The actions Rancher's node formatter offers now (`pkg/api/norman/customization/node/node.go`).
    public var offeredActions: [RancherNodeAction] {
        let state = self.state
        guard roles.contains(.worker), [.active, .cordoned, .draining, .drained].contains(state) else { return [] }
        if state == .draining { return [.stopDrain] }
        var actions: [RancherNodeAction] = [unschedulable ? .uncordon : .cordon]
        if state != .drained { actions.append(.drain) }
        return actions
    }
}

/// A cluster-api Machine (RKE2/K3s).
public struct SandboxMachine: Sendable, Hashable {
    public var ref: MachineRef
    public var clusterID: RancherClusterID
    public var nodeName: String
    public internal(set) var deletionRequested: SandboxClock.Instant?
    public internal(set) var deletionCompletes: SandboxClock.Instant?
    /// When its Kubernetes Node was deleted while the Machine stayed.
    public internal(set) var nodeGoneSince: SandboxClock.Instant?
    public var phase: String { deletionRequested == nil ? "Running" : "Deleting" }
}

public struct SandboxRegistrationToken: Sendable, Hashable {
    public var id: RegistrationTokenID
    public var clusterID: RancherClusterID
    public var name: String
    public var token: String
    public var created: SandboxClock.Instant
    /// Commands stay empty until then, as Rancher fills them in asynchronously.
    public var commandsReadyAt: SandboxClock.Instant
}

/// One deletion the fake was asked for: which node, how (the v3 node or its Machine), when, and the
/// pods (other than DaemonSet pods and finished ones) still bound to the node at that moment.
public struct SandboxDeletion: Sendable, Hashable {
    public enum Kind: String, Sendable { case v3Node = "v3-node", machine }
    public var nodeName: String
    public var clusterID: RancherClusterID
    public var kind: Kind
    public var at: Date
    public var podsBound: [String]
}

import Foundation
import RanchhandClients
import RanchhandEvents

/// The AWS clients the agent needs, for the region it learns from IMDS.
public struct BootstrapAWSClients: Sendable {
    public var autoScaling: any AutoScalingClient
    public var ec2: any EC2Client
    public var ssm: any SSMClient

    public init(autoScaling: any AutoScalingClient, ec2: any EC2Client, ssm: any SSMClient) {
        self.autoScaling = autoScaling
        self.ec2 = ec2
        self.ssm = ssm
    }
}

/// Makes the clients whose configuration the agent learns as it goes (the region from IMDS, the
/// Rancher URL and token from SSM). The executable builds live ones; tests point them at moto
/// and the sandbox.
public protocol BootstrapConnector: Sendable {
    func aws(region: AWSRegion) throws(BootstrapError) -> BootstrapAWSClients
    /// A client that pins Rancher's CA when `caChecksum` is given.
    func rancher(url: String, token: BootstrapSecret, caChecksum: String?) throws(BootstrapError) -> any RancherClient
    /// sha256 (hex) of Rancher's `cacerts` value plus a trailing newline, as Rancher computes it.
    func caChecksum(of caCertificates: String) -> String
}

/// Who-am-I and the facts the planner needs, read (never changed) in this order: IMDS, the
/// group (instance tags, else EC2), the launch hook, SSM, Rancher, the host.
struct BootstrapGathering: Sendable {
    let metadata: any InstanceMetadataClient
    let connector: any BootstrapConnector
    let files: RootedFileSystem

    func identity() async throws(BootstrapError) -> (NodeIdentity, TargetLifecycleState, BootstrapAWSClients) {
        do {
            let instance = try await metadata.instanceMetadata()
            let target = TargetLifecycleState(metadataValue: try await metadata.targetLifecycleState())
            let aws = try connector.aws(region: instance.region)
            var group = instance.tags?[NodeIdentity.groupTag]
            if group == nil, let tags = try await metadata.instanceTags() { group = tags[NodeIdentity.groupTag] }
            if group == nil {
                let described = try await aws.ec2.describeInstances(DescribeInstancesRequest(instanceIDs: [instance.instanceID]))
                group = described.first { $0.instanceID == instance.instanceID }?.autoScalingGroup?.rawValue
            }
            return (NodeIdentity(instance, group: group.map(AutoScalingGroupName.init(rawValue:))), target, aws)
        } catch let error as BootstrapError {
            throw error
        } catch {
            throw BootstrapError(.identity, "who-am-I failed: \(error)")
        }
    }

    /// The group's launch hook (the one named by `lifecycle-hook` when there are several) and the
    /// instance's lifecycle state; nil when the group has no launch hook.
    func launchHook(_ identity: NodeIdentity, named wanted: LifecycleHookName?, aws: BootstrapAWSClients) async throws(BootstrapError) -> LaunchHookFacts? {
        guard let group = identity.group else { return nil }
        do {
            let hooks = try await aws.autoScaling.describeLifecycleHooks(group).filter { $0.transition == .launching }
            let hook: LifecycleHook
            if let wanted {
                guard let named = hooks.first(where: { $0.name == wanted }) else {
                    throw BootstrapError(.configuration, "lifecycle-hook \(wanted) is not a launch hook of \(group) (it has: \(hooks.map(\.name.rawValue).joined(separator: ", ")))")
                }
                hook = named
            } else if hooks.count == 1 {
                hook = hooks[0]
            } else if hooks.isEmpty {
                return nil
            } else {
                throw BootstrapError(.configuration, "\(group) has \(hooks.count) launch hooks (\(hooks.map(\.name.rawValue).joined(separator: ", "))): "
                                     + "set lifecycle-hook to the one this agent completes")
            }
            let state = try await aws.autoScaling.describeAutoScalingInstances([identity.instanceID]).first { $0.instanceID == identity.instanceID }?.lifecycleState
            let action = LifecycleActionReference(group: group, hook: hook.name, instanceID: identity.instanceID, token: nil)
            return LaunchHookFacts(action: action, hook: hook, instanceState: state)
        } catch let error as BootstrapError {
            throw error
        } catch {
            throw BootstrapError(.identity, "cannot read the launch hook of \(group): \(error)")
        }
    }

    /// Every parameter under `prefix`, SecureStrings decrypted.
    func parameters(_ prefix: String, group: AutoScalingGroupName?, aws: BootstrapAWSClients) async throws(BootstrapError) -> (SettingsLayer, SettingsLayer) {
        do {
            let path = prefix.count > 1 && prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
            let parameters = try await aws.ssm.getParametersByPath(path, recursive: true, decrypt: true)
            return try SettingsLayer.parameterStore(parameters, prefix: prefix, group: group)
        } catch let error as BootstrapError {
            throw error
        } catch {
            throw BootstrapError(.configuration, "cannot read SSM parameters under \(prefix): \(error)")
        }
    }

    /// Rancher's answers about the cluster and this node, through a client built from settings.
    func rancher(_ settings: BootstrapSettings, identity: NodeIdentity) async throws(BootstrapError) -> (RancherFacts, any RancherClient) {
        guard let url = settings.rancherURL, let token = settings.rancherToken, let reference = settings.cluster else {
            let missing = [("rancher-url", settings.rancherURL == nil), ("rancher-token", settings.rancherToken == nil), ("cluster-id or cluster-name", settings.cluster == nil)]
                .filter(\.1).map(\.0)
            throw BootstrapError(.configuration, "missing settings: \(missing.joined(separator: ", ")) (flags, RANCHHAND_* variables, the config file or SSM)")
        }
        let client = try connector.rancher(url: url, token: token, caChecksum: settings.caChecksum)
        do {
            let found: RancherCluster? = switch reference {
            case .id(let id): try await client.cluster(id: id)
            case .name(let name): try await client.cluster(named: name)
            }
            guard let cluster = found else { throw BootstrapError(.rancher, "\(reference) does not exist in Rancher at \(url)") }
            guard let kind = ClusterKind(cluster) else {
                throw BootstrapError(.rancher, "cluster \(cluster.name) (\(cluster.id)) is \(cluster.driver.isEmpty ? "not provisioned by Rancher" : cluster.driver): "
                                     + "only RKE1 custom clusters and RKE2/K3s clusters provisioned by Rancher take custom nodes")
            }
            let version = try await client.serverVersion()
            if kind == .rke1, Self.minor(of: version) >= 12 {
                throw BootstrapError(.rancher, "Rancher \(version) has no RKE1 (removed in 2.12), yet \(cluster.id) looks like an RKE1 cluster")
            }
            let configuredImage = try await client.setting("agent-image")?.value ?? ""
            let image = configuredImage.range(of: #"^[A-Za-z0-9][A-Za-z0-9._/:@-]*$"#, options: .regularExpression) != nil
                ? configuredImage : "rancher/rancher-agent:\(version)"
            let caCertificates = try await client.setting("cacerts")?.value ?? ""
            let checksum = caCertificates.isEmpty ? nil : connector.caChecksum(of: caCertificates)
            if let expected = settings.caChecksum, let checksum, expected != checksum {
                throw BootstrapError(.rancher, "Rancher's CA has checksum \(checksum), not the configured ca-checksum \(expected)")
            }
            let node = try await HostProbe.node(of: identity.instanceID, in: cluster.id, rancher: client)
            var facts = RancherFacts(serverURL: url, serverVersion: version, cluster: cluster, kind: kind, agentImage: image,
                                     caCertificates: caCertificates, caChecksum: checksum, node: node)
            facts.tokenScope = await Self.tokenScope(of: client, besides: cluster.id)
            return (facts, client)
        } catch let error as BootstrapError {
            throw error
        } catch {
            throw BootstrapError(.rancher, "Rancher at \(url) cannot be used: \(error)")
        }
    }

    /// Only ever a warning: the join does not need the list, and a list that fails proves nothing.
    static func tokenScope(of client: any RancherClient, besides own: RancherClusterID) async -> TokenScope {
        do {
            let others = try await client.clusters().map(\.id).filter { $0 != own }.sorted { $0.rawValue < $1.rawValue }
            return others.isEmpty ? .onlyThisCluster : .alsoSees(others)
        } catch {
            return .unchecked("\(error)")
        }
    }

    func host() -> HostFacts {
        let release = files.read("/etc/os-release") ?? files.read("/usr/lib/os-release")
        return HostFacts(operatingSystem: OperatingSystem(osRelease: release?.contents ?? ""),
                         dockerDaemonJSON: files.read(HostFiles.dockerDaemonPath)?.contents)
    }

    static func minor(of version: String) -> Int {
        let parts = version.drop { $0 == "v" }.split(separator: ".")
        return parts.count > 1 ? Int(parts[1].prefix { $0.isNumber }) ?? 0 : 0
    }
}

import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandSandbox

/// Step 1 of the demo: a launch lifecycle event → the bootstrap agent's plan for the new worker (the
/// real `BootstrapDecision` over facts read from the sandbox's IMDS and Rancher) → its join into the
/// sandbox's Rancher. No command runs: they are printed, the registration token redacted, and the
/// node the join would create is registered in the sandbox from the join command's own argv (as the
/// bootstrap integration tests' host does), so the later steps see it.
struct DemoBootstrap {
    let sandbox: Sandbox
    /// The cluster the new worker joins (the one the scale-in step works on).
    let cluster: RancherClusterID

    /// How the sandbox's IMDS answers: the instance of `DemoEvents.launchLifecycle`.
    static func imds(_ configuration: inout IMDSConfiguration) {
        configuration.instanceID = "i-0c564ed9daf0e846a"
        configuration.region = "eu-west-1"
        configuration.availabilityZone = "eu-west-1b"
        configuration.localIPv4 = "10.0.2.31"
        configuration.publicIPv4 = nil
        configuration.localHostname = "ip-10-0-2-31.eu-west-1.compute.internal"
        configuration.hostname = "ip-10-0-2-31.eu-west-1.compute.internal"
        configuration.instanceTags = ["Name": "rancher-prod-workers", NodeIdentity.groupTag: "rancher-prod-workers"]
    }

    func run(transport: AsyncHTTPTransport) async throws {
        var logger = Logger(label: "demo")
        logger.logLevel = .warning
        let record = try `require`(try EventDecoder.decode(DemoEvents.launchLifecycle).first, "the demo's launch event did not decode")
        guard case .lifecycleAction(let event)? = record.payload, event.transition == .launching else {
            throw DemoFailure("the demo's launch event is not a launch lifecycle action")
        }
        print("   event: \(event.transition.rawValue) \(event.instanceID) in \(event.groupName), hook \(event.hookName)")
        print("   hook metadata: \(event.notificationMetadata ?? "none")")

        // What the agent learns on the node: IMDSv2 (the sandbox's), the hook from the event, Rancher's answers.
        let metadata = LiveInstanceMetadataClient(configuration: InstanceMetadataConfiguration(endpoint: sandbox.httpURL!), transport: transport,
                                                  now: { Date() })
        let identity = NodeIdentity(try await metadata.instanceMetadata(), group: event.groupName)
        let rancher = LiveRancherClient(configuration: RancherConfiguration(baseURL: sandbox.httpURL!, token: RancherAPIToken(sandbox.apiToken)),
                                        transport: transport, logger: logger)
        let found = try await rancher.cluster(id: cluster)
        let rancherCluster = try `require`(found, "the sandbox has no cluster \(cluster)")
        let kind = try `require`(ClusterKind(rancherCluster), "\(cluster) takes no custom nodes")
        let caCertificates = try await rancher.setting("cacerts")?.value ?? ""
        let caChecksum = caCertificates.isEmpty ? nil : RancherCAChecksum.of(caCertificates: caCertificates)
        let settings = try BootstrapSettings.resolve([
            SettingsLayer(source: "demo", values: ["rancher-url": sandbox.httpURL!, "rancher-token": sandbox.apiToken, "cluster-id": cluster.rawValue]),
            SettingsLayer.hookMetadata(event.notificationMetadata),
        ]).settings
        let facts = RancherFacts(serverURL: sandbox.httpURL!, serverVersion: try await rancher.serverVersion(), cluster: rancherCluster, kind: kind,
                                 agentImage: "", caCertificates: caCertificates, caChecksum: caChecksum, node: nil)
        let hook = LaunchHookFacts(
            action: LifecycleActionReference(group: event.groupName, hook: event.hookName, instanceID: event.instanceID, token: nil),
            hook: LifecycleHook(name: event.hookName, transition: .launching, heartbeatTimeout: 1200, globalTimeout: 120_000, defaultResult: .abandon,
                                notificationMetadata: event.notificationMetadata),
            instanceState: "Pending:Wait")
        let inputs = BootstrapInputs(
            settings: settings, identity: identity, target: .inService, launchHook: hook,
            host: HostFacts(operatingSystem: OperatingSystem(id: "debian", versionID: "12", prettyName: "Debian GNU/Linux 12 (bookworm)")),
            rancher: facts)
        let plan = BootstrapDecision.plan(inputs)
        print("   plan: \(plan.summary)")
        for (index, step) in plan.steps.enumerated() { print("     \(index + 1). \(step.title)") }

        // The join, printed with the token redacted; then the node the agent would register.
        let join = try `require`(plan.steps.first { $0.id == .joinRancher }, "the plan has no join step")
        let token = try await rancher.readyRegistrationToken(cluster: cluster, timeout: .seconds(10))
        let commands = join.actions.compactMap { action -> HostCommand? in if case .run(let command) = action { command } else { nil } }
        for command in commands {
            let shown = command.needsRegistrationToken
                ? command.description.replacingOccurrences(of: "<registration token, fetched when the step runs>",
                                                           with: "<redacted: registration token \(token.id), \(token.token.count) characters>")
                : command.description
            print("   $ \(shown)")
        }
        let agent = try `require`(commands.last { $0.needsRegistrationToken }, "the join step runs no agent")
        let node = await sandbox.world.addNode(Self.registration(from: agent.argv), to: cluster)
        print("   (not executed) the agent would register \(node.nodeName); the sandbox's Rancher now lists it as \(node.id)")
        let joined = try await rancher.nodes(matching: RancherNodeFilter(clusterID: cluster, labels: [JoinCommands.instanceIDLabel: identity.instanceID.rawValue]))
        print("   Rancher: \(joined.map { "\($0.id) \($0.state.rawValue)" }.joined(separator: ", ")); "
              + "then CompleteLifecycleAction \(event.hookName) \(event.instanceID) CONTINUE (dry run)")
    }

    /// The node a join command registers: name, addresses, roles and labels read from its argv.
    static func registration(from argv: [String]) -> SandboxNodeSpec {
        SandboxNodeSpec(joinArguments: argv)
    }
}

struct DemoFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private func `require`<T>(_ value: T?, _ what: String) throws -> T {
    guard let value else { throw DemoFailure(what) }
    return value
}

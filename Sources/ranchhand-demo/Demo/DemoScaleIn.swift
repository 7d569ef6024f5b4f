import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda
import RanchhandSandbox

/// Step 2 of the demo: the real scale-in handler, live Rancher and Kubernetes clients, against the
/// sandbox. AWS is dry-run unless AWS_ENDPOINT_URL is set.
struct DemoScaleIn {
    let sandbox: Sandbox
    let environment: [String: String]

    static let event = #"""
    {"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"EC2 Instance-terminate Lifecycle Action","source":"aws.autoscaling","account":"123456789012","time":"2026-11-20T14:21:38Z","region":"eu-west-1","resources":["arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:4a5c2a1e-7b1f-4d8e-9a2b-0c3d4e5f6a7b:autoScalingGroupName/edge-workers"],"detail":{"LifecycleActionToken":"c3d2a1b0-9f8e-4d7c-8b6a-5f4e3d2c1b0a","AutoScalingGroupName":"edge-workers","LifecycleHookName":"ranchhand-terminate","EC2InstanceId":"i-0e1d2c3b4a5f60101","LifecycleTransition":"autoscaling:EC2_INSTANCE_TERMINATING","Origin":"AutoScalingGroup","Destination":"EC2"}}
    """#

    func run() async throws {
        try await AsyncHTTPTransport.scoped { transport in try await run(transport: transport) }
    }

    private func run(transport: AsyncHTTPTransport) async throws {
        let say: @Sendable (String) -> Void = { print($0) }
        var logger = Logger(label: "demo")
        logger.logLevel = .warning
        let cluster = SandboxWorld.standardRKE2Cluster
        let rancher = LiveRancherClient(configuration: RancherConfiguration(baseURL: sandbox.httpURL!, token: RancherAPIToken(sandbox.apiToken)),
                                        transport: transport, logger: logger)
        let kubernetes = LiveKubernetesClient(configuration: .throughRancher(rancher.configuration, cluster: cluster, trust: .systemRoots),
                                              transport: transport, logger: logger)
        let (autoScaling, ec2): (any AutoScalingClient, any EC2Client)
        if environment["AWS_ENDPOINT_URL"] != nil {
            let aws = try await AWSEnvironment.sender(environment: environment, transport: transport, logger: logger)
            (autoScaling, ec2) = (LiveAutoScalingClient(sender: aws), LiveEC2Client(sender: aws))
            say("   AWS calls go to \(environment["AWS_ENDPOINT_URL"]!)")
        } else {
            (autoScaling, ec2) = (DryRunAutoScaling(say: say), DryRunEC2())
        }
        let world = LiveScaleInWorld(rancher: rancher, ec2: ec2, autoScaling: autoScaling, cluster: cluster, budgetWindow: 1800)
        let policy = ScaleInPolicy(drain: DrainOptions(deleteLocalData: true, timeout: 60))
        let executor = ScaleInExecutor(rancher: rancher, kubernetes: kubernetes, autoScaling: autoScaling, world: world, policy: policy,
                                       timing: ScaleInTiming(heartbeatInterval: .seconds(1), pollInterval: .milliseconds(300)), logger: logger)
        let handler = ScaleInRecordHandler(world: world, executor: executor, policy: policy)
        // Stamp the event with the current time, so the hook's global timeout lies ahead as in real life.
        let now = Date().ISO8601Format()
        let record = try `require`(try EventDecoder.decode(Self.event.replacingOccurrences(of: "2026-11-20T14:21:38Z", with: now)).first)
        guard case .lifecycleAction(let event)? = record.payload else { return }
        let plan = ScaleInDecision.plan(for: event, cluster: try await world.snapshot(for: event), policy: policy)
        say("   plan: \(plan.verdict.rawValue) — \(plan.reason)")
        for step in plan.steps { say("     · \(step.action)") }
        let started = Date()
        let outcome = await handler.handle(record, context: HandlingContext(deadline: Date().addingTimeInterval(120), logger: logger))
        say("   outcome: \(outcome) after \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        let remaining = await sandbox.world.nodes(in: cluster).map(\.nodeName).sorted()
        say("   nodes left in edge: \(remaining.joined(separator: ", "))")
    }
}

private struct MissingValue: Error, CustomStringConvertible {
    var description: String { "the demo event did not decode" }
}

private func `require`<T>(_ value: T?) throws -> T {
    guard let value else { throw MissingValue() }
    return value
}

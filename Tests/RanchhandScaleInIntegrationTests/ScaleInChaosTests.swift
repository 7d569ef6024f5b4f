import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// 100 scale-ins in poller mode with ~30 % of the requests to Rancher (the sandbox's fault
/// injection) and to AWS (a fault proxy of this test's own in front of moto) failing: throttling,
/// 5xx, timeouts (latency past the client's timeout; the request is still applied), connections
/// dropped before and after the request was applied, truncated bodies. Every hook must end
/// completed, every victim's node gone, every other node untouched. Then every event is delivered
/// twice more, without faults: nothing destructive may happen again. `RANCHHAND_CHAOS_LOG=info`
/// shows the handler's log (errors only by default).
@Suite struct ScaleInChaosTests {
    static let workerGroups = 4, workersPerGroup = 30, workerVictimsPerGroup = 24
    static let etcdMembers = 7, etcdVictims = 4
    /// AWS: five rules apply to every request at 7 % each, 1 - 0.93^5 ≈ 30 %. Rancher: 1 - 0.92^3 × 0.93 × 0.98 ≈ 29 %,
    /// truncated bodies rarer than the rest (a truncated 200 is not retried by design, so each one costs a redelivery).
    static let faultShare = 0.07
    static let rancherFaults: [(FaultEffect, Double)] = [
        (.status(429), 0.08), (.status(503), 0.08), (.dropConnection, 0.08), (.latency(.milliseconds(800)), 0.07), (.malformedBody, 0.02),
    ]

    @Test func hundredScaleInsUnderThirtyPercentFaultsLeaveNoStaleNodeNoWrongDeletionNoDuplicateEffect() async throws {
        var quiet = Logger(label: "test.chaos")
        quiet.logLevel = ProcessInfo.processInfo.environment["RANCHHAND_CHAOS_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        let harness = try await ScaleInHarness.start(drainDuration: .milliseconds(50), removalDuration: .milliseconds(40))
        defer { Task { await harness.sandbox.stop() } }
        let moto = try await MotoServer.shared.endpoints().moto
        let proxyServer = try await MotoServer.startFaultProxy(upstream: moto)
        let fleet = ScaleInFleet(endpoint: moto)

        // The fleet: four worker groups and one etcd/control-plane group, all hooks on one queue.
        let created = try await fleet.create(MotoServer.uniqueName("chaos"),
                                             groups: (0..<Self.workerGroups).map { ScaleInFleet.GroupSpec(suffix: "w\($0)", size: Self.workersPerGroup) }
                                                 + [ScaleInFleet.GroupSpec(suffix: "etcd", size: Self.etcdMembers)])
        var victims: [String] = [], survivors: [String] = []
        var nodeOf: [String: SandboxNode] = [:]
        for (groupIndex, group) in created.groups.enumerated() {
            let isEtcd = groupIndex == Self.workerGroups
            for (index, instance) in group.instanceIds.enumerated() {
                nodeOf[instance] = await harness.sandbox.world.addNode(
                    SandboxNodeSpec(name: "\(isEtcd ? "etcd" : "w\(groupIndex)")-\(index)", roles: isEtcd ? [.etcd, .controlPlane] : .worker,
                                    ipAddress: "10.2.\(groupIndex).\(index + 10)", instanceID: instance),
                    to: harness.cluster)
                if index < (isEtcd ? Self.etcdVictims : Self.workerVictimsPerGroup) { victims.append(instance) } else { survivors.append(instance) }
            }
        }
        #expect(victims.count == 100)
        let etcdSurvivors = created.groups[Self.workerGroups].instanceIds.dropFirst(Self.etcdVictims).map { nodeOf[$0]!.nodeName }.sorted()

        // Faults on both sides, then the 100 terminations.
        for (effect, probability) in Self.rancherFaults {
            await harness.sandbox.faults.inject(effect, on: .anyRequest, probability: probability)
        }
        let proxy = ProxyControl(url: proxyServer.url)
        try await proxy.post("/__faults__/rules", Self.awsFaultRules.replacingOccurrences(of: "SHARE", with: "\(Self.faultShare)"))
        try await fleet.terminate(victims)

        let gate = ClusterGate()
        let recorder = RecordingHandler(inner: chaosHandler(harness, awsEndpoint: proxyServer.url, gate: gate, logger: quiet))
        // Longer than the 1 s long poll, shorter than the injected 2 s latency.
        let sqs = Self.sender(proxyServer.url, timeout: .milliseconds(1500))
        let poller = SQSPoller(sqs: LiveSQSClient(sender: sqs), processor: BatchProcessor(handler: recorder),
                               settings: SQSPoller.Settings(queue: SQSQueueURL(created.queueUrl), concurrency: 10, visibilityTimeoutSeconds: 6,
                                                            waitTimeSeconds: 1, retryDelaySeconds: 0, holdDelaySeconds: 0),
                               logger: quiet, sleep: { try await Task.sleep(for: $0 / 3) })  // back-offs and visibility extensions, 3× faster
        let allGroups = created.groups.map(\.group)
        let giveUp = ContinuousClock.now + .seconds(150)
        let victimSet = Set(victims)
        await poller.run(shouldStop: { victimSet.isSubset(of: await recorder.store.completed) || ContinuousClock.now > giveUp })
        let finished = victimSet.isSubset(of: await recorder.store.completed)

        // Every hook completed: the victims are terminated, nothing waits, the survivors serve.
        let states = try await fleet.states(groups: allGroups, instanceIDs: victims + survivors)
        let unfinished = victimSet.subtracting(await recorder.store.completed).sorted()
        #expect(finished, "hooks not completed within 150 s: \(unfinished)")
        #expect(victims.allSatisfy { states.ec2[$0] == "terminated" }, "not terminated: \(victims.filter { states.ec2[$0] != "terminated" })")
        #expect(!states.lifecycle.values.contains("Terminating:Wait"), "hooks still waiting: \(states.lifecycle.filter { $0.value == "Terminating:Wait" })")
        #expect(survivors.allSatisfy { states.lifecycle[$0] == "InService" && states.ec2[$0] == "running" })
        // No stale node, no wrong deletion, etcd's member list is the survivors'.
        var stale: [String] = [], lost: [String] = []
        for victim in victims where await harness.sandbox.world.node(nodeOf[victim]!.id) != nil { stale.append(victim) }
        for survivor in survivors where await harness.sandbox.world.node(nodeOf[survivor]!.id) == nil { lost.append(survivor) }
        #expect(stale.isEmpty, "stale Rancher nodes of terminated instances: \(stale)")
        #expect(lost.isEmpty, "nodes of instances that were not terminated were deleted: \(lost)")
        #expect(await harness.sandbox.world.etcdMembers(of: harness.cluster) == etcdSurvivors)
        let survivorTargets = survivors.flatMap { [nodeOf[$0]!.id.rawValue, "/nodes/\(nodeOf[$0]!.nodeName)"] }
        let touched = await harness.sandbox.requests().filter { request in
            request.isDestructive && survivorTargets.contains { request.path.contains($0) }
        }
        #expect(touched.isEmpty, "destructive requests on surviving nodes: \(touched.map { "\($0.method) \($0.path)" })")

        // The chaos was real: every kind fired, on both sides, near the intended share.
        let fired = await harness.sandbox.faults.fired
        #expect(fired.count == 5 && fired.values.allSatisfy { $0 > 0 }, "sandbox faults fired: \(fired)")
        let rancherRequests = await harness.sandbox.requests().count
        let rancherShare = Double(fired.values.reduce(0, +)) / Double(max(1, rancherRequests))
        let log = try await proxy.log()
        let awsShare = Double(log.filter(\.faulted).count) / Double(max(1, log.count))
        let awsKinds = Set(log.compactMap(\.fault))
        #expect((0.2...0.42).contains(rancherShare) && (0.2...0.42).contains(awsShare),
                "fault shares: Rancher \(rancherShare) of \(rancherRequests), AWS \(awsShare) of \(log.count)")
        #expect(awsKinds.count >= 5, "AWS fault kinds seen: \(awsKinds)")
        print("chaos: Rancher \(fired.values.reduce(0, +)) faults in \(rancherRequests) requests, AWS \(log.filter(\.faulted).count) in \(log.count) "
              + "(\(awsKinds.sorted().joined(separator: ", "))); \(await recorder.store.deliveries) deliveries for \(victims.count) events")
        let handledInstances = Set(await recorder.recorded.keys)
        #expect(handledInstances == victimSet, "every victim's notification was handled")

        // Replay every notification twice, without faults: no destructive request, no completion that changes state.
        await harness.sandbox.faults.clear()
        try await proxy.delete("/__faults__/rules")
        try await proxy.delete("/__faults__/log")
        let destructiveBefore = await harness.sandbox.requests().filter(\.isDestructive).count
        // The replays test idempotency, not fault tolerance: ordinary timeouts, so a loaded machine's
        // slow answers are not mistaken for a replay that did not settle.
        let handler = chaosHandler(harness, awsEndpoint: proxyServer.url, gate: gate, logger: quiet, timeouts: (aws: .seconds(10), rancher: .seconds(10)))
        // Both copies of an event at once, four events at a time.
        var outcomes: [RecordOutcome] = []
        let replayLogger = quiet
        let records = Array(await recorder.recorded.values)
        for start in stride(from: 0, to: records.count, by: 4) {
            outcomes += await withTaskGroup(of: RecordOutcome.self) { group in
                for record in records[start..<min(start + 4, records.count)] {
                    for _ in 0..<2 {
                        group.addTask { await handler.handle(record, context: HandlingContext(deadline: Date().addingTimeInterval(30), logger: replayLogger)) }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(outcomes.count == 200)
        #expect(outcomes.allSatisfy { !$0.keepsMessage }, "replays not settled: \(outcomes.filter(\.keepsMessage))")
        #expect(await harness.sandbox.requests().filter(\.isDestructive).count == destructiveBefore, "a replay repeated a destructive request")
        let replayLog = try await proxy.log()
        let completions = replayLog.filter { $0.action == "CompleteLifecycleAction" }
        #expect(!completions.isEmpty && completions.allSatisfy { $0.status == 400 },
                "replayed completions must all be refused as already done: \(completions.map { $0.status ?? 0 })")
        #expect(!replayLog.contains { $0.action == "RecordLifecycleActionHeartbeat" && $0.status == 200 })
        let after = try await fleet.states(groups: allGroups, instanceIDs: victims + survivors)
        #expect(after.ec2 == states.ec2 && after.lifecycle == states.lifecycle, "a replay changed an instance's state")
        await proxyServer.stop()
    }

    /// Throttling in each protocol's own shape, HTML 500s, connections dropped before and after the
    /// request reached moto, and latency past the clients' timeouts (moto still applies the request).
    static let awsFaultRules = #"""
        {"seed": 20261127, "rules": [
          {"match": {"service": "autoscaling"}, "fault": {"preset": "query-throttling"}, "probability": SHARE},
          {"match": {"service": "ec2"}, "fault": {"preset": "ec2-request-limit-exceeded"}, "probability": SHARE},
          {"match": {"service": "sqs"}, "fault": {"preset": "json-throttling"}, "probability": SHARE},
          {"match": {}, "fault": {"preset": "html-500"}, "probability": SHARE},
          {"match": {}, "fault": {"drop": true}, "probability": SHARE},
          {"match": {}, "fault": {"drop": true, "forward": true}, "probability": SHARE},
          {"match": {}, "fault": {"latencyMs": 2000}, "probability": SHARE}
        ]}
        """#

    static func sender(_ endpoint: String, timeout: Duration) -> AWSRequestSender {
        var logger = Logger(label: "test.chaos.aws")
        logger.logLevel = .critical
        return AWSRequestSender(transport: AWSTestContext.transport, credentials: StaticCredentialsProvider(AWSTestContext.credentials),
                                endpoints: .all(at: endpoint, region: AWSTestContext.region), retryPolicy: AWSTestContext.fastRetries,
                                timeout: timeout, logger: logger)
    }

    /// The real handler, by default with clients whose timeouts are short enough for the injected latency to be a timeout.
    func chaosHandler(_ harness: ScaleInHarness, awsEndpoint: String, gate: ClusterGate, logger: Logger,
                      timeouts: (aws: Duration, rancher: Duration) = (aws: .milliseconds(500), rancher: .milliseconds(400))) -> ScaleInRecordHandler {
        let aws = Self.sender(awsEndpoint, timeout: timeouts.aws)
        let rancher = LiveRancherClient(
            configuration: RancherConfiguration(baseURL: harness.sandbox.httpURL!, token: RancherAPIToken(harness.sandbox.apiToken),
                                                requestTimeout: timeouts.rancher, retryPolicy: AWSTestContext.fastRetries),
            transport: AWSTestContext.transport, logger: logger)
        let autoScaling = LiveAutoScalingClient(sender: aws)
        // 100 of 127 nodes on purpose: the budget would hold most of them (it has its own fleet scenario).
        var policy = ScaleInPolicy(drain: DrainOptions(timeout: 60))
        policy.budget.maximumShare = 1
        let world = LiveScaleInWorld(rancher: rancher, ec2: LiveEC2Client(sender: aws), autoScaling: autoScaling, cluster: harness.cluster, budgetWindow: 1800)
        let kubernetes = LiveKubernetesClient(configuration: .throughRancher(rancher.configuration, cluster: harness.cluster, trust: .systemRoots),
                                              transport: AWSTestContext.transport)
        let executor = ScaleInExecutor(
            rancher: rancher, kubernetes: kubernetes, autoScaling: autoScaling, world: world, policy: policy, gate: gate,
            timing: ScaleInTiming(heartbeatInterval: .seconds(1), pollInterval: .milliseconds(50)), logger: logger)
        return ScaleInRecordHandler(world: world, executor: executor, policy: policy)
    }
}

/// Hands records to the real handler; keeps the first delivery of each instance's notification and
/// which instances' hooks the handler reported completed.
actor RecordingHandlerStore {
    var recorded: [String: EventRecord] = [:]
    var completed: Set<String> = []
    var deliveries = 0

    func keep(_ record: EventRecord) {
        deliveries += 1
        guard case .lifecycleAction(let event)? = record.payload else { return }
        if recorded[event.instanceID.rawValue] == nil { recorded[event.instanceID.rawValue] = record }
    }

    func finished(_ record: EventRecord, _ outcome: RecordOutcome) {
        guard case .lifecycleAction(let event)? = record.payload, case .done = outcome else { return }
        completed.insert(event.instanceID.rawValue)
    }
}

struct RecordingHandler: EventRecordHandler {
    let inner: any EventRecordHandler
    let store = RecordingHandlerStore()

    var recorded: [String: EventRecord] { get async { await store.recorded } }

    func handle(_ record: EventRecord, context: HandlingContext) async -> RecordOutcome {
        await store.keep(record)
        let outcome = await inner.handle(record, context: context)
        await store.finished(record, outcome)
        return outcome
    }
}

extension RecordedRequest {
    /// Anything but a read: cordon/drain actions, deletions, node patches, evictions.
    var isDestructive: Bool { method != "GET" && method != "HEAD" }
}

/// The fault proxy's control API with rules as written (FaultProxy.Rule has no `probability`).
struct ProxyControl {
    let url: String

    func post(_ path: String, _ json: String) async throws {
        try await call("POST", path, Array(json.utf8))
    }

    func delete(_ path: String) async throws {
        try await call("DELETE", path, [])
    }

    func log() async throws -> [FaultProxy.LogEntry] {
        try await FaultProxy(url: url, transport: AWSTestContext.transport).log()
    }

    private func call(_ method: String, _ path: String, _ body: [UInt8]) async throws {
        let response = try await AWSTestContext.transport.send(
            HTTPRequest(method: method, url: url + path, headers: [.init("Content-Type", "application/json")], body: body),
            service: "fault-proxy", operation: "\(method) \(path)")
        guard response.isSuccess else { throw ChildProcess.Failure(description: "fault proxy \(method) \(path): HTTP \(response.status)") }
    }
}

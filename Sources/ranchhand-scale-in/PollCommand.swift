import ArgumentParser
import Foundation
import Logging
import RanchhandClients
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda

struct PollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll",
        abstract: "Long-poll an SQS queue of terminate lifecycle events and handle them until SIGTERM.",
        discussion: """
            Messages are kept invisible while they are handled, deleted when done, and left to come back \
            when work must resume later (a held refusal). Destructive steps are serialised per cluster. \
            On SIGTERM or SIGINT the poller stops receiving and waits for the messages in flight.

            With --metrics-address HOST:PORT (e.g. 127.0.0.1:9464, Prometheus' conventional port for \
            this exporter; :9464 listens on every interface; port 0 lets the kernel choose, logged as \
            "metrics endpoint listening") the poller serves GET /metrics in the Prometheus text format: \
            ranchhand_scale_in_total{decision,outcome}, counted since the process started. The endpoint \
            stops with the poller.

            Beside the workers, one loop heart-beats every hook waiting in Terminating:Wait in the groups \
            of --group/--group-prefix, and a timer runs the reconcile pass every --reconcile-interval seconds.
            """
    )

    @OptionGroup var options: ScaleInOptions
    @Option(help: "The queue's URL.") var queueURL: String
    @Option(help: "Messages handled at once (1-10).") var concurrency = 4
    @Option(help: "Visibility timeout kept on a message while it is handled, in seconds.") var visibilityTimeout = 120
    @Option(help: "Seconds before a message whose work must resume later comes back.") var retryDelay = 60
    @Option(help: ArgumentHelp("Seconds before a held message (a refusal, an empty node list) is looked at again.",
                               discussion: "Long, so a hold that lasts (a budget window, a Rancher outage) does not reach the queue's maxReceiveCount: 30 receives x 300 s = 2.5 h."))
    var holdDelay = 300
    @Option(help: "Seconds between reconcile passes (hooks nobody handles, nodes of vanished instances); 0 turns them off.")
    var reconcileInterval = 300
    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics (e.g. 127.0.0.1:9464). Off unless given.",
                               valueName: "host:port"))
    var metricsAddress: String?

    func validate() throws {
        if let metricsAddress, PrometheusEndpoint.Address(parsing: metricsAddress) == nil {
            throw ValidationError("--metrics-address must be HOST:PORT (e.g. 127.0.0.1:9464), got \"\(metricsAddress)\"")
        }
        for (name, value) in [("--retry-delay", retryDelay), ("--hold-delay", holdDelay)] where !(0...43200).contains(value) {
            throw ValidationError("\(name) must be between 0 and 43200 seconds (SQS's longest visibility timeout)")
        }
    }

    func run() async throws {
        try await Wiring.with(options, label: "ranchhand.scale-in") { wiring in try await poll(wiring) }
    }

    private func poll(_ wiring: Wiring) async throws {
        let aws = try await wiring.aws()
        let metrics = metricsAddress.map { _ in ScaleInMetrics() }
        let handler = try await wiring.handler(aws: aws, extraObservers: metrics.map { [$0] } ?? [], invisibleCluster: .holdHooks)
        let stop = ShutdownSignal.install()
        // One keeper and one reconcile timer for the process, beside the workers.
        let keeper = wiring.keeper(world: handler.world, autoScaling: LiveAutoScalingClient(sender: aws), aws: aws, cluster: try wiring.cluster().rawValue)
        let background = Task { await Self.background(keeper: keeper, handler: handler, every: .seconds(reconcileInterval), logger: wiring.logger) }
        var endpoint: PrometheusEndpoint?
        if let metrics, let address = metricsAddress.flatMap(PrometheusEndpoint.Address.init(parsing:)) {
            endpoint = try await PrometheusEndpoint.start(at: address, logger: wiring.logger) { await metrics.prometheusText() }
        }
        let settings = SQSPoller.Settings(queue: SQSQueueURL(queueURL), concurrency: concurrency,
                                          visibilityTimeoutSeconds: visibilityTimeout, retryDelaySeconds: retryDelay,
                                          holdDelaySeconds: holdDelay)
        let poller = SQSPoller(sqs: LiveSQSClient(sender: aws), processor: BatchProcessor(handler: handler), settings: settings, logger: wiring.logger)
        wiring.logger.info("polling", metadata: ["queue": "\(queueURL)", "concurrency": "\(concurrency)"])
        let handled = await poller.run(shouldStop: { stop.isRaised })
        background.cancel()
        await background.value
        await endpoint?.stop()
        wiring.logger.info("stopped", metadata: ["messages_handled": "\(handled)"])
    }

    /// The process's hook keeper and reconcile timer (every `period`; none when zero), until cancelled.
    static func background(keeper: WaitingHookKeeper?, handler: ScaleInRecordHandler, every period: Duration, logger: Logger) async {
        await withTaskGroup(of: Void.self) { group in
            if let keeper { group.addTask { await keeper.run() } }
            guard period > .zero else { return }
            group.addTask {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: period) } catch { return }
                    let seconds = Double(period.components.seconds) + Double(period.components.attoseconds) / 1e18
                    let context = HandlingContext(deadline: Date().addingTimeInterval(seconds), logger: logger)
                    switch await handler.reconcile(dryRun: false, now: Date(), context: context) {
                    case .success(let findings): ReconcileFinding.log(findings, to: logger)
                    case .failure(let failure): logger.error("reconcile pass stopped", metadata: ["reason": "\(failure)"])
                    }
                }
            }
        }
    }
}

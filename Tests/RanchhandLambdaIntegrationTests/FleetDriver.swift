import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHTTP
import RanchhandLambda
import RanchhandTestSupport
import Testing

/// How a fleet scenario's records reach the handler: `poll` as its process wires it (the receive
/// loop, the hook keeper, the reconcile timer), or `lambda`: the function as deployed — the packaged
/// binary under one Runtime Interface Emulator per concurrent execution, behind the emulated event
/// source mapping, configured through SSM, with the schedule rule's events in the queue.
enum FleetDriver: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case poll, lambda
    var testDescription: String { rawValue }
}

/// One scenario's delivery path, started once and run in phases: a warm function stays warm (and
/// keeps its Rancher token) from one phase to the next, as the poller keeps its clients.
struct FleetSession: Sendable {
    let driver: FleetDriver
    let scenario: FleetScenario
    let created: ScaleInFleet.Created
    private let function: LambdaFunction?
    private let mapping: EventSourceMappingEmulator?

    static func start(_ driver: FleetDriver, _ scenario: FleetScenario, _ created: ScaleInFleet.Created) async throws -> FleetSession {
        guard driver == .lambda else { return FleetSession(driver: driver, scenario: scenario, created: created, function: nil, mapping: nil) }
        let function = try await LambdaFunction.deploy(scenario)
        let mapping = try await function.mapping(from: created, scenario)
        return FleetSession(driver: driver, scenario: scenario, created: created, function: function, mapping: mapping)
    }

    /// Delivers until `done` holds or `timeout` passes; true when done.
    func run(timeout: Duration, until done: @escaping @Sendable () async throws -> Bool) async throws -> Bool {
        guard let function, let mapping else { return try await scenario.poll(queue: created.queueUrl, timeout: timeout, until: done) }
        let queue = SQSQueueURL(created.queueUrl), period = scenario.settings.reconcilePeriod
        let schedule = Task { try await function.sendScheduledEvents(to: queue, every: period) }
        defer { schedule.cancel() }
        let limit = ContinuousClock.now + timeout
        await mapping.run(shouldStop: { (try? await done()) == true || ContinuousClock.now > limit })
        return try await done()
    }

    /// What the handler logged at warning and above, each line's JSON fields: the function's output
    /// in Lambda mode, poll's own log in poll mode. Alerts are built on these lines.
    func logLines() -> [[String: String]] {
        let text = mapping?.output(tail: Int.max) ?? scenario.log.text
        return text.split(separator: "\n").compactMap { line -> [String: String]? in
            guard line.first == "{", let value = try? JSONValue.parse(Array(line.utf8)), case .object(let fields) = value,
                  fields["message"] != nil else { return nil }
            return fields.compactMapValues(\.stringValue)
        }
    }

    /// Lines whose message starts with `message`.
    func logLines(_ message: String) -> [[String: String]] {
        logLines().filter { $0["message"]?.hasPrefix(message) == true }
    }

    /// The mapping's statistics in Lambda mode.
    var statistics: EventSourceMappingEmulator.Statistics? {
        get async { await mapping?.statistics }
    }

    /// Messages the queue's redrive policy moved to its dead-letter queue.
    func deadLettered() async throws -> Int {
        let sqs = LiveSQSClient(sender: scenario.aws)
        let dlq = SQSQueueURL(created.queueUrl + "-dlq")
        var count = 0
        while true {
            let batch = try await sqs.receiveMessages(ReceiveMessagesRequest(queue: dlq, maximumMessages: 10, waitTimeSeconds: 0,
                                                                              visibilityTimeoutSeconds: 600))
            if batch.isEmpty { return count }
            count += batch.count
        }
    }

    func stop() {
        mapping?.stop()
        function?.cleanUp()
    }
}

/// A scenario's own log (poll mode): the JSON lines the Lambda runtime would write, kept for the
/// assertions an operator's alert would make.
final class FleetLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func logger(_ label: String, level: Logger.Level = .warning) -> Logger {
        Logger(label: label) { label in JSONLogHandler(label: label, level: level) { [self] line in append(line) } }
    }

    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    private func append(_ line: String) { lock.withLock { lines.append(line) } }
}

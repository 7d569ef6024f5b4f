import Foundation
import Logging
import RanchhandClients
import RanchhandHandlers
import RanchhandHTTP
import RanchhandLambda
import RanchhandTestSupport
@testable import ranchhand_scale_in

extension FleetScenario {
    /// `poll` as deployed, compressed: its receive loop on `queue` and its background work (the hook
    /// keeper and the reconcile timer), until `done` holds or `timeout` passes. True when done.
    func poll(queue: String, timeout: Duration,
              until done: @escaping @Sendable () async throws -> Bool) async throws -> Bool {
        let (handler, keeper, pollSettings, reconcileEvery) = try handler()
        var settings = pollSettings
        settings.queue = SQSQueueURL(queue)
        let poller = SQSPoller(sqs: LiveSQSClient(sender: aws), processor: BatchProcessor(handler: handler), settings: settings, logger: logger)
        let logger = logger
        let background = Task { await PollCommand.background(keeper: keeper, handler: handler, every: .milliseconds(Int64(reconcileEvery * 1000)), logger: logger) }
        let running = Task { await poller.run(shouldStop: { (try? await done()) == true }) }
        let finished = try await Self.eventually(timeout: timeout, done)
        running.cancel()
        background.cancel()
        _ = await running.value
        await background.value
        return finished
    }

    /// Checks `done` once a second until it holds or `timeout` passes.
    static func eventually(timeout: Duration, _ done: @Sendable () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await done() { return true }
            try await Task.sleep(for: .seconds(1))
        }
        return try await done()
    }

    /// Every one of `victims` terminated in EC2.
    func allTerminated(_ victims: [String], groups: [String]) -> @Sendable () async throws -> Bool {
        let fleet = fleet
        return {
            let states = try await fleet.states(groups: groups, instanceIDs: victims)
            return victims.allSatisfy { states.ec2[$0] == "terminated" }
        }
    }
}

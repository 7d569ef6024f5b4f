import Foundation
import Logging
import RanchhandEvents
import RanchhandLambda

/// Lambda on a schedule: an EventBridge (or Scheduler) scheduled event runs every scaler once; a
/// CloudWatch alarm entering ALARM runs them at once instead of waiting for the next tick. A
/// schedule's detail may name the scalers to run: `{"scalers": ["web"]}`.
public struct CapacityRecordHandler: EventRecordHandler {
    public let configuration: CapacityConfiguration
    public let runner: CapacityRunner
    public let dryRun: Bool
    public let now: @Sendable () -> Date

    public init(configuration: CapacityConfiguration, runner: CapacityRunner, dryRun: Bool = false, now: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.runner = runner
        self.dryRun = dryRun
        self.now = now
    }

    public func handle(_ record: EventRecord, context: HandlingContext) async -> RecordOutcome {
        let scalers: [ScalerConfiguration]
        switch record.payload {
        case let .scheduled(event)?:
            switch Self.selection(event.detail, in: configuration) {
            case let .success(selected): scalers = selected
            case let .failure(error): return .failed(error.description)
            }
        case let .alarmStateChange(alarm)? where alarm.state.value == .alarm:
            scalers = configuration.scalers
        default:
            return .ignored("not a scheduled event or an alarm entering ALARM: nothing for the capacity tool")
        }
        let evaluations = await runner.run(scalers, now: now(), dryRun: dryRun)
        for evaluation in evaluations { context.logger.info("\(evaluation.jsonLine)") }
        let failed = evaluations.filter { !$0.succeeded }
        let summary = evaluations.map { "\($0.scaler): \($0.decision.map { "\($0.current)→\($0.desired)" } ?? "failed")" }.joined(separator: ", ")
        // A failed scaler fails the invocation, so the function's Errors alarm sees it.
        return failed.isEmpty ? .done(summary) : .failed("\(failed.count) of \(evaluations.count) scalers failed: \(summary)")
    }

    /// The scalers a schedule's detail names (all when it names none); an unknown name is an error.
    static func selection(_ detail: JSONValue, in configuration: CapacityConfiguration) -> Result<[ScalerConfiguration], CapacityError> {
        guard let names = detail["scalers"]?.arrayValue else { return .success(configuration.scalers) }
        var selected: [ScalerConfiguration] = []
        for name in names {
            guard let text = name.stringValue, let scaler = configuration.scalers.first(where: { $0.name == text }) else {
                let known = configuration.scalers.map(\.name).joined(separator: ", ")
                return .failure(.target("the schedule names scaler \(name.stringValue.map { "'\($0)'" } ?? "\(name)"), which the configuration does not define (it has: \(known))"))
            }
            selected.append(scaler)
        }
        return .success(selected)
    }
}

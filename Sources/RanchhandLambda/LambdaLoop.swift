import Foundation
import Logging
import RanchhandClients

/// The custom-runtime loop: next → handle → response or error, until the Runtime API goes away.
/// The handler gets the invocation's deadline less a margin, so it can stop, heartbeat and report
/// unfinished work as batch item failures before Lambda kills the process.
public struct LambdaLoop: Sendable {
    public let api: any LambdaRuntimeAPI
    public let processor: BatchProcessor
    public var logger: Logger
    public var reportingMargin: TimeInterval
    public var redelivery: PromptRedelivery?
    public var now: @Sendable () -> Date
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(api: any LambdaRuntimeAPI, processor: BatchProcessor, logger: Logger, reportingMargin: TimeInterval = 5,
                redelivery: PromptRedelivery? = nil, now: @escaping @Sendable () -> Date = { Date() },
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.api = api
        self.processor = processor
        self.logger = logger
        self.reportingMargin = reportingMargin
        self.redelivery = redelivery
        self.now = now
        self.sleep = sleep
    }

    /// Runs until the Runtime API fails for good (Lambda answers 500 or is unreachable) or
    /// `maximumInvocations` were handled; returns the number handled.
    @discardableResult
    public func run(maximumInvocations: Int? = nil) async -> Int {
        var handled = 0
        while maximumInvocations.map({ handled < $0 }) ?? true, !Task.isCancelled {
            let invocation: LambdaInvocation
            do {
                guard case .invocation(let next) = try await api.send(.next) else { continue }
                invocation = next
            } catch {
                if error.kind == .timeout { continue }
                logger.critical("Lambda Runtime API unavailable; exiting", metadata: ["error": "\(error)"])
                return handled
            }
            await handle(invocation)
            handled += 1
        }
        return handled
    }

    func handle(_ invocation: LambdaInvocation) async {
        var logger = self.logger
        logger[metadataKey: "aws_request_id"] = "\(invocation.requestID)"
        if let trace = invocation.traceID { logger[metadataKey: "trace_id"] = "\(trace)" }
        let deadline = Date(timeIntervalSince1970: Double(invocation.deadlineEpochMilliseconds) / 1000 - reportingMargin)
        let report = await processWithHardStop(invocation.body, deadline: deadline, logger: logger)
        await redelivery?.apply(report, logger: logger)
        let request: LambdaRuntimeRequest
        if report.needsInvocationFailure {
            let reason = report.inputError.map { "\($0)" }
                ?? report.results.filter(\.outcome.keepsMessage).map(\.outcome.reason).joined(separator: "; ")
            request = .invocationError(requestID: invocation.requestID, LambdaErrorReport(errorType: "Ranchhand.RecordFailed", errorMessage: reason))
        } else {
            request = .response(requestID: invocation.requestID, body: report.lambdaResponse)
        }
        do {
            _ = try await api.send(request)
        } catch {
            logger.error("could not report the invocation result", metadata: ["error": "\(error)"])
        }
    }

    /// The handler should stop by `deadline`, but a call retrying with back-off or a slow endpoint
    /// does not look at it; half the margin later the work is cancelled (its calls and back-offs end
    /// at once, its records are kept for redelivery) so the invocation still answers before Lambda
    /// kills it — a killed invocation loses its partial batch response.
    private func processWithHardStop(_ body: [UInt8], deadline: Date, logger: Logger) async -> BatchReport {
        let hardStop = deadline.addingTimeInterval(reportingMargin / 2)
        let context = HandlingContext(deadline: deadline, logger: logger)
        return await withTaskGroup(of: BatchReport?.self) { group in
            group.addTask { await processor.process(body, context: context) }
            group.addTask { [now, sleep] in
                let wait = hardStop.timeIntervalSince(now())
                do { try await sleep(.milliseconds(Int64(max(0, wait) * 1000))) } catch { return nil }
                logger.error("the handler ran past its deadline; cancelling it so the invocation can answer",
                             metadata: ["deadline": "\(deadline)"])
                return nil
            }
            var report: BatchReport?
            while report == nil, let next = await group.next() {
                if let next { report = next } else if !group.isEmpty { group.cancelAll() }
            }
            group.cancelAll()
            return report!
        }
    }

    /// Reports a failed initialisation; the caller exits afterwards.
    public static func reportInitializationError(_ message: String, api: any LambdaRuntimeAPI, logger: Logger) async {
        logger.critical("initialisation failed", metadata: ["error": "\(message)"])
        _ = try? await api.send(.initializationError(LambdaErrorReport(errorType: "Ranchhand.InitializationFailed", errorMessage: message)))
    }
}

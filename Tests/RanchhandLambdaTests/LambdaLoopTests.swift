import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandLambda

/// Drives the loop through the one-method Runtime API protocol with a scripted peer; the real
/// Runtime Interface Emulator test lives with the packaged executables.
@Suite struct LambdaLoopTests {
    @Test func sqsBatchReportsOnlyUnfinishedRecordsAsBatchItemFailures() async throws {
        let api = ScriptedRuntimeAPI(invocations: [invocation(id: "req-1", body: sqsBatch(["m-done", "m-retry", "m-test"]))])
        let loop = LambdaLoop(api: api, processor: BatchProcessor(handler: OutcomeByMessage()), logger: Logger(label: "test"))
        #expect(await loop.run() == 1)
        let sent = await api.sent
        #expect(sent.first == .next)
        guard case .response(let requestID, let body)? = sent.dropFirst().first else {
            Issue.record("expected a response, got \(sent)")
            return
        }
        #expect(requestID == "req-1")
        #expect(String(decoding: body, as: UTF8.self) == #"{"batchItemFailures":[{"itemIdentifier":"m-retry"}]}"#)
    }

    @Test func undecodableInputFailsTheInvocation() async {
        let api = ScriptedRuntimeAPI(invocations: [invocation(id: "req-2", body: Array("{not json".utf8))])
        await LambdaLoop(api: api, processor: BatchProcessor(handler: OutcomeByMessage()), logger: Logger(label: "test")).run()
        let sent = await api.sent
        guard case .invocationError(let requestID, let report)? = sent.dropFirst().first else {
            Issue.record("expected an invocation error, got \(sent)")
            return
        }
        #expect(requestID == "req-2")
        #expect(report.errorMessage.hasPrefix("(root): not valid JSON"))
    }

    @Test func malformedRecordInABatchIsKeptForTheDeadLetterQueue() async {
        let batch = #"{"Records":[{"messageId":"m-bad","receiptHandle":"r","eventSource":"aws:sqs","body":"{\"LifecycleTransition\":\"x\"}"}]}"#
        let api = ScriptedRuntimeAPI(invocations: [invocation(id: "req-3", body: Array(batch.utf8))])
        await LambdaLoop(api: api, processor: BatchProcessor(handler: OutcomeByMessage()), logger: Logger(label: "test")).run()
        guard case .response(_, let body)? = await api.sent.dropFirst().first else { Issue.record("no response"); return }
        #expect(String(decoding: body, as: UTF8.self).contains(#""itemIdentifier":"m-bad""#))
    }

    @Test func handlerSeesTheInvocationDeadlineLessTheMargin() async throws {
        let deadline: Int64 = 1_800_000_000_000
        let recorder = DeadlineRecorder()
        let api = ScriptedRuntimeAPI(invocations: [invocation(id: "req-4", body: sqsBatch(["m-done"]), deadline: deadline)])
        await LambdaLoop(api: api, processor: BatchProcessor(handler: recorder), logger: Logger(label: "test"), reportingMargin: 5).run()
        #expect(await recorder.deadlines == [Date(timeIntervalSince1970: 1_799_999_995)])
    }

    @Test func aHandlerThatIgnoresItsDeadlineIsCancelledInTimeToAnswer() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let api = ScriptedRuntimeAPI(invocations: [invocation(id: "req-5", body: sqsBatch(["m-slow"]), deadline: 1_800_000_010_000)])
        let waits = WaitLog()
        // The loop's clock: the hard-stop timer's wait is recorded and returns at once, so the test
        // does not depend on how promptly a loaded machine fires timers.
        let loop = LambdaLoop(api: api, processor: BatchProcessor(handler: IgnoresItsDeadline()), logger: Logger(label: "test"), reportingMargin: 4,
                              now: { now }, sleep: { await waits.record($0) })
        await loop.run()
        // Deadline 10 s away, handler deadline 4 s before it, hard stop half the margin after that: 8 s.
        #expect(await waits.durations == [.seconds(8)])
        guard case .response(_, let body)? = await api.sent.dropFirst().first else { Issue.record("no response: \(await api.sent)"); return }
        // Only cancellation makes the handler hand its record back; left alone it would report done after 120 s.
        #expect(String(decoding: body, as: UTF8.self) == #"{"batchItemFailures":[{"itemIdentifier":"m-slow"}]}"#)
    }

    @Test func aHandlerThatFinishesInTimeIsNotCancelled() async throws {
        let api = ScriptedRuntimeAPI(invocations: [invocation(id: "req-6", body: sqsBatch(["m-done"]), deadline: 1_800_000_010_000)])
        let loop = LambdaLoop(api: api, processor: BatchProcessor(handler: OutcomeByMessage()), logger: Logger(label: "test"),
                              now: { Date(timeIntervalSince1970: 1_800_000_000) }, sleep: { try await Task.sleep(for: $0) })
        await loop.run()
        guard case .response(_, let body)? = await api.sent.dropFirst().first else { Issue.record("no response"); return }
        #expect(String(decoding: body, as: UTF8.self) == #"{"batchItemFailures":[]}"#)
    }

    @Test func stopsWhenTheRuntimeAPIFails() async {
        let api = ScriptedRuntimeAPI(invocations: [])
        #expect(await LambdaLoop(api: api, processor: BatchProcessor(handler: OutcomeByMessage()), logger: Logger(label: "test")).run() == 0)
    }
}

private func invocation(id: String, body: [UInt8], deadline: Int64 = 4_102_444_800_000) -> LambdaInvocation {
    LambdaInvocation(requestID: id, deadlineEpochMilliseconds: deadline, functionARN: "arn:aws:lambda:eu-west-1:123456789012:function:scale-in", traceID: "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1", body: body)
}

private func sqsBatch(_ messageIDs: [String]) -> [UInt8] {
    let records = messageIDs.map { id in
        let body = id == "m-test"
            ? #"{\"Event\":\"autoscaling:TEST_NOTIFICATION\",\"AutoScalingGroupName\":\"g\"}"#
            : #"{\"LifecycleHookName\":\"h\",\"AutoScalingGroupName\":\"g\",\"EC2InstanceId\":\"i-\#(id)\",\"LifecycleActionToken\":\"t\",\"LifecycleTransition\":\"autoscaling:EC2_INSTANCE_TERMINATING\"}"#
        return #"{"messageId":"\#(id)","receiptHandle":"rh-\#(id)","eventSource":"aws:sqs","body":"\#(body)"}"#
    }
    return Array(#"{"Records":[\#(records.joined(separator: ","))]}"#.utf8)
}

/// Outcome chosen by the message id, so the test states what the handler did.
private struct OutcomeByMessage: EventRecordHandler {
    func handle(_ record: EventRecord, context: HandlingContext) async -> RecordOutcome {
        if record.payload?.kind == .testNotification { return .ignored("test notification") }
        return record.sqsMessage?.messageID == "m-retry" ? .retry("drain still running") : .done("deregistered")
    }
}

private actor WaitLog {
    private(set) var durations: [Duration] = []
    func record(_ duration: Duration) { durations.append(duration) }
}

/// A call retrying with back-off past the deadline: only cancellation ends it.
private struct IgnoresItsDeadline: EventRecordHandler {
    func handle(_ record: EventRecord, context: HandlingContext) async -> RecordOutcome {
        do {
            try await Task.sleep(for: .seconds(120))
            return .done("finished")
        } catch {
            return .retry("cancelled at the hard stop")
        }
    }
}

private actor DeadlineRecorder: EventRecordHandler {
    var deadlines: [Date] = []
    nonisolated func handle(_ record: EventRecord, context: HandlingContext) async -> RecordOutcome {
        await append(context.deadline)
        return .done("recorded")
    }
    private func append(_ date: Date) { deadlines.append(date) }
}

/// Hands out the scripted invocations, then answers like a Runtime API that has gone away.
private actor ScriptedRuntimeAPI: LambdaRuntimeAPI {
    private var invocations: [LambdaInvocation]
    private(set) var sent: [LambdaRuntimeRequest] = []

    init(invocations: [LambdaInvocation]) { self.invocations = invocations }

    func send(_ request: LambdaRuntimeRequest) async throws(ClientError) -> LambdaRuntimeResponse {
        sent.append(request)
        guard case .next = request else { return .accepted }
        guard !invocations.isEmpty else {
            throw ClientError(.service, service: "lambda-runtime", operation: "next", statusCode: 500, message: "container error")
        }
        return .invocation(invocations.removeFirst())
    }
}

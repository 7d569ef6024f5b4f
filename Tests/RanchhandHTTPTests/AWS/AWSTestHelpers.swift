import Foundation
import Logging
import RanchhandClients
import RanchhandHTTP
import RanchhandTestSupport
import Testing

/// A fault proxy of the test's own in front of the shared moto, so its log holds this test's
/// requests only. Stopped when `body` returns.
func withOwnFaultProxy<T>(_ body: (FaultProxy, String) async throws -> T) async throws -> T {
    let moto = try await MotoServer.shared.endpoints().moto
    let server = try await MotoServer.startFaultProxy(upstream: moto)
    do {
        let result = try await body(FaultProxy(url: server.url, transport: AWSTestContext.transport), server.url)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

/// The error `body` throws, as a `ClientError` (a test failure when it does not throw one).
func clientError(_ body: () async throws(ClientError) -> Void) async -> ClientError? {
    do throws(ClientError) {
        try await body()
        Issue.record("expected a ClientError, the call succeeded")
        return nil
    } catch {
        return error
    }
}

/// Polls `condition` (a check through boto3) until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
    let clock = ContinuousClock()
    let end = clock.now.advanced(by: timeout)
    while clock.now < end {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(200))
    }
    return try await condition()
}

import Foundation
import RanchhandClients

/// Caches what another provider returns and refreshes it `refreshMargin` before it expires. One
/// refresh runs at a time: callers arriving meanwhile wait for it instead of starting their own.
/// When a refresh fails while the old credentials are still valid, those are used.
public actor CachedCredentialsProvider: CredentialsProvider {
    private let source: any CredentialsProvider
    private let refreshMargin: TimeInterval
    private var cached: AWSCredentials?
    private var refreshing: Task<Result<AWSCredentials, ClientError>, Never>?

    public init(_ source: any CredentialsProvider, refreshMargin: TimeInterval = 300) {
        self.source = source
        self.refreshMargin = refreshMargin
    }

    public func credentials(at now: Date) async throws(ClientError) -> AWSCredentials {
        if let cached, !cached.needsRefresh(at: now, margin: refreshMargin) { return cached }
        let task: Task<Result<AWSCredentials, ClientError>, Never>
        if let refreshing {
            task = refreshing
        } else {
            let source = source
            task = Task {
                do throws(ClientError) {
                    return .success(try await source.credentials(at: now))
                } catch {
                    return .failure(error)
                }
            }
            refreshing = task
        }
        let result = await task.value
        if refreshing == task { refreshing = nil }
        switch result {
        case .success(let fresh):
            cached = fresh
            return fresh
        case .failure(let error):
            if let cached, let expiration = cached.expiration, expiration > now { return cached }
            throw error
        }
    }
}

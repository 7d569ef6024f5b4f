import Foundation
import RanchhandClients

/// Where signing credentials come from. Implementations cache and refresh temporary credentials
/// before they expire; `now` is passed in so expiry is testable.
public protocol CredentialsProvider: Sendable {
    func credentials(at now: Date) async throws(ClientError) -> AWSCredentials
}

/// Fixed credentials: tests, and keys given explicitly.
public struct StaticCredentialsProvider: CredentialsProvider {
    public let value: AWSCredentials
    public init(_ value: AWSCredentials) { self.value = value }
    public func credentials(at now: Date) async throws(ClientError) -> AWSCredentials { value }
}

import Foundation
import RanchhandClients

/// The EC2 instance role, over IMDSv2 only: `iam/security-credentials/` names the role, then
/// `iam/security-credentials/<role>` gives credentials that IMDS rotates well before they expire.
/// Wrap in `CachedCredentialsProvider`, which refreshes them before `Expiration`.
public struct InstanceRoleCredentialsProvider: CredentialsProvider {
    private let metadata: LiveInstanceMetadataClient

    public init(metadata: LiveInstanceMetadataClient) {
        self.metadata = metadata
    }

    public func credentials(at now: Date) async throws(ClientError) -> AWSCredentials {
        guard let listing = try await metadata.metadata("iam/security-credentials/"),
              let role = listing.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty
        else {
            throw ClientError(.credentials, service: "imds", operation: "GET iam/security-credentials/",
                              message: "this instance has no IAM role (instance profile); attach one or configure other credentials")
        }
        guard let body = try await metadata.metadata("iam/security-credentials/" + PercentEncoding.encode(role)) else {
            throw ClientError(.credentials, service: "imds", operation: "GET iam/security-credentials/\(role)",
                              message: "the instance role \(role) has no credentials in instance metadata")
        }
        return try TemporaryCredentialsDocument.decode(Array(body.utf8), source: "imds", what: "instance metadata for role \(role)")
    }
}

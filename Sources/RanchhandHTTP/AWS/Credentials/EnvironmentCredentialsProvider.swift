import Foundation
import RanchhandClients

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`: what Lambda provides.
public struct EnvironmentCredentialsProvider: CredentialsProvider {
    private let value: AWSCredentials?

    public init(environment: [String: String]) {
        value = Self.credentials(in: environment)
    }

    /// The credentials the environment holds, or `nil` when the key pair is incomplete.
    public static func credentials(in environment: [String: String]) -> AWSCredentials? {
        guard let keyID = environment["AWS_ACCESS_KEY_ID"], !keyID.isEmpty,
              let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else { return nil }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token)
    }

    public func credentials(at now: Date) async throws(ClientError) -> AWSCredentials {
        guard let value else {
            throw ClientError(.credentials, service: "credentials", operation: "environment",
                              message: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set")
        }
        return value
    }
}

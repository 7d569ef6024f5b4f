#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// STS, for the credentials chain: a role assumed from other credentials or from a web identity
/// token (EKS/IRSA, GitHub OIDC). AssumeRoleWithWebIdentity is sent unsigned, as AWS expects.
public protocol STSClient: Sendable {
    func assumeRole(_ request: AssumeRoleRequest) async throws(ClientError) -> TemporaryCredentials
    func assumeRoleWithWebIdentity(_ request: AssumeRoleWithWebIdentityRequest) async throws(ClientError) -> TemporaryCredentials
}

public struct AssumeRoleRequest: Sendable, Equatable {
    public var roleARN: String
    public var sessionName: String
    public var durationSeconds: Int?
    public var externalID: String?

    public init(roleARN: String, sessionName: String, durationSeconds: Int? = nil, externalID: String? = nil) {
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.durationSeconds = durationSeconds
        self.externalID = externalID
    }
}

public struct AssumeRoleWithWebIdentityRequest: Sendable, Equatable, CustomStringConvertible {
    public var roleARN: String
    public var sessionName: String
    /// The OIDC token: a bearer secret, never printed.
    public var webIdentityToken: String
    public var durationSeconds: Int?

    public init(roleARN: String, sessionName: String, webIdentityToken: String, durationSeconds: Int? = nil) {
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.webIdentityToken = webIdentityToken
        self.durationSeconds = durationSeconds
    }

    public var description: String { "AssumeRoleWithWebIdentity(\(roleARN), session \(sessionName), token <redacted>)" }
}

/// Credentials STS handed out. The secret parts never appear in `description`, `debugDescription`
/// or `dump`.
public struct TemporaryCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String
    public var expiration: Date
    /// `arn:aws:sts::123456789012:assumed-role/role/session`.
    public var assumedRoleARN: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String, expiration: Date, assumedRoleARN: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.assumedRoleARN = assumedRoleARN
    }

    public var description: String {
        "TemporaryCredentials(\(accessKeyID), secret <redacted>, session token <redacted>, role \(assumedRoleARN ?? "?"))"
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}

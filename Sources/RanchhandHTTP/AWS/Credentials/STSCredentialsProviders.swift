import Foundation
import RanchhandClients

/// A role assumed with other credentials (`role_arn` + `source_profile` in a profile). The STS
/// client given signs with the source credentials. Wrap in `CachedCredentialsProvider`.
public struct AssumeRoleCredentialsProvider: CredentialsProvider {
    public let roleARN: String
    private let sts: any STSClient
    private let sessionName: String?
    private let externalID: String?
    private let durationSeconds: Int?

    public init(roleARN: String, sts: any STSClient, sessionName: String? = nil, externalID: String? = nil, durationSeconds: Int? = nil) {
        self.roleARN = roleARN
        self.sts = sts
        self.sessionName = sessionName
        self.externalID = externalID
        self.durationSeconds = durationSeconds
    }

    public func credentials(at now: Date) async throws(ClientError) -> AWSCredentials {
        let request = AssumeRoleRequest(roleARN: roleARN, sessionName: sessionName ?? defaultSessionName(at: now),
                                        durationSeconds: durationSeconds, externalID: externalID)
        return AWSCredentials(try await sts.assumeRole(request))
    }
}

/// `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (EKS IRSA and the like): the token file is read
/// afresh on every refresh (the kubelet rotates it) and exchanged, unsigned, through STS
/// AssumeRoleWithWebIdentity. Wrap in `CachedCredentialsProvider`.
public struct WebIdentityCredentialsProvider: CredentialsProvider {
    public let tokenFile: String
    public let roleARN: String
    private let sessionName: String?
    private let sts: any STSClient

    public init(tokenFile: String, roleARN: String, sessionName: String? = nil, sts: any STSClient) {
        self.tokenFile = tokenFile
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.sts = sts
    }

    public func credentials(at now: Date) async throws(ClientError) -> AWSCredentials {
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw ClientError(.credentials, service: "credentials", operation: "web identity",
                              message: "cannot read the web identity token file \(tokenFile) (AWS_WEB_IDENTITY_TOKEN_FILE): \(error.localizedDescription)")
        }
        guard !token.isEmpty else {
            throw ClientError(.credentials, service: "credentials", operation: "web identity",
                              message: "the web identity token file \(tokenFile) is empty")
        }
        let request = AssumeRoleWithWebIdentityRequest(roleARN: roleARN, sessionName: sessionName ?? defaultSessionName(at: now),
                                                       webIdentityToken: token)
        return AWSCredentials(try await sts.assumeRoleWithWebIdentity(request))
    }
}

/// What CloudTrail shows when no session name was configured.
func defaultSessionName(at now: Date) -> String {
    "ranchhand-\(Int(now.timeIntervalSince1970))"
}

extension AWSCredentials {
    public init(_ temporary: TemporaryCredentials) {
        self.init(accessKeyID: temporary.accessKeyID, secretAccessKey: temporary.secretAccessKey,
                  sessionToken: temporary.sessionToken, expiration: temporary.expiration)
    }
}

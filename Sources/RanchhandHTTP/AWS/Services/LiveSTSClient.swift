import Foundation
import RanchhandClients

/// STS over the query protocol. AssumeRoleWithWebIdentity goes unsigned: the token is the proof,
/// and the chain may have no other credentials yet.
public struct LiveSTSClient: STSClient {
    private let query: AWSQueryProtocol

    public init(sender: AWSRequestSender) {
        query = AWSQueryProtocol(sender: sender)
    }

    public func assumeRole(_ request: AssumeRoleRequest) async throws(ClientError) -> TemporaryCredentials {
        var parameters = [("RoleArn", request.roleARN), ("RoleSessionName", request.sessionName)]
        if let duration = request.durationSeconds { parameters.append(("DurationSeconds", String(duration))) }
        if let external = request.externalID { parameters.append(("ExternalId", external)) }
        let result = try await query.call(.assumeRole, parameters)
        return try Self.credentials(result, .assumeRole)
    }

    public func assumeRoleWithWebIdentity(_ request: AssumeRoleWithWebIdentityRequest) async throws(ClientError) -> TemporaryCredentials {
        var parameters = [
            ("RoleArn", request.roleARN), ("RoleSessionName", request.sessionName), ("WebIdentityToken", request.webIdentityToken),
        ]
        if let duration = request.durationSeconds { parameters.append(("DurationSeconds", String(duration))) }
        let result = try await query.call(.assumeRoleWithWebIdentity, parameters, signed: false)
        return try Self.credentials(result, .assumeRoleWithWebIdentity)
    }

    private static func credentials(_ result: XMLElement, _ operation: AWSOperation) throws(ClientError) -> TemporaryCredentials {
        guard let element = result.child("Credentials"),
              let keyID = element.text(of: "AccessKeyId"), let secret = element.text(of: "SecretAccessKey"),
              let token = element.text(of: "SessionToken"), let expiration = element.date(of: "Expiration")
        else {
            // Say which fields are missing, never what the others hold.
            throw ClientError(.invalidResponse, service: "sts", operation: operation.name,
                              message: "the answer lacks Credentials (AccessKeyId, SecretAccessKey, SessionToken, Expiration)")
        }
        return TemporaryCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token, expiration: expiration,
                                    assumedRoleARN: result.text(of: "AssumedRoleUser/Arn"))
    }
}

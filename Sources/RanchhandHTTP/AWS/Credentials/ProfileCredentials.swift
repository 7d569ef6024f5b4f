import Foundation
import RanchhandClients

/// Turns a shared-config profile into a provider, as the SDKs read one: `role_arn` (with
/// `source_profile`, `credential_source` or `web_identity_token_file`) first, then
/// `credential_process`, then static keys. IAM Identity Center (SSO) profiles are refused by name.
struct ProfileCredentials {
    static let ssoKeys = ["sso_session", "sso_start_url", "sso_account_id", "sso_role_name", "sso_region"]
    static let credentialKeys = ["aws_access_key_id", "role_arn", "credential_process", "web_identity_token_file"] + ssoKeys

    static func hasCredentialSettings(_ settings: [String: String]) -> Bool {
        credentialKeys.contains { settings[$0] != nil }
    }

    let chain: CredentialsChain

    func provider(for name: String, visited: [String] = []) throws(ClientError) -> any CredentialsProvider {
        guard let settings = chain.files.profile(name) else {
            throw error(name, "is not in the AWS config or credentials file"
                        + (visited.isEmpty ? "" : " (source_profile of \(visited.last ?? ""))"))
        }
        if let key = Self.ssoKeys.first(where: { settings[$0] != nil }) {
            throw error(name, "uses IAM Identity Center (SSO, \(key)), which ranchhand does not support. Use static keys, a role, "
                        + "or credential_process = aws configure export-credentials --profile \(name) --format process")
        }
        if let roleARN = settings["role_arn"] {
            if let tokenFile = settings["web_identity_token_file"] {
                return CachedCredentialsProvider(WebIdentityCredentialsProvider(
                    tokenFile: SharedConfigFiles.expand(tokenFile, home: chain.environment["HOME"] ?? ""), roleARN: roleARN,
                    sessionName: settings["role_session_name"], sts: chain.sts(signedBy: nil)))
            }
            let source = try sourceCredentials(of: name, settings, visited: visited)
            return CachedCredentialsProvider(AssumeRoleCredentialsProvider(
                roleARN: roleARN, sts: chain.sts(signedBy: source), sessionName: settings["role_session_name"],
                externalID: settings["external_id"], durationSeconds: settings["duration_seconds"].flatMap { Int($0) }))
        }
        if let command = settings["credential_process"] {
            return CachedCredentialsProvider(ProcessCredentialsProvider(command: command, environment: chain.environment))
        }
        if let keys = try staticKeys(name, settings) { return StaticCredentialsProvider(keys) }
        throw error(name, "has no credentials (aws_access_key_id, role_arn or credential_process)")
    }

    private func sourceCredentials(of name: String, _ settings: [String: String], visited: [String]) throws(ClientError) -> any CredentialsProvider {
        if let source = settings["source_profile"] {
            // A profile naming itself means "my own static keys", as in the SDKs.
            if source == name {
                guard let keys = try staticKeys(name, settings) else { throw error(name, "is its own source_profile but has no static keys") }
                return StaticCredentialsProvider(keys)
            }
            if visited.contains(source) || visited.count >= 8 {
                throw error(name, "has a source_profile loop: \((visited + [name, source]).joined(separator: " → "))")
            }
            return try provider(for: source, visited: visited + [name])
        }
        switch settings["credential_source"] {
        case "Environment":
            guard EnvironmentCredentialsProvider.credentials(in: chain.environment) != nil else {
                throw error(name, "has credential_source = Environment but AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set")
            }
            return EnvironmentCredentialsProvider(environment: chain.environment)
        case "Ec2InstanceMetadata":
            return CachedCredentialsProvider(chain.instanceRole())
        case "EcsContainer":
            guard let container = chain.container() else {
                throw error(name, "has credential_source = EcsContainer but no AWS_CONTAINER_CREDENTIALS_* variable is set")
            }
            return CachedCredentialsProvider(container)
        case let other?:
            throw error(name, "has credential_source = \(other); expected Environment, Ec2InstanceMetadata or EcsContainer")
        case nil:
            throw error(name, "has role_arn without source_profile or credential_source")
        }
    }

    private func staticKeys(_ name: String, _ settings: [String: String]) throws(ClientError) -> AWSCredentials? {
        guard let keyID = settings["aws_access_key_id"] else { return nil }
        guard let secret = settings["aws_secret_access_key"], !secret.isEmpty else {
            throw error(name, "has aws_access_key_id without aws_secret_access_key")
        }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: settings["aws_session_token"])
    }

    private func error(_ name: String, _ detail: String) -> ClientError {
        ClientError(.credentials, service: "credentials", operation: "profile \(name)", message: "AWS profile \(name) \(detail)")
    }
}

import Foundation
import Logging
import RanchhandClients

/// Which credentials source the chain picked, in SDK order. Loggable: it holds no secret.
public enum CredentialsSource: Sendable, Equatable, CustomStringConvertible {
    case environment
    case webIdentity(tokenFile: String, roleARN: String)
    case profile(String)
    case container(url: String)
    case instanceMetadata

    public var description: String {
        switch self {
        case .environment: "environment variables"
        case .webIdentity(let file, let role): "web identity token \(file) for \(role)"
        case .profile(let name): "shared config profile \(name)"
        case .container(let url): "container credentials at \(url)"
        case .instanceMetadata: "EC2 instance role (IMDSv2)"
        }
    }
}

/// The default credentials chain: environment, web identity, shared config profile, container
/// credentials, EC2 instance role. The first source that is *configured* is used, and its failures
/// are reported as they are rather than hidden by falling through to the next one.
public struct CredentialsChain: Sendable {
    public let environment: [String: String]
    public let files: SharedConfigFiles
    private let transport: any HTTPTransport
    /// STS's endpoints (`AWS_ENDPOINT_URL_STS` honoured) for role assumption.
    private let stsEndpoints: AWSEndpoints
    private let logger: Logger
    private let now: @Sendable () -> Date

    public init(environment: [String: String], files: SharedConfigFiles, transport: any HTTPTransport, region: String?,
                logger: Logger, now: @escaping @Sendable () -> Date) {
        self.environment = environment
        self.files = files
        self.transport = transport
        self.stsEndpoints = AWSEndpoints(region: region ?? "us-east-1", environment: environment)
        self.logger = logger
        self.now = now
    }

    public var profileName: String { environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default" }
    public var instanceMetadata: InstanceMetadataConfiguration { InstanceMetadataConfiguration(environment: environment) }

    /// The source the chain would use.
    public func source() throws(ClientError) -> CredentialsSource {
        if EnvironmentCredentialsProvider.credentials(in: environment) != nil { return .environment }
        if let file = value("AWS_WEB_IDENTITY_TOKEN_FILE"), let role = value("AWS_ROLE_ARN") {
            return .webIdentity(tokenFile: file, roleARN: role)
        }
        if let settings = files.profile(profileName), ProfileCredentials.hasCredentialSettings(settings) {
            return .profile(profileName)
        }
        if value("AWS_PROFILE") != nil {
            throw ClientError(.credentials, service: "credentials", operation: "profile \(profileName)",
                              message: "AWS_PROFILE names \(profileName), which has no credentials in the AWS config or credentials file")
        }
        if let container = ContainerCredentialsProvider(environment: environment, transport: transport) {
            return .container(url: container.url)
        }
        if !instanceMetadata.isDisabled { return .instanceMetadata }
        throw ClientError(.credentials, service: "credentials", operation: "default chain",
                          message: "no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a web identity, "
                              + "a profile, or container credentials (instance metadata is turned off)")
    }

    /// A provider for `source()`, caching and refreshing whatever expires.
    public func provider() throws(ClientError) -> any CredentialsProvider {
        let source = try source()
        logger.debug("AWS credentials source", metadata: ["source": "\(source)"])
        switch source {
        case .environment:
            return EnvironmentCredentialsProvider(environment: environment)
        case .webIdentity(let file, let role):
            return CachedCredentialsProvider(WebIdentityCredentialsProvider(
                tokenFile: file, roleARN: role, sessionName: value("AWS_ROLE_SESSION_NAME"), sts: sts(signedBy: nil)))
        case .profile(let name):
            return try ProfileCredentials(chain: self).provider(for: name)
        case .container:
            guard let container = ContainerCredentialsProvider(environment: environment, transport: transport) else {
                preconditionFailure("source() saw container credentials configured")
            }
            return CachedCredentialsProvider(container)
        case .instanceMetadata:
            return CachedCredentialsProvider(instanceRole())
        }
    }

    func instanceRole() -> InstanceRoleCredentialsProvider {
        InstanceRoleCredentialsProvider(metadata: LiveInstanceMetadataClient(configuration: instanceMetadata, transport: transport, now: now))
    }

    func container() -> ContainerCredentialsProvider? {
        ContainerCredentialsProvider(environment: environment, transport: transport)
    }

    /// An STS client signing with `credentials` (`nil`: for the unsigned AssumeRoleWithWebIdentity).
    func sts(signedBy credentials: (any CredentialsProvider)?) -> any STSClient {
        LiveSTSClient(sender: AWSRequestSender(
            transport: transport, credentials: credentials ?? NoCredentialsProvider(), endpoints: stsEndpoints,
            logger: logger, now: now))
    }

    private func value(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// For senders whose calls are all unsigned: asking it is a programming error turned into a clear one.
struct NoCredentialsProvider: CredentialsProvider {
    func credentials(at now: Date) async throws(ClientError) -> AWSCredentials {
        throw ClientError(.credentials, service: "credentials", operation: "none", message: "this client has no credentials to sign with")
    }
}

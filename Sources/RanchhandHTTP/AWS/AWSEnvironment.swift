import Foundation
import Logging
import RanchhandClients

/// Everything an executable needs to call AWS, resolved once from the process environment the way
/// the SDKs do: region (environment, config file, then IMDSv2), the credentials chain, and
/// endpoint overrides (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`).
public enum AWSEnvironment {
    public static func sender(
        environment: [String: String], transport: any HTTPTransport, logger: Logger,
        retryPolicy: RetryPolicy = .standard, now: @escaping @Sendable () -> Date = { Date() }
    ) async throws(ClientError) -> AWSRequestSender {
        let files = try SharedConfigFiles.load(environment: environment)
        let metadataConfiguration = InstanceMetadataConfiguration(environment: environment)
        let metadata: (any InstanceMetadataClient)? = metadataConfiguration.isDisabled ? nil
            : LiveInstanceMetadataClient(configuration: metadataConfiguration, transport: transport, now: now)
        let region = try await RegionResolver.region(environment: environment, files: files, metadata: metadata)
        let chain = CredentialsChain(environment: environment, files: files, transport: transport, region: region, logger: logger, now: now)
        let credentials = try chain.provider()
        let source = try chain.source()
        logger.debug("AWS configured", metadata: ["region": "\(region)", "credentials": "\(source)"])
        return AWSRequestSender(transport: transport, credentials: credentials, endpoints: AWSEndpoints(region: region, environment: environment),
                                retryPolicy: retryPolicy, logger: logger, now: now)
    }
}

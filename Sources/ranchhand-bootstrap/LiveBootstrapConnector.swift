import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP

/// The live clients: AWS through the SDK credentials chain (the instance role via IMDSv2 on a
/// node) and endpoint overrides from the environment; Rancher with its CA pinned by checksum.
struct LiveBootstrapConnector: BootstrapConnector {
    let environment: [String: String]
    let transport: AsyncHTTPTransport
    let logger: Logger

    func aws(region: AWSRegion) throws(BootstrapError) -> BootstrapAWSClients {
        let credentials: any CredentialsProvider
        do {
            let files = try SharedConfigFiles.load(environment: environment)
            credentials = try CredentialsChain(environment: environment, files: files, transport: transport, region: region.rawValue,
                                               logger: logger, now: { Date() }).provider()
        } catch {
            throw BootstrapError(.identity, "no AWS credentials: \(error) (on a node, attach an instance profile to the launch template)")
        }
        let sender = AWSRequestSender(transport: transport, credentials: credentials,
                                      endpoints: AWSEndpoints(region: region.rawValue, environment: environment), logger: logger)
        return BootstrapAWSClients(autoScaling: LiveAutoScalingClient(sender: sender), ec2: LiveEC2Client(sender: sender),
                                   ssm: LiveSSMClient(sender: sender))
    }

    func rancher(url: String, token: BootstrapSecret, caChecksum: String?) throws(BootstrapError) -> any RancherClient {
        let configuration = RancherConfiguration(baseURL: url, token: RancherAPIToken(token.value),
                                                 trust: caChecksum.map(RancherTrustMode.caChecksum) ?? .system,
                                                 userAgent: "ranchhand-bootstrap/1.0")
        return LiveRancherClient(configuration: configuration, transport: transport, logger: logger)
    }

    func caChecksum(of caCertificates: String) -> String {
        RancherCAChecksum.of(caCertificates: caCertificates)
    }
}

import Foundation
import Logging
import RanchhandHTTP

/// What an integration test needs to call AWS-shaped endpoints through the same code path the
/// tools use: one transport per process, senders pointed at moto or a fault proxy.
public enum AWSTestContext {
    public static let region = "us-east-1"
    /// moto's default account accepts any key when signatures are not checked.
    public static let credentials = AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing")

    /// The process-wide transport (created once, never shut down: the process ends first).
    public static let transport: AsyncHTTPTransport = {
        do {
            return try AsyncHTTPTransport()
        } catch {
            fatalError("cannot create the HTTP transport: \(error)")
        }
    }()

    /// Short waits so retry tests stay fast; the real policy's shape otherwise.
    public static let fastRetries = RetryPolicy(maximumAttempts: 4, baseDelay: .milliseconds(20), maximumDelay: .milliseconds(200),
                                                maximumTotal: .seconds(20))

    /// A sender for every service at `endpoint`.
    public static func sender(
        endpoint: String, credentials: any CredentialsProvider = StaticCredentialsProvider(credentials),
        retryPolicy: RetryPolicy = fastRetries, logger: Logger = Logger(label: "test.aws"), transport: (any HTTPTransport)? = nil
    ) -> AWSRequestSender {
        AWSRequestSender(transport: transport ?? self.transport, credentials: credentials,
                         endpoints: .all(at: endpoint, region: region), retryPolicy: retryPolicy, timeout: .seconds(30),
                         logger: logger, now: { Date() })
    }

    /// A sender against the shared moto.
    public static func motoSender(logger: Logger = Logger(label: "test.aws")) async throws -> AWSRequestSender {
        sender(endpoint: try await MotoServer.shared.endpoints().moto, logger: logger)
    }

    public static func seed() async throws -> Seed {
        Seed(endpoint: try await MotoServer.shared.endpoints().moto)
    }
}

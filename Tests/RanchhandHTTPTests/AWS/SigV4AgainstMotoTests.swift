import Foundation
import RanchhandClients
import RanchhandHTTP
import RanchhandTestSupport
import Testing

/// The signer against a moto that checks signatures (`moto_launcher.py --check-signatures`): the
/// integration oracle for POST requests (that moto wrongly rejects every signed GET).
@Suite(.serialized) struct SigV4AgainstMotoTests {
    /// One checking moto for the suite; an IAM user made with three of its four free calls.
    actor CheckingMoto {
        static let shared = CheckingMoto()
        private var started: (url: String, key: Seed.AccessKey)?
        /// Kept for the life of the process: releasing it closes the pipe that keeps moto running.
        private var server: ChildProcess.Server?

        func start() async throws -> (url: String, key: Seed.AccessKey) {
            if let started { return started }
            let server = try await MotoServer.startMoto(["--check-signatures"])
            self.server = server
            let key = try await Seed(endpoint: server.url).iamUser("ranchhand-signer")
            started = (server.url, key)
            return (server.url, key)
        }
    }

    static func sender(_ url: String, keyID: String, secret: String) -> AWSRequestSender {
        AWSTestContext.sender(endpoint: url, credentials: StaticCredentialsProvider(AWSCredentials(accessKeyID: keyID, secretAccessKey: secret)),
                              retryPolicy: .never)
    }

    @Test func rightSecretIsAcceptedForQueryAndJSONPosts() async throws {
        let moto = try await CheckingMoto.shared.start()
        let sender = Self.sender(moto.url, keyID: moto.key.accessKeyId, secret: moto.key.secretAccessKey)
        let groups = try await LiveAutoScalingClient(sender: sender).describeAutoScalingGroups([])
        #expect(groups.isEmpty)
        let instances = try await LiveEC2Client(sender: sender).describeInstances(DescribeInstancesRequest())
        #expect(instances.isEmpty)
        // awsJson1_0, with a body and an X-Amz-Target header under the signature.
        let results = try await LiveCloudWatchClient(sender: sender).getMetricData(GetMetricDataRequest(
            queries: [MetricDataQuery(id: "q", metric: MetricStat(namespace: "N", metricName: "M", period: 60, statistic: "Sum"))],
            start: Date(timeIntervalSinceNow: -600), end: Date()))
        #expect(results.map(\.id) == ["q"])
    }

    @Test func wrongSecretIsSignatureDoesNotMatch() async throws {
        let moto = try await CheckingMoto.shared.start()
        let sender = Self.sender(moto.url, keyID: moto.key.accessKeyId, secret: moto.key.secretAccessKey + "x")
        let error = await clientError { () async throws(ClientError) in
            _ = try await LiveAutoScalingClient(sender: sender).describeAutoScalingGroups([])
        }
        #expect(error?.statusCode == 403)
        #expect(error?.code == "SignatureDoesNotMatch")
        #expect(error?.message.contains(moto.key.secretAccessKey) == false)
    }

    @Test func unknownKeyIsInvalidClientTokenId() async throws {
        let moto = try await CheckingMoto.shared.start()
        let sender = Self.sender(moto.url, keyID: "AKIAUNKNOWNKEY000000", secret: moto.key.secretAccessKey)
        let error = await clientError { () async throws(ClientError) in
            _ = try await LiveAutoScalingClient(sender: sender).describeAutoScalingGroups([])
        }
        #expect(error?.statusCode == 403)
        #expect(error?.code == "InvalidClientTokenId")
        // EC2 speaks its own dialect for the same failure (as real EC2 does): 401 AuthFailure.
        let ec2 = await clientError { () async throws(ClientError) in
            _ = try await LiveEC2Client(sender: sender).describeInstances(DescribeInstancesRequest())
        }
        #expect(ec2?.statusCode == 401)
        #expect(ec2?.code == "AuthFailure")
    }
}

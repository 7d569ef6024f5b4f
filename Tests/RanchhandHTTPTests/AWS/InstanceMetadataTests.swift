import Foundation
import RanchhandClients
import RanchhandEvents
import RanchhandSandbox
import RanchhandTestSupport
import Testing
@testable import RanchhandHTTP

/// IMDSv2 client and instance-role credentials against the sandbox's IMDS fake. The client's
/// `now` is the sandbox's virtual clock, so token and credential lifetimes are exercised without
/// waiting.
@Suite struct InstanceMetadataTests {
    static func start(_ change: @escaping @Sendable (inout IMDSConfiguration) -> Void = { _ in }) async throws -> Sandbox {
        var configuration = SandboxConfiguration()
        configuration.httpsPort = nil
        change(&configuration.imds)
        return try await Sandbox.start(configuration)
    }

    static func client(_ sandbox: Sandbox, tokenTTL: Int = 21_600, now: (@Sendable () -> Date)? = nil) throws -> LiveInstanceMetadataClient {
        let endpoint = try #require(sandbox.httpURL)
        let clock = sandbox.clock
        // These tests count token requests: the real 2 s timeout would add a retried PUT whenever the
        // machine is busy (CI runs the chaos test alongside), so they get a generous one.
        return LiveInstanceMetadataClient(configuration: InstanceMetadataConfiguration(endpoint: endpoint, tokenTTL: tokenTTL),
                                          transport: AWSTestContext.transport, now: now ?? { clock.currentDate }, timeout: .seconds(30))
    }

    static func tokenRequests(_ sandbox: Sandbox) async -> [RecordedRequest] {
        await sandbox.requests().filter { $0.path == "/latest/api/token" }
    }

    @Test func readsIdentityAddressesTagsAndLifecycleState() async throws {
        let sandbox = try await Self.start()
        defer { Task { await sandbox.stop() } }
        let imds = try Self.client(sandbox)
        let metadata = try await imds.instanceMetadata()
        let expected = IMDSConfiguration()
        #expect(metadata == InstanceMetadata(
            instanceID: InstanceID(expected.instanceID), region: AWSRegion(expected.region), availabilityZone: expected.availabilityZone,
            instanceType: expected.instanceType, privateIPv4: expected.localIPv4, publicIPv4: expected.publicIPv4,
            hostname: expected.localHostname, tags: expected.instanceTags))
        #expect(try await imds.targetLifecycleState() == "InService")
        // One token for every read; every read carried it.
        #expect(await Self.tokenRequests(sandbox).count == 1)
        let reads = await sandbox.requests().filter { $0.method == "GET" }
        #expect(!reads.isEmpty && reads.allSatisfy { $0.header("X-aws-ec2-metadata-token") != nil })
    }

    @Test func absentItemsAreNil() async throws {
        let sandbox = try await Self.start { imds in
            imds.publicIPv4 = nil
            imds.exposeInstanceTags = false
            imds.targetLifecycleState = nil
        }
        defer { Task { await sandbox.stop() } }
        let imds = try Self.client(sandbox)
        let metadata = try await imds.instanceMetadata()
        #expect(metadata.publicIPv4 == nil)
        #expect(metadata.tags == nil)
        #expect(try await imds.targetLifecycleState() == nil)
        await sandbox.world.updateIMDS { $0.targetLifecycleState = "Terminated" }
        #expect(try await imds.targetLifecycleState() == "Terminated")
    }

    @Test func tokenIsReusedUntilShortlyBeforeItsTTL() async throws {
        let sandbox = try await Self.start()
        defer { Task { await sandbox.stop() } }
        let imds = try Self.client(sandbox, tokenTTL: 300)
        _ = try await imds.targetLifecycleState()
        sandbox.clock.advance(by: .seconds(230))
        _ = try await imds.targetLifecycleState()
        #expect(await Self.tokenRequests(sandbox).count == 1)
        // 250 s of 300: inside the 60 s margin, a new token is fetched before the old one lapses.
        sandbox.clock.advance(by: .seconds(20))
        _ = try await imds.targetLifecycleState()
        let tokens = await Self.tokenRequests(sandbox)
        #expect(tokens.count == 2)
        #expect(tokens.allSatisfy { $0.method == "PUT" && $0.header("X-aws-ec2-metadata-token-ttl-seconds") == "300" })
        #expect(await sandbox.requests().allSatisfy { $0.status != 401 })
    }

    @Test func a401FetchesANewTokenOnce() async throws {
        let sandbox = try await Self.start()
        defer { Task { await sandbox.stop() } }
        // Our clock stands still while the sandbox's runs on: the cached token looks fresh but has lapsed.
        let frozen = sandbox.clock.currentDate
        let imds = try Self.client(sandbox, tokenTTL: 300, now: { frozen })
        _ = try await imds.instanceTags()
        sandbox.clock.advance(by: .seconds(400))
        #expect(try await imds.targetLifecycleState() == "InService")
        #expect(await Self.tokenRequests(sandbox).count == 2)
        #expect(await sandbox.requests().filter { $0.status == 401 }.count == 1)
    }

    @Test func imdsV1IsNeverUsedWhenTheTokenIsRefused() async throws {
        let sandbox = try await Self.start { imds in
            imds.refuseIMDSv1 = false
            imds.callerHops = 2  // a container behind a bridge with hop limit 1: the token answer never arrives
        }
        defer { Task { await sandbox.stop() } }
        let imds = try Self.client(sandbox)
        let error = await clientError { () async throws(ClientError) in _ = try await imds.instanceMetadata() }
        #expect(error?.service == "imds")
        let requests = await sandbox.requests()
        #expect(!requests.isEmpty && requests.allSatisfy { $0.method == "PUT" })

        await sandbox.faults.inject(.status(403), on: .path("/latest/api/token"), times: 10)
        await sandbox.world.updateIMDS { $0.callerHops = 1 }
        let refused = await clientError { () async throws(ClientError) in _ = try await imds.targetLifecycleState() }
        #expect(refused?.statusCode == 403)
        #expect(refused?.message.contains("IMDSv1 is never used") == true)
        #expect(await sandbox.requests().allSatisfy { $0.method == "PUT" })
    }

    @Test func disabledMeansNoRequestAtAll() async throws {
        let sandbox = try await Self.start()
        defer { Task { await sandbox.stop() } }
        let endpoint = try #require(sandbox.httpURL)
        let configuration = InstanceMetadataConfiguration(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoint, "AWS_EC2_METADATA_DISABLED": "true"])
        #expect(configuration.endpoint == endpoint && configuration.isDisabled)
        let imds = LiveInstanceMetadataClient(configuration: configuration, transport: AWSTestContext.transport, now: { Date() })
        let error = await clientError { () async throws(ClientError) in _ = try await imds.instanceMetadata() }
        #expect(error?.kind == .configuration)
        #expect(await sandbox.requests().isEmpty)
    }

    @Test func instanceRoleCredentialsThroughTheChainAreRefreshedBeforeExpiry() async throws {
        let sandbox = try await Self.start()
        defer { Task { await sandbox.stop() } }
        let endpoint = try #require(sandbox.httpURL)
        let clock = sandbox.clock
        let chain = CredentialsChain(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoint], files: SharedConfigFiles(),
                                     transport: AWSTestContext.transport, region: nil, logger: .init(label: "t"), now: { clock.currentDate })
        #expect(try chain.source() == .instanceMetadata)
        let provider = try chain.provider()
        let first = try await provider.credentials(at: clock.currentDate)
        let expected = IMDSConfiguration.Credentials()
        #expect(first.accessKeyID == expected.accessKeyID)
        #expect(first.secretAccessKey == expected.secretAccessKey)
        #expect(first.sessionToken == expected.token)
        #expect(first.expiration == clock.currentDate.addingTimeInterval(3600))

        // IMDS rotates the role's keys; ours are kept until 5 minutes before they expire.
        await sandbox.world.updateIMDS { $0.credentials.accessKeyID = "ASIAROTATEDEXAMPLE00" }
        clock.advance(by: .seconds(3000))
        #expect(try await provider.credentials(at: clock.currentDate).accessKeyID == expected.accessKeyID)
        clock.advance(by: .seconds(400))
        #expect(try await provider.credentials(at: clock.currentDate).accessKeyID == "ASIAROTATEDEXAMPLE00")
        let roleReads = await sandbox.requests().filter { $0.path == "/latest/meta-data/iam/security-credentials/ranchhand-node" }
        #expect(roleReads.count == 2)
    }

    @Test func regionFallsBackToInstanceMetadata() async throws {
        let sandbox = try await Self.start { $0.region = "ap-southeast-2" }
        defer { Task { await sandbox.stop() } }
        let region = try await RegionResolver.region(environment: [:], files: SharedConfigFiles(), metadata: try Self.client(sandbox))
        #expect(region == "ap-southeast-2")
    }
}

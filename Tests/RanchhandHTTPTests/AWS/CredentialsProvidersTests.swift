import Foundation
import RanchhandClients
import RanchhandTestSupport
import Testing
@testable import RanchhandHTTP

@Suite struct CredentialsProvidersTests {
    static func chain(_ environment: [String: String], home: TemporaryHome) throws -> CredentialsChain {
        var environment = environment
        environment["HOME"] = home.path
        return CredentialsChain(environment: environment, files: try SharedConfigFiles.load(environment: environment),
                                transport: AWSTestContext.transport, region: "us-east-1", logger: .init(label: "t"), now: { Date() })
    }

    @Test func roleArnWithSourceProfileAssumesTheRoleThroughSTS() async throws {
        let moto = try await MotoServer.shared.endpoints().moto
        let home = try TemporaryHome(config: """
            [profile deploy]
            role_arn = arn:aws:iam::123456789012:role/ranchhand-deploy
            source_profile = base
            role_session_name = ranchhand-ci
            duration_seconds = 900
            """, credentials: "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n")
        defer { home.remove() }
        let provider = try Self.chain(["AWS_PROFILE": "deploy", "AWS_ENDPOINT_URL_STS": moto], home: home).provider()
        let now = Date()
        let credentials = try await provider.credentials(at: now)
        #expect(credentials.accessKeyID != "AKIDBASE" && !credentials.accessKeyID.isEmpty)
        #expect(credentials.secretAccessKey != "base-secret")
        #expect(credentials.sessionToken?.isEmpty == false)
        #expect((credentials.expiration ?? .distantPast) > now)
        // Cached: asked again before expiry, the same credentials come back without another call.
        #expect(try await provider.credentials(at: now.addingTimeInterval(60)) == credentials)
    }

    @Test func webIdentityFromTheEnvironment() async throws {
        let moto = try await MotoServer.shared.endpoints().moto
        let home = try TemporaryHome()
        defer { home.remove() }
        let tokenFile = try home.write("token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb2QifQ.c2lnbmF0dXJl\n")
        let chain = try Self.chain(["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/irsa",
                                    "AWS_ROLE_SESSION_NAME": "ranchhand-pod", "AWS_ENDPOINT_URL_STS": moto], home: home)
        #expect(try chain.source() == .webIdentity(tokenFile: tokenFile, roleARN: "arn:aws:iam::123456789012:role/irsa"))
        let credentials = try await chain.provider().credentials(at: Date())
        #expect(!credentials.accessKeyID.isEmpty && credentials.sessionToken?.isEmpty == false)

        let missing = WebIdentityCredentialsProvider(tokenFile: home.path + "/absent", roleARN: "arn:aws:iam::1:role/r",
                                                     sts: LiveSTSClient(sender: AWSTestContext.sender(endpoint: moto)))
        let error = await clientError { () async throws(ClientError) in _ = try await missing.credentials(at: Date()) }
        #expect(error?.kind == .credentials)
        #expect(error?.message.contains("AWS_WEB_IDENTITY_TOKEN_FILE") == true)
    }

    @Test func credentialProcessRunsTheCommand() async throws {
        let home = try TemporaryHome()
        defer { home.remove() }
        let script = try home.write("creds.sh", """
            #!/bin/sh
            echo "asked for $1 as $RANCHHAND_TEST_USER" >&2
            printf '{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "process-secret", "SessionToken": "process-token", "Expiration": "2099-01-01T00:00:00Z"}'
            """, executable: true)
        let provider = ProcessCredentialsProvider(command: "\(script) ranchhand", environment: ["RANCHHAND_TEST_USER": "tester", "PATH": "/usr/bin:/bin"])
        let credentials = try await provider.credentials(at: Date())
        #expect(credentials.accessKeyID == "AKIDPROCESS")
        #expect(credentials.secretAccessKey == "process-secret")
        #expect(credentials.sessionToken == "process-token")
        #expect(credentials.expiration == ISO8601Timestamp.date(from: "2099-01-01T00:00:00Z"))

        // Through a profile, as `credential_process`.
        let home2 = try TemporaryHome(config: "[profile tool]\ncredential_process = \(script) viaprofile\n")
        defer { home2.remove() }
        let viaProfile = try await Self.chain(["AWS_PROFILE": "tool"], home: home2).provider().credentials(at: Date())
        #expect(viaProfile.accessKeyID == "AKIDPROCESS")
    }

    @Test func credentialProcessFailuresNeverQuoteItsOutput() async throws {
        let home = try TemporaryHome()
        defer { home.remove() }
        let failing = try home.write("fail.sh", "#!/bin/sh\necho 'token expired, run login' >&2\nexit 3\n", executable: true)
        let failed = await clientError { () async throws(ClientError) in
            _ = try await ProcessCredentialsProvider(command: failing, environment: [:]).credentials(at: Date())
        }
        #expect(failed?.kind == .credentials)
        #expect(failed?.message.contains("status 3") == true)
        #expect(failed?.message.contains("token expired, run login") == true)

        let garbled = try home.write("garbled.sh", "#!/bin/sh\necho '{\"Version\": 1, \"SecretAccessKey\": \"leaked-secret-value\"'\n", executable: true)
        let unreadable = await clientError { () async throws(ClientError) in
            _ = try await ProcessCredentialsProvider(command: garbled, environment: [:]).credentials(at: Date())
        }
        #expect(unreadable?.kind == .credentials)
        #expect(unreadable?.message.contains("leaked-secret-value") == false)
    }
}

/// Counts fetches and hands out credentials that expire `lifetime` after the time asked.
actor CountingProvider: CredentialsProvider {
    private(set) var fetches = 0
    let lifetime: TimeInterval
    var failing = false
    init(lifetime: TimeInterval) { self.lifetime = lifetime }
    func setFailing(_ value: Bool) { failing = value }

    func credentials(at now: Date) async throws(ClientError) -> AWSCredentials {
        fetches += 1
        let number = fetches
        try? await Task.sleep(for: .milliseconds(50))
        if failing { throw ClientError(.credentials, service: "test", operation: "fetch", message: "down") }
        return AWSCredentials(accessKeyID: "AKID\(number)", secretAccessKey: "s", sessionToken: "t", expiration: now.addingTimeInterval(lifetime))
    }
}

@Suite struct CachedCredentialsProviderTests {
    @Test func refreshesOnlyWithinTheMarginBeforeExpiry() async throws {
        let source = CountingProvider(lifetime: 3600)
        let cached = CachedCredentialsProvider(source, refreshMargin: 300)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try await cached.credentials(at: start).accessKeyID == "AKID1")
        #expect(try await cached.credentials(at: start.addingTimeInterval(3299)).accessKeyID == "AKID1")
        #expect(try await cached.credentials(at: start.addingTimeInterval(3301)).accessKeyID == "AKID2")
        #expect(await source.fetches == 2)
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        let source = CountingProvider(lifetime: 3600)
        let cached = CachedCredentialsProvider(source)
        let now = Date()
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await cached.credentials(at: now).accessKeyID } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(keys == ["AKID1"])
        #expect(await source.fetches == 1)
    }

    @Test func aFailedRefreshKeepsStillValidCredentials() async throws {
        let source = CountingProvider(lifetime: 600)
        let cached = CachedCredentialsProvider(source, refreshMargin: 300)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try await cached.credentials(at: start)
        await source.setFailing(true)
        #expect(try await cached.credentials(at: start.addingTimeInterval(400)).accessKeyID == "AKID1")
        let expired = await clientError { () async throws(ClientError) in _ = try await cached.credentials(at: start.addingTimeInterval(700)) }
        #expect(expired?.message == "down")
    }
}

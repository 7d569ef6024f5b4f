import Foundation
import RanchhandClients
import RanchhandTestSupport
import Testing
@testable import RanchhandHTTP

/// A HOME-like directory of the test's own, with `.aws/config` and `.aws/credentials`.
struct TemporaryHome {
    let path: String

    init(config: String = "", credentials: String = "") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent(MotoServer.uniqueName("rh-home")).path
        try FileManager.default.createDirectory(atPath: path + "/.aws", withIntermediateDirectories: true)
        try config.write(toFile: path + "/.aws/config", atomically: true, encoding: .utf8)
        try credentials.write(toFile: path + "/.aws/credentials", atomically: true, encoding: .utf8)
    }

    func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file) }
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

@Suite struct CredentialsFilesTests {
    static let config = """
        # comment
        [default]
        region = eu-west-1
        [profile static]
        aws_access_key_id = AKIDCONFIG
        aws_secret_access_key = from-config ; inline comment
        s3 =
          max_concurrent_requests = 20
        [profile sso]
        sso_session = corp
        sso_account_id = 123456789012
        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        [profile loop-a]
        role_arn = arn:aws:iam::123456789012:role/a
        source_profile = loop-b
        [profile loop-b]
        role_arn = arn:aws:iam::123456789012:role/b
        source_profile = loop-a
        [profile region-only]
        region = ap-south-1
        """
    static let credentials = """
        [static]
        aws_secret_access_key = from-credentials
        [default]
        aws_access_key_id = AKIDDEFAULT
        aws_secret_access_key = default-secret
        """

    @Test func parsesBothFilesWithCredentialsWinning() {
        let files = SharedConfigFiles(config: Self.config, credentials: Self.credentials)
        #expect(files.profile("static")?["aws_access_key_id"] == "AKIDCONFIG")
        #expect(files.profile("static")?["aws_secret_access_key"] == "from-credentials")
        #expect(files.profile("default")?["region"] == "eu-west-1")
        #expect(files.profile("sso")?["sso_session"] == "corp")
        #expect(files.profile("corp") == nil)
        #expect(files.profile("static")?["max_concurrent_requests"] == nil)
    }

    @Test func loadsFromHomeOrTheVariables() throws {
        let home = try TemporaryHome(config: Self.config, credentials: Self.credentials)
        defer { home.remove() }
        let fromHome = try SharedConfigFiles.load(environment: ["HOME": home.path])
        #expect(fromHome.profile("default")?["aws_access_key_id"] == "AKIDDEFAULT")
        let moved = try home.write("other-config", "[profile moved]\nregion = us-west-2\n")
        let fromVariable = try SharedConfigFiles.load(environment: ["HOME": "/nonexistent", "AWS_CONFIG_FILE": moved])
        #expect(fromVariable.profiles.keys.sorted() == ["moved"])
    }

    @Test func chainPicksSourcesInSDKOrder() async throws {
        let files = SharedConfigFiles(config: Self.config, credentials: Self.credentials)
        func source(_ environment: [String: String], _ files: SharedConfigFiles = files) throws(ClientError) -> CredentialsSource {
            try CredentialsChain(environment: environment, files: files, transport: AWSTestContext.transport, region: nil,
                                 logger: .init(label: "t"), now: { Date() }).source()
        }
        let keys = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"]
        let web = ["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"]
        let container = ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"]
        #expect(try source(keys.merging(web) { a, _ in a }) == .environment)
        #expect(try source(web.merging(["AWS_PROFILE": "static"]) { a, _ in a }) == .webIdentity(tokenFile: "/var/run/token", roleARN: "arn:aws:iam::1:role/r"))
        #expect(try source(["AWS_PROFILE": "static"].merging(container) { a, _ in a }) == .profile("static"))
        #expect(try source([:]) == .profile("default"))
        #expect(try source(container, SharedConfigFiles()) == .container(url: "http://169.254.170.2/v2/credentials/abc"))
        #expect(try source([:], SharedConfigFiles()) == .instanceMetadata)
        // A profile named explicitly must have credentials: falling through would use someone else's.
        let regionOnly = await clientError { () async throws(ClientError) in _ = try source(["AWS_PROFILE": "region-only"].merging(container) { a, _ in a }) }
        #expect(regionOnly?.message.contains("region-only") == true)
        let disabled = await clientError { () async throws(ClientError) in
            _ = try source(["AWS_EC2_METADATA_DISABLED": "true"], SharedConfigFiles())
        }
        #expect(disabled?.kind == .credentials)
        let missing = await clientError { () async throws(ClientError) in _ = try source(["AWS_PROFILE": "nope"]) }
        #expect(missing?.message.contains("nope") == true)
    }

    @Test func staticProfileAndEnvironmentKeys() async throws {
        let files = SharedConfigFiles(config: Self.config, credentials: Self.credentials)
        let chain = CredentialsChain(environment: ["AWS_PROFILE": "static"], files: files, transport: AWSTestContext.transport,
                                     region: nil, logger: .init(label: "t"), now: { Date() })
        let fromProfile = try await chain.provider().credentials(at: Date())
        #expect(fromProfile == AWSCredentials(accessKeyID: "AKIDCONFIG", secretAccessKey: "from-credentials"))
        let environment = EnvironmentCredentialsProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "lambda-token",
        ])
        #expect(try await environment.credentials(at: Date()) == AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "env-secret",
                                                                                 sessionToken: "lambda-token"))
    }

    @Test func ssoProfilesAreRefusedByName() {
        let files = SharedConfigFiles(config: Self.config, credentials: Self.credentials)
        let chain = CredentialsChain(environment: ["AWS_PROFILE": "sso"], files: files, transport: AWSTestContext.transport,
                                     region: nil, logger: .init(label: "t"), now: { Date() })
        #expect(throws: ClientError.self) { try chain.provider() }
        do {
            _ = try chain.provider()
        } catch {
            #expect(error.kind == .credentials)
            #expect(error.message.contains("profile sso"))
            #expect(error.message.contains("IAM Identity Center (SSO"))
            #expect(error.message.contains("aws configure export-credentials --profile sso"))
        }
    }

    @Test func sourceProfileLoopsAreReported() {
        let files = SharedConfigFiles(config: Self.config, credentials: Self.credentials)
        let chain = CredentialsChain(environment: ["AWS_PROFILE": "loop-a"], files: files, transport: AWSTestContext.transport,
                                     region: nil, logger: .init(label: "t"), now: { Date() })
        do {
            _ = try chain.provider()
            Issue.record("a source_profile loop was accepted")
        } catch {
            #expect(error.message.contains("loop-a → loop-b → loop-a"))
        }
    }

    @Test func regionComesFromEnvironmentThenProfile() async throws {
        let files = SharedConfigFiles(config: Self.config, credentials: Self.credentials)
        #expect(RegionResolver.configuredRegion(environment: ["AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "x"], files: files) == "us-east-2")
        #expect(RegionResolver.configuredRegion(environment: ["AWS_DEFAULT_REGION": "ca-central-1"], files: files) == "ca-central-1")
        #expect(RegionResolver.configuredRegion(environment: [:], files: files) == "eu-west-1")
        #expect(RegionResolver.configuredRegion(environment: ["AWS_PROFILE": "region-only"], files: files) == "ap-south-1")
        let none = await clientError { () async throws(ClientError) in
            _ = try await RegionResolver.region(environment: ["AWS_EC2_METADATA_DISABLED": "true"], files: SharedConfigFiles(), metadata: nil)
        }
        #expect(none?.kind == .configuration)
    }
}

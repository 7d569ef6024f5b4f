import RanchhandClients
import RanchhandHTTP
import RanchhandTestSupport
import Testing

@Suite struct SSMClientTests {
    @Test func getParameterDecryptsSecureStrings() async throws {
        let seed = try await AWSTestContext.seed()
        let prefix = "/\(MotoServer.uniqueName("ranchhand"))"
        let secret = "rancher-token-\(MotoServer.uniqueName("s"))"
        try await seed.parameters([
            .init(name: "\(prefix)/url", value: "https://rancher.example.com"),
            .init(name: "\(prefix)/token", type: "SecureString", value: secret),
        ])
        let ssm = LiveSSMClient(sender: try await AWSTestContext.motoSender())
        let plain = try await ssm.getParameter("\(prefix)/url", decrypt: false)
        #expect(plain.value == "https://rancher.example.com")
        #expect(plain.type == .string)
        let token = try await ssm.getParameter("\(prefix)/token", decrypt: true)
        #expect(token.value == secret)
        #expect(token.type == .secureString)
        #expect(token.version == 1)
        #expect(!"\(token)".contains(secret) && !String(reflecting: token).contains(secret))
        let encrypted = try await ssm.getParameter("\(prefix)/token", decrypt: false)
        #expect(encrypted.value != secret)
    }

    @Test func getParametersByPathReadsEveryPage() async throws {
        let seed = try await AWSTestContext.seed()
        let prefix = "/\(MotoServer.uniqueName("ranchhand"))"
        let top = (1...23).map { Seed.Parameter(name: "\(prefix)/p\($0)", value: "v\($0)") }
        let nested = [Seed.Parameter(name: "\(prefix)/nested/deep", type: "SecureString", value: "hidden")]
        try await seed.parameters(top + nested)
        try await withOwnFaultProxy { proxy, url in
            let ssm = LiveSSMClient(sender: AWSTestContext.sender(endpoint: url))
            let oneLevel = try await ssm.getParametersByPath(prefix, recursive: false, decrypt: true)
            #expect(Set(oneLevel.map(\.name)) == Set(top.map(\.name)))
            #expect(oneLevel.first { $0.name == "\(prefix)/p17" }?.value == "v17")
            // 23 parameters at 10 a page.
            #expect(try await proxy.log().filter { $0.target == "AmazonSSM.GetParametersByPath" }.count == 3)
            let all = try await ssm.getParametersByPath(prefix, recursive: true, decrypt: true)
            #expect(all.count == 24)
            #expect(all.first { $0.name == "\(prefix)/nested/deep" }?.value == "hidden")
        }
    }

    @Test func missingParameterIsParameterNotFound() async throws {
        let ssm = LiveSSMClient(sender: try await AWSTestContext.motoSender())
        let error = await clientError { () async throws(ClientError) in
            _ = try await ssm.getParameter("/\(MotoServer.uniqueName("missing"))", decrypt: true)
        }
        #expect(error?.code == "ParameterNotFound")
        #expect(error?.statusCode == 400)
    }
}

import Foundation
import Logging
import RanchhandClients
import RanchhandTestSupport
import Testing
@testable import RanchhandHTTP

/// Secret keys, session tokens and SecureString values never reach a log line or an error, on
/// success or failure. Every operation runs with a trace-level recording logger on the sender
/// and on a transport of its own.
@Suite struct SecretsNeverLoggedTests {
    @Test func secretsStayOutOfLogsAndErrors() async throws {
        let seed = try await AWSTestContext.seed()
        let store = RecordingLogHandler.Store()
        let transport = try AsyncHTTPTransport(logger: store.logger("http"))
        defer { Task { await transport.shutdown() } }
        let secretKey = "SECRETKEY-\(UUID().uuidString)"
        let sessionToken = "SESSIONTOKEN-\(UUID().uuidString)"
        let parameterValue = "SECURESTRING-\(UUID().uuidString)"
        let webIdentityToken = "WEBIDENTITY-\(UUID().uuidString)"
        let prefix = "/\(MotoServer.uniqueName("secrets"))"
        try await seed.parameters([.init(name: "\(prefix)/token", type: "SecureString", value: parameterValue)])
        let signing = StaticCredentialsProvider(AWSCredentials(accessKeyID: "AKIDSECRETTEST", secretAccessKey: secretKey, sessionToken: sessionToken))
        var errors: [ClientError] = []
        var assumedSecrets: [String] = []

        try await withOwnFaultProxy { proxy, url in
            let sender = AWSTestContext.sender(endpoint: url, credentials: signing, logger: store.logger("aws"), transport: transport)
            let ssm = LiveSSMClient(sender: sender)
            // Success, with throttling retries logged on the way.
            try await proxy.add([.init(match: .init(target: "AmazonSSM.GetParameter"), fault: .preset("json-throttling"), times: 1)])
            #expect(try await ssm.getParameter("\(prefix)/token", decrypt: true).value == parameterValue)
            #expect(try await ssm.getParametersByPath(prefix, recursive: true, decrypt: true).map(\.value) == [parameterValue])
            // An answer cut short mid-value: the parse error must not quote it.
            try await proxy.add([.init(match: .init(target: "AmazonSSM.GetParameter"),
                                       fault: .answer(200, #"{"Parameter": {"Name": "\#(prefix)/token", "Type": "SecureString", "Value": "\#(parameterValue)"#),
                                       times: 1)])
            if let error = await clientError({ () async throws(ClientError) in _ = try await ssm.getParameter("\(prefix)/token", decrypt: true) }) {
                errors.append(error)
            }
            // Plain failures.
            if let error = await clientError({ () async throws(ClientError) in _ = try await ssm.getParameter("\(prefix)/missing", decrypt: true) }) {
                errors.append(error)
            }
            let sts = LiveSTSClient(sender: sender)
            let assumed = try await sts.assumeRole(AssumeRoleRequest(roleARN: "arn:aws:iam::123456789012:role/secrets", sessionName: "s"))
            assumedSecrets = [assumed.secretAccessKey, assumed.sessionToken]
            let web = try await sts.assumeRoleWithWebIdentity(AssumeRoleWithWebIdentityRequest(
                roleARN: "arn:aws:iam::123456789012:role/irsa", sessionName: "pod", webIdentityToken: webIdentityToken))
            assumedSecrets += [web.secretAccessKey, web.sessionToken]
            try await proxy.add([.init(match: .init(action: "AssumeRole"), fault: .answer(200, "<AssumeRoleResponse><AssumeRoleResult><Credentials><SecretAccessKey>\(secretKey)</SecretAccessKey>"), times: 1)])
            if let error = await clientError({ () async throws(ClientError) in
                _ = try await sts.assumeRole(AssumeRoleRequest(roleARN: "arn:aws:iam::123456789012:role/secrets", sessionName: "s"))
            }) {
                errors.append(error)
            }
            try await proxy.add([.init(match: .init(action: "DescribeInstances"), fault: .preset("html-500"))])
            if let error = await clientError({ () async throws(ClientError) in _ = try await LiveEC2Client(sender: sender).describeInstances(.init()) }) {
                errors.append(error)
            }
        }
        let secrets = [secretKey, sessionToken, parameterValue, webIdentityToken] + assumedSecrets
        let logged = store.text
        #expect(store.recorded.contains { $0.contains("retrying AWS call") }, "the retry was logged")
        #expect(errors.count == 4)
        for secret in secrets {
            #expect(!logged.contains(secret), "a secret reached the log")
            for error in errors {
                #expect(!"\(error)".contains(secret) && !String(reflecting: error).contains(secret), "a secret reached an error: \(error.operation)")
            }
        }
    }
}

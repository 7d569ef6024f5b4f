import Foundation
import Logging
import RanchhandClients
import Synchronization
import Testing
@testable import RanchhandLambda

/// The SSM layout a Lambda function is configured from, against an in-memory `SSMClient` (moto's SSM
/// and the real tools are exercised in RanchhandLambdaIntegrationTests).
@Suite struct ParameterStoreSettingsTests {
    @Test(arguments: [
        ("--a b  --c\td", ["--a", "b", "--c", "d"]),
        ("", []),
        ("   ", []),
        (#"--target 'a b' --x "c d""#, ["--target", "a b", "--x", "c d"]),
        (#"--q 'it''s'"#, ["--q", "its"]),
        (#"--msg "say \"hi\" \\ \$HOME""#, ["--msg", #"say "hi" \ \$HOME"#]),
        (#"--path a\ b"#, ["--path", "a b"]),
        (#"--empty '' --also """#, ["--empty", "", "--also", ""]),
        (#"--x 'single "double" inside'"#, ["--x", #"single "double" inside"#]),
        ("--url https://r.example.com/a?b=$c&d=~ *", ["--url", "https://r.example.com/a?b=$c&d=~", "*"]),
        ("--a=b\n--c", ["--a=b", "--c"]),
    ])
    func wordsAreSplitWithShellLikeQuoting(text: String, words: [String]) throws {
        #expect(try CommandLineWords.split(text) == words)
    }

    @Test(arguments: [
        ("--target 'a b", "unbalanced single quote (the ' at character 10 is never closed)"),
        (#"--target "a b"#, #"unbalanced double quote (the " at character 10 is never closed)"#),
        (#"--x "a \""#, #"unbalanced double quote (the " at character 5 is never closed)"#),
        (#"--x a\"#, "a trailing backslash escapes nothing"),
    ])
    func unbalancedQuotesAreRejected(text: String, reason: String) {
        #expect(throws: LambdaConfigurationError(.unbalancedQuote, reason)) { try CommandLineWords.split(text) }
    }

    @Test func loadsOptionsAndTheDecryptedToken() async throws {
        let ssm = InMemorySSM([
            SSMParameter(name: "/ranchhand/prod/scale-in/options", type: .string, value: "--cluster-id c-m-1 --ca-checksum 'ab cd'"),
            SSMParameter(name: "/ranchhand/prod/scale-in/rancher-token", type: .secureString, value: "token-abc:s3cr3t"),
        ])
        let settings = try await ParameterStoreSettings.load(prefix: "/ranchhand/prod/scale-in", ssm: ssm)
        #expect(settings.prefix == "/ranchhand/prod/scale-in/")
        #expect(settings.arguments == ["--cluster-id", "c-m-1", "--ca-checksum", "ab cd"])
        #expect(try settings.rancherToken() == "token-abc:s3cr3t")
        #expect(ssm.requests == ["/ranchhand/prod/scale-in/options decrypt", "/ranchhand/prod/scale-in/rancher-token decrypt"])
        #expect(!"\(settings)".contains("s3cr3t") && "\(settings)".contains("<redacted>"))
        #expect(!String(reflecting: settings).contains("s3cr3t"))
    }

    @Test func aMissingOptionsParameterIsNamed() async {
        let ssm = InMemorySSM([SSMParameter(name: "/ranchhand/prod/dns/rancher-token", type: .secureString, value: "t")])
        await #expect(throws: LambdaConfigurationError(
            .missingParameter, "SSM parameter /ranchhand/prod/dns/options not found: it holds the tool's options (infra/handlers.yaml creates it)"
        )) { try await ParameterStoreSettings.load(prefix: "/ranchhand/prod/dns/", ssm: ssm) }
    }

    @Test func aMissingTokenIsNamedWhenItIsAskedFor() async throws {
        let ssm = InMemorySSM([SSMParameter(name: "/ranchhand/prod/dns/options", type: .string, value: "--zone-id Z1")])
        let settings = try await ParameterStoreSettings.load(prefix: "/ranchhand/prod/dns/", ssm: ssm)
        #expect(throws: LambdaConfigurationError(.missingParameter, "SSM parameter /ranchhand/prod/dns/rancher-token not found: put the Rancher API "
                                                 + "token there as a SecureString (infra/README.md, Deploying step 3)")) { try settings.rancherToken() }
    }

    @Test func aTokenStoredAsPlainStringIsRefused() async {
        let ssm = InMemorySSM([
            SSMParameter(name: "/r/c/scale-in/options", type: .string, value: ""),
            SSMParameter(name: "/r/c/scale-in/rancher-token", type: .string, value: "token-abc:s3cr3t"),
        ])
        await #expect {
            try await ParameterStoreSettings.load(prefix: "/r/c/scale-in/", ssm: ssm)
        } throws: { error in
            let error = error as? LambdaConfigurationError
            return error?.code == .notSecure && error?.message.hasPrefix("SSM parameter /r/c/scale-in/rancher-token is a String") == true
                && error?.message.contains("s3cr3t") == false
        }
    }

    @Test func anSSMFailureOtherThanNotFoundIsReportedWithTheParameter() async {
        let ssm = InMemorySSM([], failure: ClientError(.service, service: "ssm", operation: "GetParameter", statusCode: 400,
                                                        code: "AccessDeniedException", message: "not authorized"))
        await #expect(throws: LambdaConfigurationError(.unreadable, "SSM parameter /r/c/dns/options could not be read: ssm GetParameter: "
                                                       + "service error AccessDeniedException (HTTP 400): not authorized")) {
            try await ParameterStoreSettings.load(prefix: "/r/c/dns/", ssm: ssm)
        }
    }

    @Test func anUnbalancedQuoteInTheStoredOptionsNamesTheParameter() async {
        let ssm = InMemorySSM([SSMParameter(name: "/r/c/dns/options", type: .string, value: "--target 'lb one")])
        await #expect(throws: LambdaConfigurationError(.unbalancedQuote, "SSM parameter /r/c/dns/options: unbalanced single quote "
                                                       + "(the ' at character 10 is never closed)")) {
            try await ParameterStoreSettings.load(prefix: "/r/c/dns/", ssm: ssm)
        }
    }

    @Test func aPrefixThatIsNotAPathIsRefused() async {
        await #expect { try await ParameterStoreSettings.load(prefix: "ranchhand", ssm: InMemorySSM([])) } throws: {
            ($0 as? LambdaConfigurationError)?.code == .invalidPrefix
        }
    }

    @Test func theStartupReportsAParserErrorAsAnInitErrorNamingTheParameter() async {
        let ssm = InMemorySSM([
            SSMParameter(name: "/r/c/scale-in/options", type: .string, value: "--clustr c-1"),
            SSMParameter(name: "/r/c/scale-in/rancher-token", type: .secureString, value: "token-abc:s3cr3t"),
        ])
        let api = RecordingRuntimeAPI()
        let startup = await ParameterStoreStartup<[String]>.configure(
            prefix: "/r/c/scale-in/", ssm: { ssm }, api: api, logger: Logger(label: "test"), subcommand: ["lambda"],
            parse: { words in
                if let unknown = words.first(where: { $0.hasPrefix("--") && $0 != "--cluster-id" }) { throw ParserFailure(option: unknown) }
                return words
            },
            parserMessage: { "Unknown option '\(($0 as? ParserFailure)?.option ?? "?")'" }, needsRancherToken: { _ in true })
        #expect(startup?.command == nil)
        #expect(await api.sent == [.initializationError(LambdaErrorReport(
            errorType: "Ranchhand.InitializationFailed", errorMessage: #"SSM parameter /r/c/scale-in/options ("--clustr c-1"): Unknown option '--clustr'"#))])
    }

    @Test func theStartupHandsTheParsedCommandAndTokenOver() async throws {
        let ssm = InMemorySSM([
            SSMParameter(name: "/r/c/dns/options", type: .string, value: "--zone-id Z1 --rancher-url https://r"),
            SSMParameter(name: "/r/c/dns/rancher-token", type: .secureString, value: "token-abc:s3cr3t"),
        ])
        let api = RecordingRuntimeAPI()
        let lines = Mutex<[String]>([])
        let logger = Logger(label: "test") { JSONLogHandler(label: $0, write: { line in lines.withLock { $0.append(line) } }) }
        let startup = try #require(await ParameterStoreStartup<[String]>.configure(
            prefix: "/r/c/dns/", ssm: { ssm }, api: api, logger: logger, subcommand: ["lambda"], parse: { $0 }, parserMessage: { "\($0)" },
            needsRancherToken: { $0.contains("--rancher-url") }))
        #expect(startup.command == ["lambda", "--zone-id", "Z1", "--rancher-url", "https://r"])
        #expect(startup.rancherToken == "token-abc:s3cr3t")
        #expect(await api.sent.isEmpty)
        let logged = lines.withLock { $0 }.joined(separator: "\n")
        #expect(logged.contains("configuration read from SSM") && !logged.contains("s3cr3t"))
    }

    @Test func aToolThatNeedsNoTokenStartsWithoutOne() async throws {
        let ssm = InMemorySSM([SSMParameter(name: "/r/c/dns/options", type: .string, value: "--zone-id Z1 --group g --node-record n")])
        let startup = try #require(await ParameterStoreStartup<[String]>.configure(
            prefix: "/r/c/dns/", ssm: { ssm }, api: RecordingRuntimeAPI(), logger: Logger(label: "test"), subcommand: ["lambda"], parse: { $0 },
            parserMessage: { "\($0)" }, needsRancherToken: { $0.contains("--rancher-url") }))
        #expect(startup.rancherToken == nil)
    }

    @Test func aToolThatNeedsTheTokenFailsInitWithoutIt() async {
        let ssm = InMemorySSM([SSMParameter(name: "/r/c/scale-in/options", type: .string, value: "--cluster-id c-1")])
        let api = RecordingRuntimeAPI()
        let startup = await ParameterStoreStartup<[String]>.configure(
            prefix: "/r/c/scale-in/", ssm: { ssm }, api: api, logger: Logger(label: "test"), subcommand: ["lambda"], parse: { $0 },
            parserMessage: { "\($0)" }, needsRancherToken: { _ in true })
        #expect(startup?.command == nil)
        guard case .initializationError(let report)? = await api.sent.first else { Issue.record("no init error"); return }
        #expect(report.errorMessage.hasPrefix("SSM parameter /r/c/scale-in/rancher-token not found"))
    }
}

private struct ParserFailure: Error { let option: String }

/// Parameters by name; GetParameter answers ParameterNotFound for the others, as SSM does.
private final class InMemorySSM: SSMClient {
    private let parameters: [String: SSMParameter]
    private let failure: ClientError?
    private let log = Mutex<[String]>([])

    init(_ parameters: [SSMParameter], failure: ClientError? = nil) {
        self.parameters = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0) })
        self.failure = failure
    }

    var requests: [String] { log.withLock { $0 } }

    func getParameter(_ name: String, decrypt: Bool) async throws(ClientError) -> SSMParameter {
        log.withLock { $0.append("\(name)\(decrypt ? " decrypt" : "")") }
        if let failure { throw failure }
        guard let parameter = parameters[name] else {
            throw ClientError(.service, service: "ssm", operation: "GetParameter", statusCode: 400, code: "ParameterNotFound", message: "")
        }
        return parameter
    }

    func getParametersByPath(_ path: String, recursive: Bool, decrypt: Bool) async throws(ClientError) -> [SSMParameter] {
        Issue.record("the functions' roles allow only GetParameter")
        return []
    }
}

private actor RecordingRuntimeAPI: LambdaRuntimeAPI {
    private(set) var sent: [LambdaRuntimeRequest] = []
    func send(_ request: LambdaRuntimeRequest) async throws(ClientError) -> LambdaRuntimeResponse {
        sent.append(request)
        return .accepted
    }
}

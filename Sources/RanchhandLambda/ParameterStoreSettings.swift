import Logging
import RanchhandClients

/// A Lambda function's configuration in SSM Parameter Store, as `infra/handlers.yaml` lays it out:
/// the function's environment holds only `RANCHHAND_SSM_PREFIX=/ranchhand/<cluster>/<tool>/`, and
/// under that prefix
///
/// - `<prefix>options` — String: the tool's command-line options, one line, split into words by
///   `CommandLineWords` and parsed by the tool's own command exactly as if typed after `lambda`;
/// - `<prefix>rancher-token` — SecureString: the Rancher API token (never an option, never logged).
///
/// Both are read once, at start-up, with `ssm:GetParameter` (the only SSM action the roles have).
/// `description` never shows the token, so the value can be logged or put into an error.
public struct ParameterStoreSettings: Sendable, CustomStringConvertible {
    /// The environment variable naming the prefix.
    public static let prefixVariable = "RANCHHAND_SSM_PREFIX"

    public let prefix: String
    /// The `options` parameter as stored.
    public let optionsText: String
    /// `optionsText` split into words.
    public let arguments: [String]
    private let token: SSMParameter?

    public init(prefix: String, optionsText: String, rancherToken: SSMParameter?) throws(LambdaConfigurationError) {
        self.prefix = Self.normalised(prefix)
        self.optionsText = optionsText
        do {
            arguments = try CommandLineWords.split(optionsText)
        } catch {
            throw LambdaConfigurationError(.unbalancedQuote, "SSM parameter \(Self.normalised(prefix))options: \(error.message)")
        }
        token = rancherToken
    }

    public var optionsParameterName: String { prefix + "options" }
    public var rancherTokenParameterName: String { Self.rancherTokenParameterName(prefix: prefix) }
    public static func rancherTokenParameterName(prefix: String) -> String { normalised(prefix) + "rancher-token" }

    /// Reads `<prefix>options` (required) and `<prefix>rancher-token` (a SecureString; only its
    /// absence is tolerated here — `rancherToken()` fails for a tool that needs it).
    public static func load(prefix: String, ssm: any SSMClient) async throws(LambdaConfigurationError) -> ParameterStoreSettings {
        let base = normalised(prefix)
        guard base.hasPrefix("/"), base.count > 1 else {
            throw LambdaConfigurationError(.invalidPrefix, "\(prefixVariable) must be an SSM path such as /ranchhand/<cluster>/<tool>/, not '\(prefix)'")
        }
        guard let options = try await parameter(base + "options", ssm: ssm) else {
            throw LambdaConfigurationError(.missingParameter,
                                           "SSM parameter \(base)options not found: it holds the tool's options (infra/handlers.yaml creates it)")
        }
        let token = try await parameter(base + "rancher-token", ssm: ssm)
        if let token, !token.isSecret {
            throw LambdaConfigurationError(.notSecure, "SSM parameter \(token.name) is a \(token.type): store the Rancher token as a SecureString "
                                           + "(aws ssm put-parameter --type SecureString --overwrite …)")
        }
        return try ParameterStoreSettings(prefix: base, optionsText: options.value, rancherToken: token)
    }

    /// The Rancher API token; a missing parameter is an error naming it.
    public func rancherToken() throws(LambdaConfigurationError) -> String {
        guard let token, !token.value.isEmpty else {
            throw LambdaConfigurationError(.missingParameter, "SSM parameter \(rancherTokenParameterName) not found: put the Rancher API token there "
                                           + "as a SecureString (infra/README.md, Deploying step 3)")
        }
        return token.value
    }

    /// The tool's parsed command for `subcommand` followed by the stored options. `parse` is the
    /// tool's ArgumentParser entry (`parseAsRoot`); a parser error becomes a configuration error
    /// carrying the parser's own message (`message(for:)`), prefixed with the parameter's name.
    public func command<Command>(_ subcommand: [String], parse: ([String]) throws -> Command,
                                 parserMessage: (any Error) -> String) throws(LambdaConfigurationError) -> Command {
        do {
            return try parse(subcommand + arguments)
        } catch {
            throw LambdaConfigurationError(.invalidOptions, "SSM parameter \(optionsParameterName) (\"\(optionsText)\"): \(parserMessage(error))")
        }
    }

    public var description: String {
        "ParameterStoreSettings(\(prefix): options \(arguments), rancher-token \(token == nil ? "absent" : "<redacted>"))"
    }

    private static func normalised(_ prefix: String) -> String {
        prefix.hasSuffix("/") ? prefix : prefix + "/"
    }

    /// nil for ParameterNotFound; any other failure names the parameter and what SSM said.
    private static func parameter(_ name: String, ssm: any SSMClient) async throws(LambdaConfigurationError) -> SSMParameter? {
        do {
            return try await ssm.getParameter(name, decrypt: true)
        } catch {
            if error.isCode("ParameterNotFound") { return nil }
            throw LambdaConfigurationError(.unreadable, "SSM parameter \(name) could not be read: \(error)")
        }
    }
}

/// Why a function's configuration could not be loaded; `description` is what the Runtime API's
/// init error carries. Never holds a secret.
public struct LambdaConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let invalidPrefix = Code("invalid prefix")
        public static let missingParameter = Code("missing parameter")
        public static let unreadable = Code("unreadable parameter")
        public static let notSecure = Code("secret not a SecureString")
        public static let unbalancedQuote = Code("unbalanced quote")
        public static let invalidOptions = Code("invalid options")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// What a function configured through `RANCHHAND_SSM_PREFIX` starts with: its parsed command and,
/// when the command needs one, the Rancher token.
public struct ParameterStoreStartup<Command> {
    public let command: Command
    public let rancherToken: String?
    public let settings: ParameterStoreSettings

    /// Loads the settings under `prefix`, parses `subcommand` + options with the tool's own parser and
    /// reads the token when `needsRancherToken` says so. Any failure — no credentials, a missing
    /// parameter, an unbalanced quote, a misspelt option — is reported to Lambda as an init error
    /// (`/runtime/init/error`) and nil is returned: the caller exits.
    public static func configure(
        prefix: String, ssm makeSSM: () async throws -> any SSMClient, api: any LambdaRuntimeAPI, logger: Logger,
        subcommand: [String], parse: ([String]) throws -> Command, parserMessage: (any Error) -> String,
        needsRancherToken: (Command) -> Bool
    ) async -> ParameterStoreStartup? {
        do {
            let settings = try await ParameterStoreSettings.load(prefix: prefix, ssm: try await makeSSM())
            let command = try settings.command(subcommand, parse: parse, parserMessage: parserMessage)
            let token = needsRancherToken(command) ? try settings.rancherToken() : nil
            logger.info("configuration read from SSM", metadata: ["prefix": "\(settings.prefix)", "options": "\(settings.optionsText)",
                                                                  "rancher_token": "\(token == nil ? "not needed" : "read (redacted)")"])
            return ParameterStoreStartup(command: command, rancherToken: token, settings: settings)
        } catch {
            await LambdaLoop.reportInitializationError("\(error)", api: api, logger: logger)
            return nil
        }
    }
}

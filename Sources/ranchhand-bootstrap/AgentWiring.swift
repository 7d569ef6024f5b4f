import ArgumentParser
import Foundation
import Logging
import RanchhandHandlers
import RanchhandHTTP
#if canImport(Glibc)
import Glibc
#endif

/// Builds the agent from parsed options and the process environment (the only place that reads it).
struct AgentWiring {
    let agent: BootstrapAgent
    let request: BootstrapRequest
    let transport: AsyncHTTPTransport

    static let defaultConfigPath = "/etc/ranchhand/bootstrap.yaml"
    static let standardPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// Runs `body` with the agent; its transport is shut down on every way out.
    static func with<T>(settings: SettingsOptions, options: AgentOptions, writesLog: Bool, _ body: (AgentWiring) async throws -> T) async throws -> T {
        var logger = Logger(label: "ranchhand.bootstrap") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = ProcessInfo.processInfo.environment["RANCHHAND_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return try await AsyncHTTPTransport.scoped(logger: logger) { transport in
            try await body(try AgentWiring(settings: settings, options: options, writesLog: writesLog, transport: transport, logger: logger))
        }
    }

    private init(settings: SettingsOptions, options: AgentOptions, writesLog: Bool, transport: AsyncHTTPTransport, logger: Logger) throws {
        var environment = ProcessInfo.processInfo.environment
        if (environment["PATH"] ?? "").isEmpty { environment["PATH"] = Self.standardPath }
        if options.runner == .dry, options.root == "/" {
            throw ValidationError("--runner dry still writes files: give --root DIR as well, or use `plan`, which touches nothing")
        }
        let files = RootedFileSystem(root: options.root)
        var layers = [SettingsLayer(source: "flags", values: settings.values), SettingsLayer.environment(environment)]
        let configPath = options.config ?? environment["RANCHHAND_CONFIG"]
        if let path = configPath ?? (files.exists(Self.defaultConfigPath) ? files.hostPath(Self.defaultConfigPath) : nil) {
            layers.append(try Self.configLayer(path))
        }
        let ssmPrefix = options.ssmPrefix ?? environment["RANCHHAND_SSM_PREFIX"]
        var unitArguments = ["run"] + (ssmPrefix.map { ["--ssm-prefix", $0] } ?? []) + (configPath.map { ["--config", $0] } ?? [])
        unitArguments += (options.prepareOnly ? ["--prepare-only"] : []) + settings.arguments
        request = BootstrapRequest(localLayers: layers, ssmPrefix: ssmPrefix, unitArguments: unitArguments, prepareOnly: options.prepareOnly)

        self.transport = transport
        let metadata = LiveInstanceMetadataClient(configuration: InstanceMetadataConfiguration(environment: environment), transport: transport,
                                                  now: { Date() })
        let connector = LiveBootstrapConnector(environment: environment, transport: transport, logger: logger)
        // With --root, commands run inside it too (chroot), so packages and units land where the files do.
        let exec = ProcessCommandRunner(baseEnvironment: environment, prefix: options.root == "/" ? [] : ["chroot", options.root])
        let progress = BootstrapProgress { line in
            Self.printLine(line)
            if writesLog { files.append(HostFiles.logPath, line: "\(Self.timestamp()) \(line)") }
        }
        let runner: any CommandRunner = options.runner == .dry ? DryCommandRunner(probes: exec, print: progress.line) : exec
        let booted = options.root == "/" && FileManager.default.fileExists(atPath: "/run/systemd/system")
        agent = BootstrapAgent(metadata: metadata, connector: connector, runner: runner, files: files, systemBooted: booted,
                               progress: progress, logger: logger)
    }

    /// The config file; refused when it holds the API token and others can read it.
    static func configLayer(_ path: String) throws -> SettingsLayer {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read the config file \(path)") }
        let layer = try SettingsLayer.configFile(String(decoding: data, as: UTF8.self), path: path)
        if layer.values["rancher-token"] != nil {
            let mode = ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
            if mode & 0o077 != 0 {
                throw ValidationError("\(path) holds rancher-token but its mode is \(String(mode, radix: 8)): run `chmod 600 \(path)`, or keep the token in SSM")
            }
        }
        return layer
    }

    /// Holds `/run/ranchhand-bootstrap.lock` (under the root) for the life of the process, so
    /// user-data and the boot unit never run the agent twice at once.
    static func lock(root: RootedFileSystem) -> Int32 {
        let path = root.hostPath("/run/ranchhand-bootstrap.lock")
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return -1 }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            printLine("ranchhand-bootstrap: another run holds \(path); waiting for it to finish")
            flock(descriptor, LOCK_EX)
        }
        return descriptor
    }

    static func printLine(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }
}

import Foundation

public struct CommandResult: Sendable, Equatable {
    public var status: Int32
    /// Standard output and error together, at most the last 16 KiB.
    public var output: String

    public init(status: Int32, output: String = "") {
        self.status = status
        self.output = output
    }
}

/// Runs the plan's commands: `ProcessCommandRunner` for real, `DryCommandRunner` to print them,
/// a recording runner in tests.
public protocol CommandRunner: Sendable {
    /// Runs `command` with `environment` added to the agent's own. `environment` holds resolved
    /// values (the registration token among them); only `command.description` may be shown.
    func run(_ command: HostCommand, environment: [String: String]) async -> CommandResult
    /// false when changes are only printed: the executor then also only prints Rancher and Auto
    /// Scaling changes.
    var performsChanges: Bool { get }
}

/// `fork`/`exec` through Foundation's `Process`, never a shell. `prefix` runs every command
/// under something (`["chroot", "/srv/root"]` for the chroot test).
public struct ProcessCommandRunner: CommandRunner {
    public let baseEnvironment: [String: String]
    public let prefix: [String]
    /// A command still running after this is terminated and counts as failed.
    public let timeout: Duration

    public init(baseEnvironment: [String: String], prefix: [String] = [], timeout: Duration = .seconds(1800)) {
        self.baseEnvironment = baseEnvironment
        self.prefix = prefix
        self.timeout = timeout
    }

    public var performsChanges: Bool { true }

    public func run(_ command: HostCommand, environment: [String: String]) async -> CommandResult {
        let argv = prefix + command.argv
        let variables = baseEnvironment.merging(environment) { $1 }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Self.spawn(argv, environment: variables, timeout: seconds))
            }
        }
    }

    private static func spawn(_ argv: [String], environment: [String: String], timeout: Double) -> CommandResult {
        guard let program = argv.first else { return CommandResult(status: 127, output: "empty command") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
        process.arguments = program.hasPrefix("/") ? Array(argv.dropFirst()) : argv
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            return CommandResult(status: 127, output: "cannot start \(program): \(error)")
        }
        let timer = DispatchWorkItem { [process] in if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        var output = String(decoding: data.suffix(16 * 1024), as: UTF8.self)
        var status = process.terminationStatus
        if process.terminationReason == .uncaughtSignal {
            output += "\n(terminated by signal \(status)\(status == SIGTERM ? " after the \(Int(timeout))s timeout" : ""))"
            status = 128 + status
        }
        return CommandResult(status: status, output: output)
    }
}

/// Prints every command that changes something (`would run: …`) and runs probes through
/// `probes`, so `--runner dry` still sees what is installed.
public struct DryCommandRunner: CommandRunner {
    public let probes: any CommandRunner
    public let print: @Sendable (String) -> Void

    public init(probes: any CommandRunner, print: @escaping @Sendable (String) -> Void) {
        self.probes = probes
        self.print = print
    }

    public var performsChanges: Bool { false }

    public func run(_ command: HostCommand, environment: [String: String]) async -> CommandResult {
        if command.isProbe { return await probes.run(command, environment: environment) }
        print("      would run: \(command)")
        return CommandResult(status: 0)
    }
}

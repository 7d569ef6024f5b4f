import Foundation

/// A tool binary running as a child (a poller, a loop) whose stderr — its JSON log lines — is
/// drained into memory as it comes, so tests and benchmarks can wait for a log line and read the
/// log when something fails.
public final class BackgroundProcess: @unchecked Sendable {
    public let process: Process
    private let lock = NSLock()
    private var errorText = ""

    /// What the child wrote to stderr so far; past 200 kB only the head and the tail are kept.
    public var standardError: String { lock.withLock { errorText } }

    public static func start(_ executable: URL, arguments: [String], environment: [String: String]) throws -> BackgroundProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { current, _ in current }
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        let child = BackgroundProcess(process: process)
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; return }
            child.lock.withLock {
                child.errorText += String(decoding: data, as: UTF8.self)
                if child.errorText.count > 200_000 { child.errorText = String(child.errorText.prefix(20_000) + child.errorText.suffix(50_000)) }
            }
        }
        try process.run()
        return child
    }

    private init(process: Process) { self.process = process }

    /// The URL in the `metrics endpoint listening` log line (the kernel chose the port).
    public func metricsURL(timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for line in standardError.split(separator: "\n") where line.contains("metrics endpoint listening") {
                if let range = line.range(of: #"http://[^"]+"#, options: .regularExpression) { return String(line[range]) }
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ChildProcess.Failure(description: "no metrics endpoint announced; stderr: \(standardError.suffix(2000))")
    }

    /// SIGTERM, then the exit status.
    public func terminate(within timeout: Duration) async throws -> Int32 {
        process.terminate()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw ChildProcess.Failure(description: "still running \(timeout) after SIGTERM") }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// SIGTERM without waiting (cleanup on any exit path).
    public func kill() {
        if process.isRunning { process.terminate() }
    }
}

import Foundation

/// Runs helper programs for tests (moto, the fault proxy, seed.py) off the cooperative thread pool.
public enum ChildProcess {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public struct Output: Sendable {
        /// The exit status, or the signal's number when `signaled`.
        public var status: Int32
        public var standardOutput: Data
        public var standardError: String
        /// Ended by a signal (a trap, SIGILL from a failed precondition) rather than `exit`.
        public var signaled = false
    }

    /// The repository root, found from this file's path (SwiftPM resources cannot live outside a target).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var python: String { ProcessInfo.processInfo.environment["PYTHON"] ?? "python3" }

    /// Runs `python3 arguments…` to completion and returns its output.
    public static func runPython(_ arguments: [String], environment: [String: String]? = nil) async throws -> Output {
        try await run(URL(fileURLWithPath: "/usr/bin/env"), [python] + arguments, environment: environment)
    }

    /// Runs a program to completion in the repository root and returns its output.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = executable
                process.arguments = arguments
                process.currentDirectoryURL = repositoryRoot
                if let environment { process.environment = environment }
                let stdout = Pipe(), stderr = Pipe()
                process.standardOutput = stdout
                process.standardError = stderr
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: Failure(description: "cannot start \(executable.path): \(error)"))
                    return
                }
                let group = DispatchGroup()
                nonisolated(unsafe) var errorData = Data()
                group.enter()
                DispatchQueue.global().async {
                    errorData = stderr.fileHandleForReading.readDataToEndOfFile()
                    group.leave()
                }
                let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                continuation.resume(returning: Output(status: process.terminationStatus, standardOutput: outputData,
                                                      standardError: String(decoding: errorData, as: UTF8.self),
                                                      signaled: process.terminationReason == .uncaughtSignal))
            }
        }
    }

    /// A binary SwiftPM built next to the running test bundle (`.build/<config>/NAME`).
    public static func builtProduct(_ name: String) -> URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
        return FileManager.default.isExecutableFile(atPath: beside.path) ? beside : repositoryRoot.appendingPathComponent(".build/debug/\(name)")
    }

    /// A long-running helper that prints `READY <url>` as its first line and exits when its
    /// standard input closes (`--exit-on-stdin-eof`), i.e. when this test process dies.
    public final class Server: @unchecked Sendable {
        public let url: String
        private let process: Process
        private let stdin: Pipe

        /// `python3 script arguments…` (the script relative to the repository root).
        public static func start(script: String, arguments: [String]) async throws -> Server {
            try await start(pythonArguments: [repositoryRoot.appendingPathComponent(script).path] + arguments, name: script)
        }

        /// `python3 pythonArguments…`, for helpers given as `-c SOURCE`.
        public static func start(pythonArguments: [String], name: String) async throws -> Server {
            try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    do {
                        continuation.resume(returning: try Server(pythonArguments: pythonArguments, name: name))
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            }
        }

        private init(pythonArguments: [String], name script: String) throws {
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [ChildProcess.python] + pythonArguments
            process.currentDirectoryURL = repositoryRoot
            stdin = Pipe()
            let stdout = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while true {
                let byte = stdout.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty || byte == Data("\n".utf8) { break }
                line.append(byte)
            }
            let text = String(decoding: line, as: UTF8.self)
            guard text.hasPrefix("READY ") else {
                process.terminate()
                throw Failure(description: "\(script) did not print READY (first line: \(text.debugDescription))")
            }
            url = String(text.dropFirst("READY ".count))
        }

        /// Closes its stdin and sends SIGTERM, then waits (off the cooperative pool) for it to exit.
        public func stop() async {
            let process = process, stdin = stdin
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async {
                    try? stdin.fileHandleForWriting.close()
                    if process.isRunning { process.terminate() }
                    process.waitUntilExit()
                    continuation.resume()
                }
            }
        }
    }
}

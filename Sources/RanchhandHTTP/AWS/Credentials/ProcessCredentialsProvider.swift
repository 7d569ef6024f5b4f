import Foundation
import RanchhandClients

/// `credential_process`: runs the command through `/bin/sh -c` and reads the JSON it prints
/// (`{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?, "Expiration"?}`).
/// Standard output holds secrets and is never quoted in an error; standard error may be.
public struct ProcessCredentialsProvider: CredentialsProvider {
    public let command: String
    private let environment: [String: String]
    private let timeout: TimeInterval

    /// `environment` is the whole environment the command runs with.
    public init(command: String, environment: [String: String], timeout: TimeInterval = 60) {
        self.command = command
        self.environment = environment
        self.timeout = timeout
    }

    public func credentials(at now: Date) async throws(ClientError) -> AWSCredentials {
        let output = try await Self.run(command, environment: environment, timeout: timeout)
        guard output.status == 0 else {
            let detail = String(decoding: output.standardError.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Self.failure(output.timedOut ? "timed out after \(Int(timeout)) s" : "exited with status \(output.status)"
                               + (detail.isEmpty ? "" : ": \(detail)"))
        }
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: Data(output.standardOutput))
        } catch {
            throw Self.failure("printed something that is not the credential_process JSON (Version, AccessKeyId, SecretAccessKey, …)")
        }
        guard answer.Version == 1 else { throw Self.failure("printed Version \(answer.Version); only Version 1 is known") }
        var expiration: Date?
        if let text = answer.Expiration {
            guard let date = ISO8601Timestamp.date(from: text) else { throw Self.failure("printed an Expiration that is not ISO 8601") }
            expiration = date
        }
        return AWSCredentials(accessKeyID: answer.AccessKeyId, secretAccessKey: answer.SecretAccessKey,
                              sessionToken: answer.SessionToken, expiration: expiration)
    }

    private struct Answer: Decodable {
        var Version: Int
        var AccessKeyId: String
        var SecretAccessKey: String
        var SessionToken: String?
        var Expiration: String?
    }

    private static func failure(_ detail: String) -> ClientError {
        ClientError(.credentials, service: "credentials", operation: "credential_process",
                    message: "the credential_process command \(detail); run it by hand to see what it prints")
    }

    struct Output: Sendable {
        var status: Int32
        var standardOutput: [UInt8]
        var standardError: [UInt8]
        var timedOut: Bool
    }

    /// Runs `/bin/sh -c command` off the cooperative pool, reading both pipes concurrently so
    /// neither can fill up and block the child; terminates it after `timeout`.
    static func run(_ command: String, environment: [String: String], timeout: TimeInterval) async throws(ClientError) -> Output {
        let result: Result<Output, ClientError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", command]
                process.environment = environment
                let stdout = Pipe(), stderr = Pipe()
                process.standardOutput = stdout
                process.standardError = stderr
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(returning: .failure(failure("could not be started: \(error.localizedDescription)")))
                    return
                }
                let timedOut = TimeoutFlag()
                let killer = DispatchWorkItem {
                    timedOut.set()
                    process.terminate()
                }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
                let group = DispatchGroup()
                let errorBytes = ByteBox()
                group.enter()
                DispatchQueue.global().async {
                    errorBytes.bytes = Array(stderr.fileHandleForReading.readDataToEndOfFile())
                    group.leave()
                }
                let outputBytes = Array(stdout.fileHandleForReading.readDataToEndOfFile())
                group.wait()
                process.waitUntilExit()
                killer.cancel()
                continuation.resume(returning: .success(Output(status: process.terminationStatus, standardOutput: outputBytes,
                                                               standardError: errorBytes.bytes, timedOut: timedOut.value)))
            }
        }
        return try result.get()
    }
}

private final class ByteBox: @unchecked Sendable {
    var bytes: [UInt8] = []
}

private final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.withLock { flag = true } }
    var value: Bool { lock.withLock { flag } }
}

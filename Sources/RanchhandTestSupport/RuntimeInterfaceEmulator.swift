import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RanchhandEvents
import RanchhandHTTP

/// The real AWS Lambda Runtime Interface Emulator (`aws-lambda-rie`, extracted from the aws-sam-cli
/// wheel by `scripts/testenv/fetch-rie.sh`) running one handler executable, bound to 127.0.0.1 on
/// kernel-chosen free ports. Everything the emulator and the function write (the function's logs
/// included) goes to `logFile`, read with `output()`.
public final class RuntimeInterfaceEmulator: @unchecked Sendable {
    public let url: String
    public let logFile: URL
    private let process: Process

    /// Fetches the emulator into `.build-testenv/` if needed, starts it around `handler` with exactly
    /// `environment` (plus PATH) and waits until it answers.
    public static func start(handler: String, environment: [String: String]) async throws -> RuntimeInterfaceEmulator {
        let root = ChildProcess.repositoryRoot
        let rie = root.appendingPathComponent(".build-testenv/aws-lambda-rie").path
        // Off the cooperative pool (ChildProcess.run waits on a dispatch thread): ten emulators starting
        // at once must not block the threads the in-process sandbox answers on.
        let fetch = try await ChildProcess.run(root.appendingPathComponent("scripts/testenv/fetch-rie.sh"), [rie])
        guard fetch.status == 0 else { throw ChildProcess.Failure(description: "could not fetch aws-lambda-rie: \(fetch.standardError.suffix(1000))") }
        guard FileManager.default.isExecutableFile(atPath: handler) else {
            throw ChildProcess.Failure(description: "no executable handler at \(handler)")
        }
        // Both listeners on free loopback ports: the invoke endpoint, and the Runtime API the function
        // talks to (by default 127.0.0.1:9001, which would keep two emulators from running at once).
        let port = try freeLoopbackPort()
        let runtimeAPIPort = try freeLoopbackPort()
        let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("rie-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: rie)
        process.arguments = ["--runtime-interface-emulator-address", "127.0.0.1:\(port)", "--runtime-api-address", "127.0.0.1:\(runtimeAPIPort)", handler]
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { current, _ in current }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
        let emulator = RuntimeInterfaceEmulator(process: process, url: "http://127.0.0.1:\(port)", logFile: logFile)
        // Ready when it accepts connections (no probe invocation: the function sees only the test's);
        // an emulator that exited (a port taken meanwhile) fails at once, with its output.
        for _ in 0..<300 where !acceptsConnections(port: port) {
            guard process.isRunning else {
                throw ChildProcess.Failure(description: "aws-lambda-rie exited (status \(process.terminationStatus)): \(emulator.output().suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return emulator
    }

    private init(process: Process, url: String, logFile: URL) {
        self.process = process
        self.url = url
        self.logFile = logFile
    }

    /// One invocation, as Lambda's Invoke API would make it; returns the response body.
    public func invoke(_ body: String, timeout: Duration = .seconds(120)) async throws -> String {
        try await post("/2015-03-31/functions/function/invocations", body: body, timeout: timeout)
    }

    private func post(_ path: String, body: String, timeout: Duration) async throws -> String {
        let response = try await AWSTestContext.transport.send(
            HTTPRequest(method: "POST", url: url + path, headers: [.init("Content-Type", "application/json")], body: Array(body.utf8), timeout: timeout),
            service: "rie", operation: "invoke")
        return String(decoding: response.body, as: UTF8.self)
    }

    /// Everything written so far by the emulator and the function.
    public func output() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: logFile)
    }
}

/// A Lambda SQS event (`{"Records":[…]}`) with the given messages, shaped as the event source mapping sends it.
public enum SQSBatch {
    public static let defaultQueueARN = "arn:aws:sqs:us-east-1:123456789012:scale-in"

    public static func records(_ messages: [(id: String, receiptHandle: String, body: String)]) -> String {
        records(messages.map { (id: $0.id, receiptHandle: $0.receiptHandle, body: $0.body, attributes: ["ApproximateReceiveCount": "1"]) })
    }

    /// With each message's system attributes (`ApproximateReceiveCount`, `SentTimestamp`, …) and the queue it came from.
    public static func records(_ messages: [(id: String, receiptHandle: String, body: String, attributes: [String: String])],
                               queueARN: String = defaultQueueARN) -> String {
        let region = queueARN.split(separator: ":").dropFirst(3).first.map(String.init) ?? "us-east-1"
        let records = messages.map { message in
            let attributes = message.attributes.sorted { $0.key < $1.key }.map { "\(quoted($0.key)):\(quoted($0.value))" }.joined(separator: ",")
            return #"{"messageId":\#(quoted(message.id)),"receiptHandle":\#(quoted(message.receiptHandle)),"body":\#(quoted(message.body)),"#
                + #""attributes":{\#(attributes)},"messageAttributes":{},"eventSource":"aws:sqs","#
                + #""eventSourceARN":\#(quoted(queueARN)),"awsRegion":\#(quoted(region))}"#
        }
        return #"{"Records":[\#(records.joined(separator: ","))]}"#
    }

    static func quoted(_ text: String) -> String {
        JSONText.quoted(text)
    }
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
func acceptsConnections(port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// A port nothing listens on: bound once by the kernel's choice (outside any fixed range that could
/// collide with ephemeral client ports), then released for the emulator.
public func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw ChildProcess.Failure(description: "socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
    }
    guard bound else { throw ChildProcess.Failure(description: "could not bind a loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

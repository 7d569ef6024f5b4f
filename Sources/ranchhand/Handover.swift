import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `demo` and `sandbox` run in `ranchhand-demo` (the sandbox, the HTTP stack and the handlers):
/// linked into this binary they cost every `decode` ~5 ms and ~10 MB at start-up. They are
/// handed over with exec, so the user sees one command.
enum Handover {
    static let subcommands = ["demo", "sandbox"]
    static let binary = "ranchhand-demo"

    /// Replaces this process with `ranchhand-demo <arguments>`; returns only if that failed.
    static func exec(_ arguments: [String]) -> Never {
        let path = sibling()
        if access(path, X_OK) != 0, let package = packageRoot(of: path) { buildInPlace(package: package, binary: path) }
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) }
        argv.append(nil)
        execv(path, &argv)
        let reason = String(cString: strerror(errno))
        StandardStreams.printError("ranchhand: cannot run \(path) (\(reason)); `\(arguments.first ?? "")` lives in \(binary), "
            + "installed beside ranchhand: build it with `swift build --product \(binary)` (swift run ranchhand builds both)")
        exit(127)
    }

    /// Run from a SwiftPM checkout (`swift run ranchhand demo`), the sibling may not be built yet:
    /// SwiftPM builds only the product it runs, and an executable cannot depend on another without
    /// linking its libraries. Build it once, in the same configuration, and go on.
    static func buildInPlace(package: String, binary path: String) {
        let configuration = path.contains("/release/") ? "release" : "debug"
        StandardStreams.printError("ranchhand: building \(binary) once (swift build -c \(configuration) --product \(binary))")
        let argv = ["swift", "build", "--package-path", package, "-c", configuration, "--product", binary]
        var pointers: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        pointers.append(nil)
        var child = pid_t()
        guard posix_spawnp(&child, "swift", nil, nil, &pointers, environ) == 0 else { return }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
    }

    /// The package whose `.build` holds `path`, if any.
    static func packageRoot(of path: String) -> String? {
        // Without Foundation (it would bring ICU into this binary): split on the path's components.
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard let build = components.firstIndex(of: ".build") else { return nil }
        let root = components[..<build].joined(separator: "/")
        return access(root + "/Package.swift", R_OK) == 0 ? root : nil
    }

    /// `ranchhand-demo` in the directory of this executable (/proc/self/exe, else argv[0]).
    static func sibling() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let me = length > 0 ? String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
        guard let slash = me.lastIndex(of: "/") else { return binary }
        return String(me[...slash]) + binary
    }
}

/// Stand for the handed-over subcommands in `ranchhand --help` (and `ranchhand help demo`).
struct DemoHandover: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole lifecycle story on this machine, with no AWS account: a join, events, scale-in, DNS, capacity.")
    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
    func run() throws { Handover.exec(["demo"] + arguments) }
}

struct SandboxHandover: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a fake Rancher, Kubernetes API and EC2 instance metadata service on localhost.")
    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
    func run() throws { Handover.exec(["sandbox"] + arguments) }
}

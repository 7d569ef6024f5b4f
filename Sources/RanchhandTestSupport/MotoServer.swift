import Foundation

/// The moto emulator and the fault proxy in front of it, shared by every test in the process.
/// `scripts/testenv/start.sh` sets `RANCHHAND_TEST_MOTO_URL` / `RANCHHAND_TEST_FAULT_PROXY_URL`;
/// without them both are started here, once, on free ports, and exit with this process.
/// Tests never reset moto (others run in parallel): they use unique names (`MotoServer.uniqueName`).
public actor MotoServer {
    public struct Endpoints: Sendable {
        public var moto: String
        public var faultProxy: String
    }

    public static let shared = MotoServer()
    private var endpoints: Endpoints?
    private var starting: Task<Endpoints, any Error>?
    private var servers: [ChildProcess.Server] = []

    public func endpoints() async throws -> Endpoints {
        if let endpoints { return endpoints }
        if let starting { return try await starting.value }
        let task = Task { () async throws -> Endpoints in
            let environment = ProcessInfo.processInfo.environment
            if let moto = environment["RANCHHAND_TEST_MOTO_URL"], let proxy = environment["RANCHHAND_TEST_FAULT_PROXY_URL"] {
                return Endpoints(moto: moto, faultProxy: proxy)
            }
            let moto = try await Self.startMoto([])
            let proxy = try await Self.startFaultProxy(upstream: moto.url)
            self.keep([moto, proxy])
            return Endpoints(moto: moto.url, faultProxy: proxy.url)
        }
        starting = task
        let value = try await task.value
        endpoints = value
        return value
    }

    private func keep(_ started: [ChildProcess.Server]) { servers += started }

    /// A moto of one's own (`--check-signatures`, …); the caller stops it.
    public static func startMoto(_ arguments: [String]) async throws -> ChildProcess.Server {
        try await startUnderWatchdog("scripts/testenv/moto_launcher.py", ["--port", "0"] + arguments)
    }

    /// A fault proxy of one's own in front of `upstream`; the caller stops it.
    public static func startFaultProxy(upstream: String) async throws -> ChildProcess.Server {
        try await startUnderWatchdog("scripts/testenv/fault_proxy.py", ["--port", "0", "--upstream", upstream])
    }

    /// Starts a READY-printing helper under `watchdog`, which stops it when our pipe closes (this
    /// process died; fault_proxy.py has no `--exit-on-stdin-eof`) or on SIGTERM.
    static func startUnderWatchdog(_ script: String, _ arguments: [String]) async throws -> ChildProcess.Server {
        let path = ChildProcess.repositoryRoot.appendingPathComponent(script).path
        return try await ChildProcess.Server.start(pythonArguments: ["-c", watchdog, path] + arguments, name: script)
    }

    /// Runs `sys.argv[1:]` as a child (its stdout is ours, so READY passes through). Foundation
    /// spawns from a dispatch thread whose signal mask blocks SIGTERM and every child would inherit
    /// it, so the mask is cleared first.
    static let watchdog = """
        import signal, subprocess, sys
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        child = subprocess.Popen([sys.executable] + sys.argv[1:], stdin=subprocess.DEVNULL)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while sys.stdin.buffer.read(4096):
                pass
        finally:
            child.terminate()
            sys.exit(child.wait())
        """

    /// `prefix-<random>`: lower case, digits and dashes, valid for every AWS resource used here.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}

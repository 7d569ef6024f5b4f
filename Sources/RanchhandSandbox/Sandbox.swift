#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird
import HummingbirdTLS
import Logging
import RanchhandClients
import Synchronization

/// A fake Rancher v3 + Kubernetes API + IMDSv2 on loopback, over HTTP and HTTPS (with a CA made at
/// start). Tests start one per test on ephemeral ports; `ranchhand sandbox` runs one standalone.
///
/// ```swift
/// let sandbox = try await Sandbox.start()
/// defer { Task { await sandbox.stop() } }
/// await sandbox.world.addCluster(id: "c-d8f82", name: "home", distro: .rke1)
/// await sandbox.faults.inject(.status(503), on: .rancherAction("drain"), times: 2)
/// ```
public final class Sandbox: Sendable {
    public let world: SandboxWorld
    public let faults: FaultInjector
    public let clock: SandboxClock
    public let certificateAuthority: SandboxCertificateAuthority
    /// The bearer token the fake Rancher accepts (`token-xxxxx:…`).
    public let apiToken: String
    /// `http://localhost:PORT`, if the HTTP listener runs.
    public let httpURL: String?
    /// `https://localhost:PORT`, if the HTTPS listener runs; trust `certificateAuthority.caPEM`.
    public let httpsURL: String?
    private let log: RequestLog
    private let servers: [Task<Void, Never>]

    private init(world: SandboxWorld, faults: FaultInjector, clock: SandboxClock, ca: SandboxCertificateAuthority, apiToken: String,
                 httpURL: String?, httpsURL: String?, log: RequestLog, servers: [Task<Void, Never>]) {
        self.world = world
        self.faults = faults
        self.clock = clock
        self.certificateAuthority = ca
        self.apiToken = apiToken
        self.httpURL = httpURL
        self.httpsURL = httpsURL
        self.log = log
        self.servers = servers
    }

    public static func start(_ configuration: SandboxConfiguration = SandboxConfiguration(), logger: Logger? = nil) async throws -> Sandbox {
        let clock = configuration.clock
        let ca = try SandboxCertificateAuthority(now: clock.currentDate)
        var random = SandboxRandom(seed: configuration.seed)
        let token = configuration.apiToken
            ?? "token-\(random.string(5, from: SandboxRandom.lowercaseAlphanumerics)):\(random.string(54, from: SandboxRandom.tokenAlphabet))"
        let world = SandboxWorld(clock: clock, seed: configuration.seed, behaviour: configuration.behaviour, imds: configuration.imds,
                                 caPEM: ca.caPEM, caChecksum: ca.caChecksum)
        let faults = FaultInjector(seed: configuration.seed)
        let log = RequestLog()
        let router = SandboxRouter(world: world, faults: faults, log: log, apiToken: token, directCluster: configuration.directKubernetesCluster)
        var quiet = logger ?? Logger(label: "ranchhand.sandbox")
        if logger == nil { quiet.logLevel = .critical }
        var servers: [Task<Void, Never>] = []
        var httpURL: String?
        var httpsURL: String?
        do {
            if let port = configuration.httpPort {
                let (task, bound) = try await serve(SandboxResponder(router: router, scheme: "http"), tls: nil, port: port, logger: quiet)
                servers.append(task)
                httpURL = "http://localhost:\(bound)"
            }
            if let port = configuration.httpsPort {
                let tls = try ca.serverTLSConfiguration()
                let (task, bound) = try await serve(SandboxResponder(router: router, scheme: "https"), tls: tls, port: port, logger: quiet)
                servers.append(task)
                httpsURL = "https://localhost:\(bound)"
            }
        } catch {
            for server in servers { server.cancel() }
            throw error
        }
        return Sandbox(world: world, faults: faults, clock: clock, ca: ca, apiToken: token, httpURL: httpURL, httpsURL: httpsURL,
                       log: log, servers: servers)
    }

    /// Runs one listener until its task is cancelled; returns once it is bound, with its port.
    private static func serve(_ responder: SandboxResponder, tls: TLSConfiguration?, port: Int, logger: Logger) async throws -> (Task<Void, Never>, Int) {
        let bound = Mutex<CheckedContinuation<Int, any Error>?>(nil)
        let resume: @Sendable (Result<Int, any Error>) -> Void = { result in
            bound.withLock { continuation in
                continuation?.resume(with: result)
                continuation = nil
            }
        }
        let app = Application(
            responder: responder, server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port), serverName: nil),
            onServerRunning: { channel in resume(.success(channel.localAddress?.port ?? port)) }, logger: logger)
        var task: Task<Void, Never>?
        let port = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            bound.withLock { $0 = continuation }
            task = Task {
                do {
                    try await app.run()
                    resume(.failure(CancellationError()))
                } catch {
                    resume(.failure(error))
                }
            }
        }
        return (task!, port)
    }

    /// Every request received so far, in order.
    public func requests() async -> [RecordedRequest] { await log.all() }

    public func clearRequests() async { await log.clear() }

    /// Stops the listeners and waits for them to close.
    public func stop() async {
        for server in servers { server.cancel() }
        for server in servers { await server.value }
    }
}

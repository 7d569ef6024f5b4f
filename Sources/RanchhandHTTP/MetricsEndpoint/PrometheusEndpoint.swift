import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 server for Prometheus scrapes: `GET` (or `HEAD`) on one path answers the text
/// `render` returns, as `text/plain; version=0.0.4`; every other path is 404, other methods on the
/// path 405. It knows nothing about what it serves, so any long-running tool can expose its counters.
public final class PrometheusEndpoint: Sendable {
    /// The exposition format's content type (Prometheus text format 0.0.4).
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Where to listen: `host:port`, `[v6]:port`, or `:port` (all interfaces). Port 0 lets the kernel choose.
    public struct Address: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Parses `--metrics-address`; nil when it is not `host:port` with a port in 0…65535.
        public init?(parsing text: String) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
                return nil
            }
            var host = String(text[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            if host.isEmpty { host = "0.0.0.0" }
            guard !host.contains(" ") else { return nil }
            self.init(host: host, port: port)
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// Where it actually listens (the kernel's port when 0 was asked for).
    public let address: Address
    public let path: String
    private let channel: any Channel
    private let connections: Connections

    private init(address: Address, path: String, channel: any Channel, connections: Connections) {
        self.address = address
        self.path = path
        self.channel = channel
        self.connections = connections
    }

    /// `http://host:port/metrics`.
    public var url: String { "http://\(address)\(path)" }

    /// Binds and starts serving; `render` is called once per scrape.
    public static func start(
        at address: Address, path: String = "/metrics", logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        render: @escaping @Sendable () async -> String
    ) async throws -> PrometheusEndpoint {
        let connections = Connections()
        let channel = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                connections.add(child)
                child.closeFuture.whenComplete { _ in connections.remove(child) }
                return child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline()
                    try child.pipeline.syncOperations.addHandler(ScrapeHandler(path: path, render: render))
                }
            }
            .bind(host: address.host, port: address.port)
            .get()
        let bound = Address(host: address.host, port: channel.localAddress?.port ?? address.port)
        logger.info("metrics endpoint listening", metadata: ["url": "http://\(bound)\(path)"])
        return PrometheusEndpoint(address: bound, path: path, channel: channel, connections: connections)
    }

    /// Stops accepting, closes open (keep-alive) connections and waits for the listener to close.
    public func stop() async {
        try? await channel.close()
        for child in connections.drain() { try? await child.close() }
    }
}

/// The accepted connections, so `stop` can close idle keep-alive ones.
private final class Connections: @unchecked Sendable {
    private let lock = NSLock()
    private var open: [ObjectIdentifier: any Channel] = [:]

    func add(_ channel: any Channel) { lock.withLock { open[ObjectIdentifier(channel)] = channel } }
    func remove(_ channel: any Channel) { lock.withLock { _ = open.removeValue(forKey: ObjectIdentifier(channel)) } }
    func drain() -> [any Channel] {
        lock.withLock {
            defer { open.removeAll() }
            return Array(open.values)
        }
    }
}

/// One request at a time per connection (NIO's pipelining handler queues the next one).
private final class ScrapeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let path: String
    let render: @Sendable () async -> String
    private var head: HTTPRequestHead?

    init(path: String, render: @escaping @Sendable () async -> String) {
        self.path = path
        self.render = render
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            head = request
        case .body:
            break
        case .end:
            guard let request = head else { return }
            head = nil
            answer(request, context: context)
        }
    }

    private func answer(_ request: HTTPRequestHead, context: ChannelHandlerContext) {
        let requestPath = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard requestPath == path else {
            return respond(request, status: .notFound, body: "not found; metrics are at \(path)\n", context: context)
        }
        guard request.method == .GET || request.method == .HEAD else {
            return respond(request, status: .methodNotAllowed, body: "use GET\n", extraHeaders: [("Allow", "GET, HEAD")], context: context)
        }
        let promise = context.eventLoop.makePromise(of: String.self)
        promise.completeWithTask(render)
        promise.futureResult.assumeIsolated().whenSuccess { [self] text in
            respond(request, status: .ok, body: text, contentType: PrometheusEndpoint.contentType, context: context)
        }
    }

    private func respond(
        _ request: HTTPRequestHead, status: HTTPResponseStatus, body: String, contentType: String = "text/plain; charset=utf-8",
        extraHeaders: [(String, String)] = [], context: ChannelHandlerContext
    ) {
        let bytes = Array(body.utf8)
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", "\(bytes.count)")] + extraHeaders)
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

import Hummingbird

/// The request context: Hummingbird's core storage, plus a way to drop the connection for the
/// `dropConnection` fault.
struct SandboxRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let closeConnection: @Sendable () -> Void

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        let channel = source.channel
        closeConnection = { channel.close(promise: nil) }
    }
}

struct DroppedConnection: Error {}

/// Adapts Hummingbird requests to `SandboxRouter`.
struct SandboxResponder: HTTPResponder {
    typealias Context = SandboxRequestContext
    let router: SandboxRouter
    let scheme: String

    func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 8 << 20)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        // HTTPTypes turns the Host header into the request's authority.
        let host = request.head.authority ?? headers["host"] ?? "localhost"
        headers["host"] = host
        let exchange = SandboxRequest(
            method: request.method.rawValue, path: SandboxRequest.decode(Substring(request.uri.path), plusIsSpace: false),
            query: SandboxRequest.parseQuery(Substring(request.uri.query ?? "")), headers: headers, body: Array(buffer.readableBytesView),
            origin: "\(scheme)://\(host)", at: router.world.clock.now)
        switch await router.handle(exchange, scheme: scheme) {
        case .drop:
            context.closeConnection()
            throw DroppedConnection()
        case .reply(let reply):
            var fields = HTTPFields()
            for header in reply.headers {
                // Implicit members, as the field types are not re-exported by Hummingbird.
                fields.append(.init(name: .init(header.name)!, value: header.value))
            }
            return Response(status: .init(code: reply.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
        }
    }
}

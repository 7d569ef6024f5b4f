import Foundation
import Logging
import RanchhandClients

/// Posts a Slack-compatible `{"text": …}` message. Best effort: a failed notification is logged,
/// never allowed to fail the work it reports on.
public struct WebhookNotifier: Sendable {
    public let url: String
    public let transport: any HTTPTransport
    public let logger: Logger

    public init(url: String, transport: any HTTPTransport, logger: Logger) {
        self.url = url
        self.transport = transport
        self.logger = logger
    }

    public func post(_ text: String) async {
        struct Message: Encodable { let text: String }
        guard let body = try? JSONEncoder().encode(Message(text: text)) else { return }
        let request = HTTPRequest(method: "POST", url: url, headers: [.init("Content-Type", "application/json")], body: Array(body), timeout: .seconds(10))
        do {
            let response = try await transport.send(request, service: "webhook", operation: "POST")
            if !response.isSuccess { logger.warning("webhook answered \(response.status)", metadata: ["body": "\(response.bodyExcerpt)"]) }
        } catch {
            logger.warning("webhook failed", metadata: ["error": "\(error)"])
        }
    }
}

import Foundation
import RanchhandClients

enum RancherErrors {
    /// A non-2xx answer as a `ClientError`: Rancher's `{type:"error",status,code,message}` when the
    /// body is one, otherwise the status and the start of whatever came (an HTML proxy page, say).
    @Sendable static func parse(_ response: HTTPResponse, operation: String) -> ClientError {
        if let body = try? JSONDecoder().decode(RancherErrorBody.self, from: Data(response.body)), body.type == "error" {
            return ClientError(.service, service: "rancher", operation: operation, statusCode: response.status,
                               code: body.code, message: body.message ?? "", requestID: response.header("X-Request-Id"))
        }
        return ClientError(.service, service: "rancher", operation: operation, statusCode: response.status,
                           message: response.body.isEmpty ? "HTTP \(response.status) with an empty body" : "HTTP \(response.status): \(response.bodyExcerpt)")
    }
}

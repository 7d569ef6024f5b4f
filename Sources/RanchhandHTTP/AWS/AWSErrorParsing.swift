import Foundation
import RanchhandClients

/// The error shapes AWS protocols answer with. A body that matches none of them (moto sometimes
/// sends an HTML 500 page) still becomes a typed error keeping the status, any request id header
/// and the start of the body.
enum AWSErrorParsing {
    /// Query protocol and rest-xml: `<ErrorResponse><Error><Code>…`; EC2: `<Response><Errors><Error>…`;
    /// Route53's InvalidChangeBatch: `<InvalidChangeBatch><Messages><Message>…`.
    static func xml(_ response: HTTPResponse, _ operation: AWSOperation) -> ClientError {
        let headerRequestID = response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id")
        guard let root = try? XMLElement(parsing: response.body) else {
            return unparseable(response, operation, requestID: headerRequestID)
        }
        let requestID = root.text(of: "RequestId") ?? root.text(of: "RequestID") ?? headerRequestID
        if root.name == "InvalidChangeBatch" {
            let messages = root.list("Messages", entry: "Message").map(\.text)
            return ClientError(.service, service: operation.service.rawValue, operation: operation.name,
                               statusCode: response.status, code: "InvalidChangeBatch",
                               message: messages.joined(separator: "; "), requestID: requestID)
        }
        let error = root.first(path: "Error") ?? root.first(path: "Errors/Error")
        guard let error, let code = error.text(of: "Code") else {
            return unparseable(response, operation, requestID: requestID)
        }
        return ClientError(.service, service: operation.service.rawValue, operation: operation.name,
                           statusCode: response.status, code: code, message: error.text(of: "Message") ?? "", requestID: requestID)
    }

    /// awsJson 1.0/1.1: `{"__type": "com.amazonaws.x#Code", "message": "…"}`; SQS also names the
    /// query-compatible code in `x-amzn-query-error: AWS.SimpleQueueService.NonExistentQueue;Sender`.
    static func json(_ response: HTTPResponse, _ operation: AWSOperation) -> ClientError {
        let requestID = response.header("x-amzn-RequestId")
        guard let body = try? JSONDecoder().decode(JSONErrorBody.self, from: Data(response.body)), let type = body.type else {
            return unparseable(response, operation, requestID: requestID)
        }
        var code = String(type.split(separator: "#").last ?? Substring(type))
        code = String(code.split(separator: ":").first ?? Substring(code))
        if let queryError = response.header("x-amzn-query-error"), let name = queryError.split(separator: ";").first {
            code = String(name)
        }
        return ClientError(.service, service: operation.service.rawValue, operation: operation.name,
                           statusCode: response.status, code: code, message: body.message ?? body.capitalMessage ?? "", requestID: requestID)
    }

    static func unparseable(_ response: HTTPResponse, _ operation: AWSOperation, requestID: String?) -> ClientError {
        ClientError(.service, service: operation.service.rawValue, operation: operation.name, statusCode: response.status,
                    code: response.status == 429 ? "TooManyRequestsException" : nil,
                    message: "unrecognised error body: \(response.bodyExcerpt)", requestID: requestID)
    }

    private struct JSONErrorBody: Decodable {
        let type: String?
        let message: String?
        let capitalMessage: String?
        enum CodingKeys: String, CodingKey {
            case type = "__type"
            case message
            case capitalMessage = "Message"
        }
    }
}

import Foundation
import RanchhandClients

/// The `awsJson1_0` (SQS, CloudWatch) and `awsJson1_1` (SSM) protocols: POST `/` with the
/// operation in `X-Amz-Target` and Codable bodies.
public struct AWSJSONProtocol: Sendable {
    public let sender: AWSRequestSender
    public init(sender: AWSRequestSender) { self.sender = sender }

    static func target(_ service: AWSService) -> (prefix: String, contentType: String) {
        switch service {
        case .sqs: ("AmazonSQS", "application/x-amz-json-1.0")
        case .cloudWatch: ("GraniteServiceVersion20100801", "application/x-amz-json-1.0")
        case .ssm: ("AmazonSSM", "application/x-amz-json-1.1")
        case .dynamoDB: ("DynamoDB_20120810", "application/x-amz-json-1.0")
        default: ("", "application/x-amz-json-1.0")
        }
    }

    public func call<Request: Encodable & Sendable, Response: Decodable>(
        _ operation: AWSOperation, _ input: Request, as output: Response.Type = Response.self, timeout: Duration? = nil
    ) async throws(ClientError) -> Response {
        let (prefix, contentType) = Self.target(operation.service)
        let body: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .secondsSince1970
            body = Array(try encoder.encode(input))
        } catch {
            throw ClientError(.configuration, service: operation.service.rawValue, operation: operation.name, message: "cannot encode request: \(error)")
        }
        let request = sender.request(operation.service, method: "POST", headers: [
            .init("Content-Type", contentType), .init("X-Amz-Target", "\(prefix).\(operation.name)"),
        ], body: body)
        let response = try await sender.send(operation, request, timeout: timeout, parseError: AWSErrorParsing.json)
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            return try decoder.decode(Response.self, from: Data(response.body.isEmpty ? Array("{}".utf8) : response.body))
        } catch {
            throw ClientError(.invalidResponse, service: operation.service.rawValue, operation: operation.name,
                              statusCode: response.status, message: "cannot read response (\(error)): \(operation.excerpt(of: response))",
                              requestID: response.header("x-amzn-RequestId"))
        }
    }
}

/// For operations whose answer carries nothing we use.
public struct EmptyAWSResponse: Decodable, Sendable {}

import RanchhandClients

/// The `rest-xml` protocol (Route53): the operation is the method and path, parameters are query
/// items, bodies are XML documents in the service's namespace.
public struct AWSRestXMLProtocol: Sendable {
    public let sender: AWSRequestSender
    public init(sender: AWSRequestSender) { self.sender = sender }

    public func call(
        _ operation: AWSOperation, method: String, path: String, query: [SignableRequest.QueryItem] = [], body: XMLElement? = nil
    ) async throws(ClientError) -> XMLElement {
        let bytes = body.map(XMLWriter.document) ?? []
        let headers: [SignableRequest.Header] = body == nil ? [] : [.init("Content-Type", "application/xml")]
        let request = sender.request(operation.service, method: method, path: path, query: query, headers: headers, body: bytes)
        let response = try await sender.send(operation, request, parseError: AWSErrorParsing.xml)
        do {
            return try XMLElement(parsing: response.body)
        } catch {
            throw ClientError(.invalidResponse, service: operation.service.rawValue, operation: operation.name,
                              statusCode: response.status, message: "response is not XML (\(error)): \(response.bodyExcerpt)",
                              requestID: response.header("x-amzn-RequestId"))
        }
    }
}

import RanchhandClients

/// The `query` protocol (Auto Scaling, STS, ELBv2) and EC2's variant of it: form-encoded POST,
/// XML answers. Query wraps the payload in `<ActionResult>`; EC2 does not.
public struct AWSQueryProtocol: Sendable {
    public let sender: AWSRequestSender
    public init(sender: AWSRequestSender) { self.sender = sender }

    public static func apiVersion(_ service: AWSService) -> String {
        switch service {
        case .autoScaling: "2011-01-01"
        case .ec2: "2016-11-15"
        case .elasticLoadBalancingV2: "2015-12-01"
        case .sts: "2011-06-15"
        case .cloudWatch: "2010-08-01"
        case .route53: "2013-04-01"
        case .ssm: "2014-11-06"
        case .sqs: "2012-11-05"
        case .dynamoDB: "2012-08-10"
        }
    }

    /// Calls `operation` with `parameters` (flattened, e.g. `AutoScalingGroupNames.member.1`) and
    /// returns the result element: `<OperationResult>` for query, the response root for EC2.
    public func call(_ operation: AWSOperation, _ parameters: [(String, String)], signed: Bool = true) async throws(ClientError) -> XMLElement {
        let form = ([("Action", operation.name), ("Version", Self.apiVersion(operation.service))] + parameters)
            .map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1))" }
            .joined(separator: "&")
        let request = sender.request(operation.service, method: "POST", headers: [
            .init("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ], body: Array(form.utf8))
        let response = try await sender.send(operation, request, signed: signed, parseError: AWSErrorParsing.xml)
        let root: XMLElement
        do {
            root = try XMLElement(parsing: response.body)
        } catch {
            throw ClientError(.invalidResponse, service: operation.service.rawValue, operation: operation.name,
                              statusCode: response.status, message: "response is not XML (\(error)): \(operation.excerpt(of: response))")
        }
        if operation.service == .ec2 { return root }
        return root.child("\(operation.name)Result") ?? XMLElement("\(operation.name)Result")
    }
}

/// Flattens list parameters the way the query protocol spells them.
public enum QueryParameters {
    /// `Name.member.1=a&Name.member.2=b` (query) — EC2 uses `Name.1=a` (pass `member: nil`).
    public static func list(_ name: String, _ values: [String], member: String? = "member") -> [(String, String)] {
        values.enumerated().map { index, value in
            let key = member.map { "\(name).\($0).\(index + 1)" } ?? "\(name).\(index + 1)"
            return (key, value)
        }
    }
}

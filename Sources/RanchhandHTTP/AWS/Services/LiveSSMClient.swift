import RanchhandClients

/// SSM Parameter Store over awsJson1_1. Answers may hold decrypted secrets: `AWSOperation`'s
/// `answerCarriesSecrets` keeps their bodies out of every error message.
public struct LiveSSMClient: SSMClient {
    private let json: AWSJSONProtocol
    /// `MaxResults` of GetParametersByPath (1...10).
    private let pageSize: Int

    public init(sender: AWSRequestSender, pageSize: Int = 10) {
        json = AWSJSONProtocol(sender: sender)
        self.pageSize = min(10, max(1, pageSize))
    }

    public func getParameter(_ name: String, decrypt: Bool) async throws(ClientError) -> SSMParameter {
        let output = try await json.call(.getParameter, Wire.GetParameterInput(Name: name, WithDecryption: decrypt),
                                         as: Wire.GetParameterOutput.self)
        guard let parameter = output.Parameter else {
            throw ClientError(.invalidResponse, service: "ssm", operation: "GetParameter", message: "no Parameter in the answer for \(name)")
        }
        return parameter.value
    }

    public func getParametersByPath(_ path: String, recursive: Bool, decrypt: Bool) async throws(ClientError) -> [SSMParameter] {
        var parameters: [SSMParameter] = []
        var nextToken: String?
        var seenTokens: Set<String> = []
        repeat {
            let input = Wire.GetParametersByPathInput(Path: path, Recursive: recursive, WithDecryption: decrypt,
                                                      MaxResults: pageSize, NextToken: nextToken)
            let page = try await json.call(.getParametersByPath, input, as: Wire.GetParametersByPathOutput.self)
            parameters += (page.Parameters ?? []).map(\.value)
            nextToken = page.NextToken.flatMap { $0.isEmpty ? nil : $0 }
            if let token = nextToken, !seenTokens.insert(token).inserted {
                throw ClientError(.invalidResponse, service: "ssm", operation: "GetParametersByPath",
                                  message: "the same NextToken came back twice; stopping instead of paging forever")
            }
        } while nextToken != nil
        return parameters
    }

    enum Wire {
        struct GetParameterInput: Encodable, Sendable {
            var Name: String
            var WithDecryption: Bool
        }

        struct GetParametersByPathInput: Encodable, Sendable {
            var Path: String
            var Recursive: Bool
            var WithDecryption: Bool
            var MaxResults: Int
            var NextToken: String?
        }

        struct Parameter: Decodable {
            var Name: String
            var `Type`: String
            var Value: String
            var Version: Int?
            var ARN: String?

            var value: SSMParameter {
                SSMParameter(name: Name, type: SSMParameterType(rawValue: `Type`), value: Value, version: Version, arn: ARN)
            }
        }

        struct GetParameterOutput: Decodable {
            var Parameter: Parameter?
        }

        struct GetParametersByPathOutput: Decodable {
            var Parameters: [Parameter]?
            var NextToken: String?
        }
    }
}

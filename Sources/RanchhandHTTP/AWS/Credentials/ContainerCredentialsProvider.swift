import Foundation
import RanchhandClients

/// ECS task roles and EKS Pod Identity: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on
/// `http://169.254.170.2`) or `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with the token from
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read on every refresh) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN` sent as `Authorization`. Plain HTTP only reaches loopback
/// and the link-local container endpoints (the transport enforces it). Wrap in `CachedCredentialsProvider`.
public struct ContainerCredentialsProvider: CredentialsProvider {
    public static let ecsEndpoint = "http://169.254.170.2"

    public let url: String
    private let token: String?
    private let tokenFile: String?
    private let transport: any HTTPTransport
    private let timeout: Duration

    public init(url: String, token: String? = nil, tokenFile: String? = nil, transport: any HTTPTransport, timeout: Duration = .seconds(5)) {
        self.url = url
        self.token = token
        self.tokenFile = tokenFile
        self.transport = transport
        self.timeout = timeout
    }

    /// The provider the environment configures, or `nil` when neither URI variable is set.
    public init?(environment: [String: String], transport: any HTTPTransport) {
        let url: String
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            url = Self.ecsEndpoint + (relative.hasPrefix("/") ? relative : "/" + relative)
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            url = full
        } else {
            return nil
        }
        self.init(url: url, token: environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 },
                  tokenFile: environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"].flatMap { $0.isEmpty ? nil : $0 },
                  transport: transport)
    }

    public func credentials(at now: Date) async throws(ClientError) -> AWSCredentials {
        var headers: [HTTPRequest.Header] = [.init("Accept", "application/json")]
        if let authorization = try authorization() { headers.append(.init("Authorization", authorization)) }
        let response = try await RetryPolicy.metadata.run(.idempotent, clock: ContinuousClock()) { () async throws(ClientError) -> HTTPResponse in
            let response = try await transport.send(HTTPRequest(method: "GET", url: url, headers: headers, timeout: timeout),
                                                    service: "container-credentials", operation: "GET credentials")
            guard response.isSuccess else {
                // The endpoint's error body names the problem ({"code", "message"}); it holds no secret.
                throw ClientError(.service, service: "container-credentials", operation: "GET credentials",
                                  statusCode: response.status, message: "\(url) answered: \(response.bodyExcerpt)")
            }
            return response
        }
        return try TemporaryCredentialsDocument.decode(response.body, source: "container-credentials", what: "the container credentials endpoint \(url)")
    }

    private func authorization() throws(ClientError) -> String? {
        var value = token
        if let tokenFile {
            do {
                value = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw ClientError(.credentials, service: "container-credentials", operation: "read token",
                                  message: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(tokenFile): \(error.localizedDescription)")
            }
        }
        if let value, value.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw ClientError(.credentials, service: "container-credentials", operation: "read token",
                              message: "the container authorization token contains a line break")
        }
        return value
    }
}

/// The JSON the container endpoint and IMDS answer with: `AccessKeyId`, `SecretAccessKey`,
/// `Token`, `Expiration` (and IMDS's `Code: Success`).
enum TemporaryCredentialsDocument {
    private struct Document: Decodable {
        var Code: String?
        var AccessKeyId: String?
        var SecretAccessKey: String?
        var Token: String?
        var Expiration: String?
    }

    static func decode(_ body: [UInt8], source: String, what: String) throws(ClientError) -> AWSCredentials {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(body))
        } catch {
            throw ClientError(.invalidResponse, service: source, operation: "GET credentials", message: "\(what) did not answer with credentials JSON")
        }
        if let code = document.Code, code != "Success" {
            throw ClientError(.credentials, service: source, operation: "GET credentials", code: code, message: "\(what) answered Code \(code)")
        }
        guard let keyID = document.AccessKeyId, let secret = document.SecretAccessKey else {
            throw ClientError(.invalidResponse, service: source, operation: "GET credentials",
                              message: "\(what) answered without AccessKeyId and SecretAccessKey")
        }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: document.Token,
                              expiration: document.Expiration.flatMap(ISO8601Timestamp.date(from:)))
    }
}

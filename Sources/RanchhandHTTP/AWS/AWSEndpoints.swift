import RanchhandClients

/// Where each service is reached, following the SDK conventions: `AWS_ENDPOINT_URL_<SERVICE>`
/// beats `AWS_ENDPOINT_URL`, which beats the public endpoint for the region. The environment is
/// passed in as a dictionary (only executables read the process environment).
public struct AWSEndpoints: Sendable {
    public var region: String
    private let overrides: [AWSService: String]
    private let globalOverride: String?

    public init(region: String, environment: [String: String] = [:]) {
        self.region = region
        var overrides: [AWSService: String] = [:]
        for service in AWSService.allCases {
            if let url = environment["AWS_ENDPOINT_URL_\(service.endpointEnvironmentID)"], !url.isEmpty {
                overrides[service] = Self.trimmed(url)
            }
        }
        self.overrides = overrides
        self.globalOverride = environment["AWS_ENDPOINT_URL"].flatMap { $0.isEmpty ? nil : Self.trimmed($0) }
    }

    /// An endpoint set that sends every service to one URL (an emulator in tests and the demo).
    public static func all(at url: String, region: String) -> AWSEndpoints {
        AWSEndpoints(region: region, environment: ["AWS_ENDPOINT_URL": url])
    }

    /// The base URL (scheme, host, optional port; no trailing slash) for `service`.
    public func url(for service: AWSService) -> String {
        if let url = overrides[service] ?? globalOverride { return url }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        switch service {
        case .route53:
            return region.hasPrefix("cn-") ? "https://route53.amazonaws.com.cn" : "https://route53.amazonaws.com"
        default:
            return "https://\(service.signingName).\(region).\(suffix)"
        }
    }

    /// The region a request to `service` is signed for.
    public func signingRegion(for service: AWSService) -> String {
        guard service.isGlobal else { return region }
        if region.hasPrefix("cn-") { return "cn-northwest-1" }
        if region.hasPrefix("us-gov-") { return "us-gov-west-1" }
        return "us-east-1"
    }

    private static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}

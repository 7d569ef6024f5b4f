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

    /// The base URL (scheme, host, optional port; no trailing slash) for `service`, from the
    /// region's partition (`AWSPartition.published`, derived from the SDKs' endpoint data).
    public func url(for service: AWSService) -> String {
        if let url = overrides[service] ?? globalOverride { return url }
        let partition = AWSPartition.of(region)
        if service.isGlobal {
            // A partition without a published Route53 endpoint gets the SDKs' pattern without a region.
            return "https://" + (partition.route53Host ?? "\(service.signingName).\(partition.dnsSuffix)")
        }
        return "https://\(service.signingName).\(region).\(partition.dnsSuffix)"
    }

    /// The region a request to `service` is signed for: the region, or a global service's
    /// partition-wide credential scope.
    public func signingRegion(for service: AWSService) -> String {
        guard service.isGlobal else { return region }
        return AWSPartition.of(region).route53SigningRegion ?? region
    }

    private static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}

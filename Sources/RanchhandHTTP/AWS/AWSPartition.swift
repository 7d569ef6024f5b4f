import Foundation

/// One AWS partition as the SDKs publish it (`AWSPartitions.swift` is generated from their data by
/// scripts/derive-aws-partitions.py): which regions it holds, its DNS suffix, and where its one
/// Route53 endpoint is and what it is signed for. Regional services are `<service>.<region>.<suffix>`
/// in every partition (the script fails if that stops being true for a service ranchhand calls, and
/// says which services a partition does not list).
public struct AWSPartition: Sendable, Equatable {
    public let name: String
    public let regionPattern: String
    public let dnsSuffix: String
    /// nil: the partition publishes no Route53 endpoint.
    public let route53Host: String?
    public let route53SigningRegion: String?

    /// The partition holding `region`; a region no pattern knows is taken as `aws`, as the SDKs do.
    public static func of(_ region: String) -> AWSPartition {
        published.first { region.range(of: $0.regionPattern, options: .regularExpression) != nil } ?? published[0]
    }
}

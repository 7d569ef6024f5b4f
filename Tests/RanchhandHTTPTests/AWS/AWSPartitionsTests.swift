import Foundation
import RanchhandClients
import RanchhandTestSupport
import Testing
@testable import RanchhandHTTP

/// Endpoints per partition: the committed table is exactly what scripts/derive-aws-partitions.py
/// derives from the botocore the test script installs (so it is neither hand-typed nor stale), and
/// the global Route53 endpoint and its signing region follow the region's partition.
@Suite struct AWSPartitionsTests {
    /// Each committed partition must be exactly what the derivation gives (no hand edits, no drift
    /// in what ships). A partition the installed botocore has and the table lacks is printed, not
    /// failed: CI's botocore may be newer than the one the table names.
    @Test func theTableIsWhatTheScriptDerivesFromTheSDKsData() async throws {
        let output = try await ChildProcess.runPython(["scripts/derive-aws-partitions.py"])
        try #require(output.status == 0, "\(output.standardError)")
        let committed = try String(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent("Sources/RanchhandHTTP/AWS/AWSPartitions.swift"), encoding: .utf8)
        let derived = Self.entries(String(decoding: output.standardOutput, as: UTF8.self))
        let shipped = Self.entries(committed)
        #expect(shipped.count == AWSPartition.published.count && shipped.count >= 5)
        for entry in shipped {
            #expect(derived.contains(entry), "differs from the derivation (regenerate with scripts/derive-aws-partitions.py): \(entry)")
        }
        let added = derived.filter { !shipped.contains($0) }
        if !added.isEmpty { print("partitions the installed botocore adds to the table: \(added)") }
    }

    /// One string per `AWSPartition(…)` entry (it spans two lines).
    static func entries(_ source: String) -> [String] {
        let lines = source.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.indices.compactMap { index in
            lines[index].hasPrefix("AWSPartition(name:") && index + 1 < lines.count ? lines[index] + " " + lines[index + 1] : nil
        }
    }

    @Test(arguments: [
        ("us-east-1", "https://route53.amazonaws.com", "us-east-1", "https://ec2.us-east-1.amazonaws.com"),
        ("eu-west-1", "https://route53.amazonaws.com", "us-east-1", "https://ec2.eu-west-1.amazonaws.com"),
        ("cn-north-1", "https://route53.amazonaws.com.cn", "cn-northwest-1", "https://ec2.cn-north-1.amazonaws.com.cn"),
        ("us-gov-west-1", "https://route53.us-gov.amazonaws.com", "us-gov-west-1", "https://ec2.us-gov-west-1.amazonaws.com"),
        ("us-gov-east-1", "https://route53.us-gov.amazonaws.com", "us-gov-west-1", "https://ec2.us-gov-east-1.amazonaws.com"),
        ("us-iso-east-1", "https://route53.c2s.ic.gov", "us-iso-east-1", "https://ec2.us-iso-east-1.c2s.ic.gov"),
        ("us-isob-east-1", "https://route53.sc2s.sgov.gov", "us-isob-east-1", "https://ec2.us-isob-east-1.sc2s.sgov.gov"),
    ])
    func route53AndRegionalEndpointsFollowThePartition(_ region: String, _ route53: String, _ signing: String, _ ec2: String) {
        let endpoints = AWSEndpoints(region: region)
        #expect(endpoints.url(for: .route53) == route53)
        #expect(endpoints.signingRegion(for: .route53) == signing)
        #expect(endpoints.signingRegion(for: .ec2) == region)
        #expect(endpoints.url(for: .ec2) == ec2)
    }

    @Test func anOverrideStillWinsAndAnUnknownRegionIsTheAWSPartitions() {
        #expect(AWSEndpoints(region: "us-gov-west-1", environment: ["AWS_ENDPOINT_URL_ROUTE_53": "http://127.0.0.1:5000/"]).url(for: .route53) == "http://127.0.0.1:5000")
        #expect(AWSPartition.of("xx-mars-1").name == "aws")
    }
}

import ArgumentParser
import Testing
@testable import ranchhand_dns

/// What infra/handlers.yaml writes to /ranchhand/<c>/dns/options parses with ranchhand-dns's own
/// command, as the Lambda function parses it (`lambda` followed by the options).
@Suite struct TemplateDNSOptionsTests {
    func lambda(_ words: [String]) throws -> LambdaCommand {
        try #require(try RanchhandDNS.parseAsRoot(["lambda"] + words) as? LambdaCommand)
    }

    @Test func theDefaultOptionsNameZoneOwnerPolicyAndRancher() throws {
        let words = try TemplateOptions.words("DnsOptionsParameter", [:])
        #expect(words == ["--zone-id", "Z0123456789ABCDEFGHIJ", "--owner", "ranchhand-prod", "--policy", "upsert-only",
                          "--rancher-url", "https://rancher.example.com", "--cluster-id", "c-m-abcd1234"])
        let options = try lambda(words).options
        #expect(options.zoneId == "Z0123456789ABCDEFGHIJ" && options.owner == "ranchhand-prod" && options.policy == .upsertOnly)
        #expect(options.rancherUrl == "https://rancher.example.com" && options.clusterId == "c-m-abcd1234" && options.group == nil)
    }

    @Test func theNodePoolAndExtraOptions() throws {
        let words = try TemplateOptions.words("DnsOptionsParameter", [
            "DnsPolicy": "sync", "DnsNodePoolGroupName": "prod-compute-a", "DnsNodeRecord": "nodes.example.com",
            "DnsExtraOptions": "--target k8s-lb-1234.elb.us-east-1.amazonaws.com --default-ttl 60 --txt-prefix 'rh-%{record_type}-'",
        ])
        let options = try lambda(words).options
        #expect(options.policy == .sync && options.group == "prod-compute-a" && options.nodeRecord == "nodes.example.com")
        #expect(options.target == ["k8s-lb-1234.elb.us-east-1.amazonaws.com"] && options.defaultTtl == 60 && options.txtPrefix == "rh-%{record_type}-")
    }

    @Test func aMisspeltExtraOptionFailsWithTheParsersMessage() throws {
        let words = try TemplateOptions.words("DnsOptionsParameter", ["DnsExtraOptions": "--default-tll 60"])
        do {
            _ = try lambda(words)
            Issue.record("a misspelt option parsed")
        } catch {
            #expect(RanchhandDNS.message(for: error).contains("Unknown option '--default-tll'"))
        }
    }
}

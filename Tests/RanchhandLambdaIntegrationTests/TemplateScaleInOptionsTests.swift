import ArgumentParser
import Testing
@testable import ranchhand_scale_in

/// What infra/handlers.yaml writes to /ranchhand/<c>/scale-in/options parses with ranchhand-scale-in's
/// own command, as the Lambda function parses it (`lambda` followed by the options).
@Suite struct TemplateScaleInOptionsTests {
    func lambda(_ words: [String]) throws -> LambdaCommand {
        try #require(try ScaleIn.parseAsRoot(["lambda"] + words) as? LambdaCommand)
    }

    @Test func theDefaultOptionsNameRancherAndTheCluster() throws {
        let words = try TemplateOptions.words("ScaleInOptionsParameter", [:])
        #expect(words == ["--rancher-url", "https://rancher.example.com", "--cluster-id", "c-m-abcd1234", "--group-prefix", "prod-",
                          "--lease-table", "ranchhand-prod-scale-in-lease", "--drain-timeout", "600", "--max-drain-wait", "3600"])
        let options = try lambda(words).options
        #expect(options.rancherURL == "https://rancher.example.com" && options.cluster == "c-m-abcd1234")
        #expect(options.groupPrefix == "prod-" && options.maxDrainWait == 3600 && options.drainTimeout == 600
                    && options.leaseTable == "ranchhand-prod-scale-in-lease",
                "the stack's groups are heart-beaten and reconciled; its drain settings reach the handler")
    }

    @Test func extraOptionsAreAppendedAndQuotingHolds() throws {
        let words = try TemplateOptions.words("ScaleInOptionsParameter", [
            "ScaleInExtraOptions": #"--ca-checksum 0f1e --drain-timeout 900 --webhook-url 'https://hooks.example.com/T0/B1?x=a b'"#,
        ])
        let options = try lambda(words).options
        #expect(options.cluster == "c-m-abcd1234" && options.caChecksum == "0f1e" && options.drainTimeout == 900)
        #expect(options.webhookURL == "https://hooks.example.com/T0/B1?x=a b")
    }

    @Test func aMisspeltExtraOptionFailsWithTheParsersMessage() throws {
        let words = try TemplateOptions.words("ScaleInOptionsParameter", ["ScaleInExtraOptions": "--drain-timout 900"])
        do {
            _ = try lambda(words)
            Issue.record("a misspelt option parsed")
        } catch {
            #expect(ScaleIn.message(for: error).contains("Unknown option '--drain-timout'"))
        }
    }

    @Test func aStackWithANodePoolWithdrawsLeavingNodesFromItsRecords() throws {
        let pool = ["DnsNodePoolGroupName": "prod-compute-a", "DnsNodeRecord": "nodes.example.com"]
        let options = try lambda(try TemplateOptions.words("ScaleInOptionsParameter", pool)).options
        #expect(options.dnsZoneId == "Z0123456789ABCDEFGHIJ" && options.dnsOwner == "ranchhand-prod", "the DNS function's own zone and owner")
        #expect(options.policy.withdrawsFromDNS)
        #expect(try lambda(try TemplateOptions.words("ScaleInOptionsParameter", [:])).options.policy.withdrawsFromDNS == false,
                "without a node pool there is no record to withdraw")
    }

    @Test func theOldClusterFlagStillParses() throws {
        #expect(try lambda(["--cluster", "c-1"]).options.cluster == "c-1")
    }
}

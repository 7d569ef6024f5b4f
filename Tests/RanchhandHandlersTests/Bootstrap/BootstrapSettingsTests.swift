import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

/// One vocabulary, five sources, one precedence order, every problem reported at once.
@Suite struct BootstrapSettingsTests {
    let ssm = [
        SSMParameter(name: "/ranchhand/home/rancher-url", type: .string, value: "https://rancher.example.com/"),
        SSMParameter(name: "/ranchhand/home/rancher-token", type: .secureString, value: "token-abcde:0123456789secret"),
        SSMParameter(name: "/ranchhand/home/cluster-name", type: .string, value: "home"),
        SSMParameter(name: "/ranchhand/home/roles", type: .string, value: "worker"),
        SSMParameter(name: "/ranchhand/home/labels", type: .string, value: "team=platform,tier=general"),
        SSMParameter(name: "/ranchhand/home/groups/rancher-cp/roles", type: .string, value: "etcd,controlplane"),
        SSMParameter(name: "/ranchhand/home/groups/rancher-cp/labels", type: .string, value: "tier=control"),
        SSMParameter(name: "/ranchhand/home/groups/other-group/roles", type: .string, value: "etcd"),
    ]

    @Test func groupParametersBeatCommonOnesAndLabelsMerge() throws {
        let (group, common) = try SettingsLayer.parameterStore(ssm, prefix: "/ranchhand/home", group: "rancher-cp")
        let resolved = try BootstrapSettings.resolve([group, common])
        #expect(resolved.settings.roles == [.etcd, .controlPlane])
        #expect(resolved.settings.labels == ["team": "platform", "tier": "control"])
        #expect(resolved.settings.rancherURL == "https://rancher.example.com")
        #expect(resolved.settings.rancherToken?.value == "token-abcde:0123456789secret")
        #expect(resolved.settings.cluster == .name("home"))
        #expect(resolved.sources["roles"] == "SSM /ranchhand/home/groups/rancher-cp/")
        #expect(resolved.sources["labels"] == "SSM /ranchhand/home/groups/rancher-cp/ + SSM /ranchhand/home/")
    }

    @Test func flagsBeatEnvironmentBeatFileBeatHookMetadataBeatSSM() throws {
        let flags = SettingsLayer(source: "flags", values: ["cluster-id": "c-d8f82"])
        let environment = SettingsLayer.environment(["RANCHHAND_CLUSTER_ID": "c-zzzzz", "RANCHHAND_ROLES": "etcd", "HOME": "/root"])
        let file = try SettingsLayer.configFile("roles: [worker]\nlog-max-size: 100m\nlabels:\n  zone: a\n", path: "/etc/ranchhand/bootstrap.yaml")
        let hook = SettingsLayer.hookMetadata(#"{"roles":["controlplane"],"labels":{"pool":"blue"},"owner":"someone else"}"#)
        let (group, common) = try SettingsLayer.parameterStore(ssm, prefix: "/ranchhand/home/", group: "rancher-workers")
        let resolved = try BootstrapSettings.resolve([flags, environment, file, group, hook, common])
        #expect(resolved.settings.cluster == .id("c-d8f82"))
        #expect(resolved.settings.roles == [.etcd])
        #expect(resolved.settings.logRotation.maxSize == "100m")
        #expect(resolved.settings.labels == ["zone": "a", "pool": "blue", "team": "platform", "tier": "general"])
        #expect(resolved.sources["cluster-id"] == "flags" && resolved.sources["roles"] == "environment")
    }

    @Test func hookMetadataCannotCarryASecretAndNonJSONMetadataIsIgnored() throws {
        let hook = SettingsLayer.hookMetadata(#"{"rancher-token":"token-x:stolen","roles":"worker"}"#)
        #expect(hook.values == ["roles": "worker"])
        #expect(SettingsLayer.hookMetadata("pool=blue, owned by the capacity team").values.isEmpty)
        #expect(SettingsLayer.hookMetadata(nil).values.isEmpty)
    }

    @Test func aTokenStoredAsPlainStringIsRefused() {
        let plain = [SSMParameter(name: "/ranchhand/home/rancher-token", type: .string, value: "token-abcde:visible")]
        #expect(throws: BootstrapError.self) { try SettingsLayer.parameterStore(plain, prefix: "/ranchhand/home/", group: nil) }
        do {
            _ = try SettingsLayer.parameterStore(plain, prefix: "/ranchhand/home/", group: nil)
        } catch {
            #expect(error.message.contains("SecureString") && !error.message.contains("visible"))
        }
    }

    @Test func everyProblemIsReportedWithItsSource() {
        let file = SettingsLayer(source: "/etc/ranchhand/bootstrap.yaml", values: [
            "rancher-url": "http://rancher.example.com", "roles": "worker,gpu", "ca-checksum": "abc", "log-max-files": "1",
            "taints": "dedicated=gpu:Sometimes", "address": "elastic", "fail2ban": "maybe", "join-timeout": "soon",
        ])
        do {
            _ = try BootstrapSettings.resolve([file])
            Issue.record("expected configuration problems")
        } catch {
            #expect(error.kind == .configuration)
            for fragment in ["rancher-url: 'http://rancher.example.com' must be an https:// URL", "roles: 'worker,gpu'", "ca-checksum",
                             "log-max-files", "dedicated=gpu:Sometimes", "address: 'elastic' must be one of auto, public, private",
                             "fail2ban: 'maybe'", "join-timeout: 'soon'"] {
                #expect(error.message.contains(fragment), "missing: \(fragment)")
            }
            #expect(error.message.contains("/etc/ranchhand/bootstrap.yaml: roles"))
        }
    }

    @Test func configFileRejectsUnknownKeysWithASuggestion() {
        do {
            _ = try SettingsLayer.configFile("rancher-ulr: https://x\nroles: worker\n", path: "bootstrap.yaml")
            Issue.record("expected an unknown-key problem")
        } catch {
            #expect(error.message.contains("bootstrap.yaml:1: unknown setting 'rancher-ulr' (did you mean 'rancher-url'?)"))
        }
    }

    @Test func clusterIDAndNameAreExclusiveAndIDsAreChecked() {
        #expect(throws: BootstrapError.self) {
            try BootstrapSettings.resolve([SettingsLayer(source: "flags", values: ["cluster-id": "c-abc", "cluster-name": "home"])])
        }
        #expect(throws: BootstrapError.self) { try BootstrapSettings.resolve([SettingsLayer(source: "flags", values: ["cluster-id": "home"])]) }
    }

    @Test func loopbackHTTPIsAllowedForTheSandbox() throws {
        let resolved = try BootstrapSettings.resolve([SettingsLayer(source: "flags", values: ["rancher-url": "http://localhost:8443"])])
        #expect(resolved.settings.rancherURL == "http://localhost:8443")
    }

    @Test func secretsNeverPrint() {
        let secret = BootstrapSecret("token-abcde:0123456789secret")
        var dumped = ""
        dump(BootstrapSettings(rancherToken: secret), to: &dumped)
        #expect(!"\(secret)".contains("0123456789") && !dumped.contains("0123456789"))
        let redactor = Redactor([secret.value])
        #expect(redactor.redact("Authorization: Bearer token-abcde:0123456789secret") == "Authorization: Bearer <redacted>")
    }
}

import ArgumentParser
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers

extension PlanPolicy: ExpressibleByArgument {}
extension NodePoolOptions.Address: ExpressibleByArgument {}
extension NodePoolOptions.Style: ExpressibleByArgument {}

/// Every option the subcommands share, parsed once into `DNSSyncConfiguration` and `SourceSettings`.
struct DNSOptions: ParsableArguments {
    // MARK: Zone and registry
    @Option(help: "The Route53 hosted zone id (Z…; /hostedzone/ accepted).")
    var zoneId: String

    @Option(help: "TXT registry owner id. Records whose TXT names another owner are never touched; use external-dns's --txt-owner-id to share or hand over a zone.")
    var owner: String

    @Option(help: "Required, as in external-dns: sync (create, update, delete owned records), upsert-only (never delete), create-only.")
    var policy: PlanPolicy

    @Option(help: "TXT registry name prefix (external-dns --txt-prefix); may hold %{record_type}.")
    var txtPrefix = ""

    @Option(help: "TXT registry name suffix (external-dns --txt-suffix); may hold %{record_type}.")
    var txtSuffix = ""

    @Option(help: "Replaces a leading * in TXT names (external-dns --txt-wildcard-replacement).")
    var txtWildcardReplacement: String?

    // MARK: Ingress source
    @Option(help: "Kubernetes API server URL (direct), for Ingresses and, with --group, the Nodes (only Ready, uncordoned ones serve). The token comes from --kubernetes-token-file or KUBERNETES_TOKEN.")
    var kubernetesUrl: String?

    @Option(help: "File holding the bearer token (the in-cluster one is /var/run/secrets/kubernetes.io/serviceaccount/token).")
    var kubernetesTokenFile: String?

    @Option(help: "PEM file of the API server's CA (default: system roots).")
    var kubernetesCaFile: String?

    @Option(help: "Rancher URL: read Ingresses and, with --group, the Nodes (only Ready, uncordoned ones serve) through Rancher's /k8s/clusters/<id> proxy with RANCHER_TOKEN.")
    var rancherUrl: String?

    @Option(help: "The Rancher cluster id (c-xxxxx or c-m-xxxxxxxx) for --rancher-url.")
    var clusterId: String?

    @Option(help: "PEM file of Rancher's CA (default: system roots).")
    var rancherCaFile: String?

    @Option(help: "A recorded IngressList (kubectl get ingress -A -o json) instead of the API.")
    var ingressFile: String?

    @Option(help: "Only this namespace's Ingresses (default: all).")
    var namespace: String?

    @Option(help: "Only Ingresses of this class (spec.ingressClassName, else kubernetes.io/ingress.class); repeatable.")
    var ingressClass: [String] = []

    @Option(help: "Target for Ingresses without a target annotation, instead of status.loadBalancer: the load balancer host name (or addresses) in front of the compute group; repeatable.")
    var target: [String] = []

    @Option(help: "TTL of Ingress records without a ttl annotation.")
    var defaultTtl = 300

    @Flag(help: "CNAME to load balancers instead of A ALIAS.")
    var preferCname = false

    @Flag(inversion: .prefixedNo, help: "EvaluateTargetHealth on ALIAS records.")
    var evaluateTargetHealth = true

    // MARK: Node pool
    @Option(help: "Auto Scaling group whose InService, healthy instances the node-pool record lists (with Kubernetes access, only those whose Node is Ready and not cordoned).")
    var group: String?

    @Option(help: "The node-pool record name, e.g. nodes.example.com (needs --group).")
    var nodeRecord: String?

    @Option(help: "private or public IPv4 addresses in the node-pool record.")
    var nodeAddress: NodePoolOptions.Address = .privateIPv4

    @Option(help: "TTL of the node-pool records.")
    var nodeTtl = 60

    @Option(help: "multivalue: one record set per instance (SetIdentifier = instance id), a launch or termination touches only its own; simple: one record set with every address.")
    var nodeStyle: NodePoolOptions.Style = .multivalue

    @Option(help: "The node-pool records' own policy, whatever --policy is (default sync: a departed instance's record is deleted; upsert-only would keep sending clients to terminated nodes).")
    var nodePolicy: PlanPolicy = .sync

    @Option(help: "Fewer InService, healthy members than this (an empty or bad read of the group) change no node-pool record.")
    var nodeMinRecords = 1

    @Option(help: "Route53 requests per second at most (Route53 allows 5 for the whole account, shared with any external-dns).")
    var route53Rate = 2.0

    @Option(help: "trace, debug, info, notice, warning, error or critical (logs go to standard error).")
    var logLevel = "info"

    func validate() throws {
        if (group == nil) != (nodeRecord == nil) { throw ValidationError("--group and --node-record go together") }
        let sources = [kubernetesUrl != nil, rancherUrl != nil, ingressFile != nil].filter { $0 }.count
        if sources > 1 { throw ValidationError("choose one Ingress source: --kubernetes-url, --rancher-url or --ingress-file") }
        if rancherUrl != nil, clusterId == nil { throw ValidationError("--rancher-url needs --cluster-id") }
        if sources == 0, group == nil { throw ValidationError("nothing to sync: give an Ingress source, a node pool (--group, --node-record), or both") }
        if !(0.1...5).contains(route53Rate) { throw ValidationError("--route53-rate must be between 0.1 and 5 (Route53's account-wide limit)") }
        if nodeMinRecords < 1 { throw ValidationError("--node-min-records must be at least 1: an empty read must never delete the pool") }
        if !txtPrefix.isEmpty, !txtSuffix.isEmpty { throw ValidationError("--txt-prefix and --txt-suffix are mutually exclusive (as in external-dns)") }
    }

    var configuration: DNSSyncConfiguration {
        DNSSyncConfiguration(
            zone: HostedZoneID(zoneId), owner: OwnerID(owner), policy: policy,
            registry: TXTRegistry(prefix: txtPrefix, suffix: txtSuffix, wildcardReplacement: txtWildcardReplacement),
            ingress: IngressSourceOptions(ingressClasses: Set(ingressClass), defaultTTL: defaultTtl,
                                          targetOverride: target.flatMap { $0.split(separator: ",").map(String.init) },
                                          evaluateTargetHealth: evaluateTargetHealth, preferCNAME: preferCname),
            nodePool: group.flatMap { group in
                nodeRecord.map {
                    NodePoolOptions(group: AutoScalingGroupName(group), recordName: $0, address: nodeAddress, ttl: nodeTtl, style: nodeStyle,
                                    policy: nodePolicy, minimumRecords: nodeMinRecords)
                }
            })
    }
}

import RanchhandClients

/// How Ingresses become records (external-dns's ingress source, both annotation prefixes).
public struct IngressSourceOptions: Sendable, Equatable {
    /// `spec.ingressClassName` (else the `kubernetes.io/ingress.class` annotation) must be one of
    /// these; empty: every class.
    public var ingressClasses: Set<String>
    public var defaultTTL: Int
    /// Used instead of `status.loadBalancer` for Ingresses without a `target` annotation: the load
    /// balancer in front of the compute group (a host name) or addresses.
    public var targetOverride: [String]
    public var evaluateTargetHealth: Bool
    /// CNAME even when the target is a load balancer (no ALIAS).
    public var preferCNAME: Bool

    public init(ingressClasses: Set<String> = [], defaultTTL: Int = 300, targetOverride: [String] = [], evaluateTargetHealth: Bool = true,
                preferCNAME: Bool = false) {
        self.ingressClasses = ingressClasses
        self.defaultTTL = defaultTTL
        self.targetOverride = targetOverride
        self.evaluateTargetHealth = evaluateTargetHealth
        self.preferCNAME = preferCNAME
    }
}

public enum IngressEndpoints {
    /// `external-dns.kubernetes.io/` (current) wins over `external-dns.alpha.kubernetes.io/`.
    public static let annotationPrefixes = ["external-dns.kubernetes.io/", "external-dns.alpha.kubernetes.io/"]

    public static func desired(from ingresses: [Ingress], options: IngressSourceOptions, loadBalancers: LoadBalancerZones) -> DesiredRecords {
        var desired = DesiredRecords()
        for ingress in ingresses.sorted(by: { $0.id < $1.id }) where selected(ingress, options) {
            let resource = DNSResource.ingress(ingress.id)
            let hosts = hostnames(of: ingress)
            guard !hosts.isEmpty else { continue }
            let targets = targets(of: ingress, options: options)
            guard !targets.isEmpty else {
                desired.retained.insert(resource)  // no address yet: keep what exists, create nothing
                continue
            }
            let ttl = annotation("ttl", ingress).flatMap(parseTTL) ?? options.defaultTTL
            let evaluate = annotation("aws-evaluate-target-health", ingress).map { $0.lowercased() == "true" } ?? options.evaluateTargetHealth
            for host in hosts {
                let (endpoints, problems) = records(host: host, targets: targets, ttl: ttl, evaluate: evaluate, resource: resource,
                                                    options: options, loadBalancers: loadBalancers)
                desired.endpoints += endpoints
                desired.rejected += problems
            }
        }
        return desired
    }

    static func selected(_ ingress: Ingress, _ options: IngressSourceOptions) -> Bool {
        if ingress.metadata.deletionTimestamp != nil { return false }
        if let controller = annotation("controller", ingress), controller != "dns-controller" { return false }
        guard !options.ingressClasses.isEmpty else { return true }
        let annotated = ingress.metadata.annotations["kubernetes.io/ingress.class"]
        let className = ingress.ingressClassName.flatMap { $0.isEmpty ? nil : $0 } ?? annotated
        return className.map(options.ingressClasses.contains) ?? false
    }

    static func annotation(_ key: String, _ ingress: Ingress) -> String? {
        annotationPrefixes.lazy.compactMap { ingress.metadata.annotations[$0 + key] }.first
    }

    /// Rules and TLS hosts plus the `hostname` annotation, as `ingress-hostname-source` allows.
    static func hostnames(of ingress: Ingress) -> [String] {
        let source = annotation("ingress-hostname-source", ingress)
        var hosts: [String] = []
        if source != "annotation-only" { hosts += ingress.ruleHosts + ingress.tlsHosts }
        if source != "defined-hosts-only" { hosts += list(annotation("hostname", ingress)) }
        return Array(Set(hosts.filter { !$0.isEmpty }.map(RecordName.normalized))).sorted()
    }

    static func targets(of ingress: Ingress, options: IngressSourceOptions) -> [String] {
        let annotated = list(annotation("target", ingress))
        if !annotated.isEmpty { return annotated }
        if !options.targetOverride.isEmpty { return options.targetOverride }
        return ingress.loadBalancer.flatMap { [$0.ip, $0.hostname].compactMap { $0 } }.filter { !$0.isEmpty }
    }

    /// Comma-separated, spaces stripped, trailing dots removed.
    static func list(_ value: String?) -> [String] {
        guard let value else { return [] }
        return value.split(separator: ",").map { item in
            var text = item.filter { !$0.isWhitespace }
            while text.hasSuffix(".") { text.removeLast() }
            return text
        }.filter { !$0.isEmpty }
    }

    static func records(host: String, targets: [String], ttl: Int, evaluate: Bool, resource: DNSResource, options: IngressSourceOptions,
                        loadBalancers: LoadBalancerZones) -> ([DNSEndpoint], [RecordConflict]) {
        let v4 = targets.filter(IPAddress.isIPv4), v6 = targets.filter(IPAddress.isIPv6)
        if !v4.isEmpty || !v6.isEmpty {
            var endpoints: [DNSEndpoint] = []
            if !v4.isEmpty { endpoints.append(DNSEndpoint(name: host, type: .a, ttl: ttl, target: .values(v4), resource: resource)) }
            if !v6.isEmpty { endpoints.append(DNSEndpoint(name: host, type: .aaaa, ttl: ttl, target: .values(v6), resource: resource)) }
            return (endpoints, [])
        }
        let names = Array(Set(targets.map { RecordName.normalized($0) })).sorted()
        let target = names[0]
        var problems: [RecordConflict] = []
        if names.count > 1 {
            problems.append(RecordConflict(name: host, type: .cname, resource: resource,
                                           reason: "several target host names (\(names.joined(separator: ", "))); using \(target)"))
        }
        if target == host {
            return ([], problems + [RecordConflict(name: host, type: .cname, resource: resource, reason: "the target is the host itself")])
        }
        if !options.preferCNAME, let zone = loadBalancers.zone(for: target) {
            let alias = AliasTarget(hostedZoneID: zone, dnsName: target, evaluateTargetHealth: evaluate)
            return ([DNSEndpoint(name: host, type: .a, ttl: ttl, target: .alias(alias), resource: resource)], problems)
        }
        return ([DNSEndpoint(name: host, type: .cname, ttl: ttl, target: .values([target]), resource: resource)], problems)
    }

    /// `"600"` or a Go duration (`"10m"`, `"1h30m"`, `"90s"`), 1 s to 2^31-1 s; nil otherwise.
    public static func parseTTL(_ text: String) -> Int? {
        if let seconds = Int(text) { return (1...Int(Int32.max)).contains(seconds) ? seconds : nil }
        guard let total = GoDuration.seconds(text), total >= 1, total < Double(Int32.max) + 1 else { return nil }
        return Int(total)
    }
}

enum IPAddress {
    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) && Int(part)! <= 255
        }
    }

    static func isIPv6(_ text: String) -> Bool {
        text.contains(":") && text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}

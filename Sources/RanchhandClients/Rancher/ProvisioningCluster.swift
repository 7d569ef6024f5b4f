/// A v2prov cluster as Rancher's `/v1/provisioning.cattle.io.clusters` (steve) API shows it: only
/// what ranchhand reads.
public struct ProvisioningCluster: Sendable, Hashable {
    public var namespace: String
    public var name: String
    /// `status.clusterName`: the management cluster's `c-m-…` id.
    public var managementClusterID: RancherClusterID?
    public var annotations: [String: String]

    /// Set on the provisioning cluster, Rancher (v2.8.6, v2.9.0 and later) deletes a custom Machine
    /// whose Kubernetes Node has been gone for the annotation's duration (rancher/rancher#43686,
    /// PR #45779). Without it Rancher keeps such Machines for ever: deleting them by default lost
    /// data during etcd restores.
    public static let deleteMissingMachinesAnnotation = "rke.cattle.io/delete-missing-custom-machines-after"

    public init(namespace: String, name: String, managementClusterID: RancherClusterID? = nil, annotations: [String: String] = [:]) {
        self.namespace = namespace
        self.name = name
        self.managementClusterID = managementClusterID
        self.annotations = annotations
    }

    public var missingMachineCleanup: MissingMachineCleanup {
        guard let text = annotations[Self.deleteMissingMachinesAnnotation] else { return .off }
        guard let seconds = GoDuration.seconds(text), seconds >= 0 else {
            return .unreadable("\(Self.deleteMissingMachinesAnnotation)='\(text)' on \(namespace)/\(name) is not a Go duration")
        }
        return .after(seconds: seconds, text: text)
    }
}

/// Whether Rancher itself deletes custom Machines whose Kubernetes Node is gone.
public enum MissingMachineCleanup: Sendable, Hashable, CustomStringConvertible {
    /// No annotation: Rancher keeps them.
    case off
    /// Rancher deletes them once their Node has been missing this long.
    case after(seconds: Double, text: String)
    /// It could not be told (the provisioning cluster unreadable, or the value not a duration).
    case unreadable(String)

    public var description: String {
        switch self {
        case .off: "Rancher keeps Machines whose node is gone (no \(ProvisioningCluster.deleteMissingMachinesAnnotation) on the cluster)"
        case .after(_, let text): "Rancher deletes Machines whose node is gone after \(text) (\(ProvisioningCluster.deleteMissingMachinesAnnotation))"
        case .unreadable(let reason): "whether Rancher deletes Machines whose node is gone is unknown: \(reason)"
        }
    }
}

/// Go's `time.ParseDuration` syntax, which Kubernetes and Rancher use in annotations and options:
/// a sequence of decimal numbers with units (`300ms`, `1.5h`, `2h45m`); a lone `0` is zero.
public enum GoDuration {
    private static let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("μs", 1e-6), ("ms", 1e-3),
                                                     ("h", 3600), ("m", 60), ("s", 1)]

    /// Seconds, or nil when the text is not a Go duration. A leading sign is allowed, as in Go.
    public static func seconds(_ text: String) -> Double? {
        var rest = Substring(text)
        var sign = 1.0
        if let first = rest.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        if rest == "0" { return 0 }
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number != ".", let value = Double(number.hasPrefix(".") ? "0" + number : String(number)) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
        }
        return sign * total
    }
}

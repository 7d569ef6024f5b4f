extension SandboxNodeSpec {
    /// The node a Rancher agent's join command would register (`--node-name`, `--address`,
    /// `--internal-address`, `--etcd`/`--controlplane`/`--worker`, repeated `--label k=v`): how the
    /// demo and the bootstrap tests stand in for an agent that cannot run here.
    public init(joinArguments argv: [String], ready: Bool = true) {
        func values(_ flag: String) -> [String] {
            argv.indices.filter { argv[$0] == flag && $0 + 1 < argv.count }.map { argv[$0 + 1] }
        }
        var labels: [String: String] = [:]
        for pair in values("--label") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            labels[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        var roles: SandboxRoles = []
        if argv.contains("--etcd") { roles.insert(.etcd) }
        if argv.contains("--controlplane") { roles.insert(.controlPlane) }
        if argv.contains("--worker") { roles.insert(.worker) }
        self.init(name: values("--node-name").first ?? "unnamed", roles: roles, ipAddress: values("--internal-address").first ?? "",
                  externalIPAddress: values("--address").first ?? "", labels: labels, ready: ready)
    }
}

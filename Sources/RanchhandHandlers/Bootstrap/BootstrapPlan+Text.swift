extension BootstrapPlan {
    /// The plan for people: each step with `satisfied`/`pending` (from `snapshot`), then exactly
    /// what it would do — every command as argv (shell-quoted for reading) and every file in full.
    /// Secrets never appear: the registration token is a placeholder, the API token is not in any step.
    public func text(snapshot: HostSnapshot?, sources: [String: String] = [:]) -> String {
        var lines = ["ranchhand-bootstrap plan: \(summary)"]
        if !sources.isEmpty {
            lines.append("settings from: " + sources.keys.sorted().map { "\($0) (\(sources[$0]!))" }.joined(separator: ", "))
        }
        let pending = snapshot.map { snapshot in steps.filter { !snapshot.isSatisfied($0) }.count }
        lines.append(pending.map { "\(steps.count) steps, \($0) pending" + ($0 == 0 ? ": nothing to do" : "") } ?? "\(steps.count) steps")
        let width = steps.map(\.id.rawValue.count).max() ?? 0
        for (index, step) in steps.enumerated() {
            let status = snapshot.map { $0.isSatisfied(step) ? "satisfied" : "pending  " } ?? "unknown  "
            let name = step.id.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append(String(format: "%2d. ", index + 1) + "\(name)  \(status)  \(step.title)")
            lines.append(contentsOf: step.check.isEmpty ? ["      check: none (always runs)"] : ["      check: " + step.check.map(Self.describe).joined(separator: "; ")])
            for action in step.actions { lines.append(contentsOf: Self.describe(action)) }
            if let part = step.bestEffort { lines.append("      on failure: a warning; the rest of \(part) is skipped and the plan goes on (best-effort)") }
        }
        if let launchAction {
            let except = steps.contains { $0.bestEffort != nil } ? " (except a best-effort step's)" : ""
            lines.append("on any failure\(except): complete lifecycle action \(launchAction.hook) of \(launchAction.group) for \(launchAction.instanceID) with ABANDON")
            if holdsOnJoinTimeout { lines.append("except wait-node-active timing out: an etcd member is held (no ABANDON), and said so critically") }
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ condition: BootstrapCondition) -> String {
        switch condition {
        case .file(let path, _, let mode): "\(path) has exactly the content below, mode \(String(mode, radix: 8))"
        case .packagesInstalled(let names, _): "\(names.joined(separator: ", ")) installed"
        case .packageVersion(let name, _, let accepted): "\(name) at \(accepted.joined(separator: " or "))"
        case .unitEnabled(let unit): "\(unit) enabled"
        case .unitActive(let unit): "\(unit) active"
        case .nodeRegistered: "a Rancher node labelled \(JoinCommands.instanceIDLabel)=<this instance> exists"
        case .nodeActive: "that node is active"
        case .nodeSchedulable: "that node is schedulable"
        case .lifecycleActionCompleted: "the instance is not in Pending:Wait"
        }
    }

    static func describe(_ action: BootstrapAction) -> [String] {
        switch action {
        case .writeFile(let path, let contents, let mode):
            return ["      write \(path) (mode \(String(mode, radix: 8))):"] + contents.split(separator: "\n", omittingEmptySubsequences: false)
                .dropLast(contents.hasSuffix("\n") ? 1 : 0).map { "        | \($0)" }
        case .run(let command):
            return ["      run: \(command)" + (command.requiresBootedSystem ? "   (only with a running systemd)" : "")]
        case .requirePackageVersion(let name, _, let accepted):
            return ["      verify: \(name) is at \(accepted.joined(separator: " or ")), else fail"]
        case .waitForNodeActive(let timeout):
            return ["      wait: poll Rancher until the node is active, at most \(BootstrapProgress.seconds(timeout))"]
        case .uncordonNode:
            return ["      rancher: uncordon the node"]
        case .completeLifecycleAction(let reference, let result):
            return ["      autoscaling: CompleteLifecycleAction \(reference.hook) \(reference.instanceID) \(result.rawValue)"]
        case .fail(let reason):
            return ["      fail: \(reason)"]
        }
    }
}

import ArgumentParser
import RanchhandHandlers

/// Options shared by `run`, `plan`, `loop` and `lambda`. Values in [BRACKETS] may come from the
/// environment instead; the executable reads the environment once, in `CapacityWiring`.
struct CapacityOptions: ParsableArguments {
    @Option(help: "YAML scaler configuration file [RANCHHAND_CAPACITY_CONFIG].")
    var config: String?

    @Option(help: """
        SSM String parameter holding the YAML configuration instead of a file [RANCHHAND_CAPACITY_CONFIG_PARAMETER]; \
        in Lambda it defaults to <RANCHHAND_SSM_PREFIX>config.
        """)
    var configParameter: String?

    @Option(name: .customLong("scaler"), help: "Run only this scaler (repeatable); all of them by default.")
    var scalers: [String] = []

    @Option(help: "Rancher server URL, for Deployment targets [RANCHER_URL].")
    var rancherURL: String?

    @Option(help: """
        SSM SecureString parameter holding the Rancher API token [RANCHER_TOKEN_PARAMETER]; otherwise RANCHER_TOKEN, \
        or <RANCHHAND_SSM_PREFIX>rancher-token in Lambda. Never accepted as a flag.
        """)
    var rancherTokenParameter: String?

    @Option(help: "Pin Rancher's CA by its checksum, as Rancher's own agent does [RANCHER_CA_CHECKSUM].")
    var rancherCAChecksum: String?

    @Option(help: """
        Largest share of an Auto Scaling group's instances a scale-in may remove within --scale-in-budget-window         (0-1; 1 lifts the limit). Keep it equal to ranchhand-scale-in's --breaker-max-share: that handler refuses         deletions past it, holding the drained instances' hooks, so a scaler asking for more only fights it.
        """)
    var scaleInBudgetShare = ScaleInBudget().maximumShare

    @Option(help: "The scale-in budget's window in seconds (ranchhand-scale-in's --breaker-window).")
    var scaleInBudgetWindow = ScaleInBudget().windowSeconds

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical [RANCHHAND_LOG_LEVEL].")
    var logLevel: String?

    var scaleInBudget: ScaleInBudget? {
        scaleInBudgetShare >= 1 ? nil : ScaleInBudget(maximumShare: scaleInBudgetShare, windowSeconds: scaleInBudgetWindow)
    }

    func validate() throws {
        guard (0...1).contains(scaleInBudgetShare) else { throw ValidationError("--scale-in-budget-share must be between 0 and 1") }
        guard scaleInBudgetWindow > 0 else { throw ValidationError("--scale-in-budget-window must be positive") }
    }
}

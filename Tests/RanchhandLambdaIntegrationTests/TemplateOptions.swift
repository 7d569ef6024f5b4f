import RanchhandLambda

/// The `options` parameters as `infra/handlers.yaml` renders them, split as the functions split them.
enum TemplateOptions {
    /// Parameters every rendering needs (the template's own patterns hold for each).
    static let required = [
        "RancherUrl": "https://rancher.example.com", "RancherClusterId": "c-m-abcd1234",
        "HostedZoneId": "Z0123456789ABCDEFGHIJ", "DnsOwnerId": "ranchhand-prod", "ClusterName": "prod",
    ]

    static func rendered(_ logical: String, _ parameters: [String: String]) throws -> String {
        try CloudFormationTemplate(path: "infra/handlers.yaml")
            .render(logical, property: "Value", parameters: required.merging(parameters) { _, given in given })
    }

    static func words(_ logical: String, _ parameters: [String: String]) throws -> [String] {
        try CommandLineWords.split(try rendered(logical, parameters))
    }
}

import RanchhandClients

/// The region, in SDK order: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region` in the
/// shared config, then instance metadata (unless it is turned off or not given).
public enum RegionResolver {
    /// From the environment and config files alone; `nil` when neither names one.
    public static func configuredRegion(environment: [String: String], files: SharedConfigFiles) -> String? {
        for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            if let region = environment[name], !region.isEmpty { return region }
        }
        let profile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        return files.profile(profile)?["region"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static func region(environment: [String: String], files: SharedConfigFiles,
                              metadata: (any InstanceMetadataClient)?) async throws(ClientError) -> String {
        if let region = configuredRegion(environment: environment, files: files) { return region }
        guard let metadata, !InstanceMetadataConfiguration(environment: environment).isDisabled else {
            throw ClientError(.configuration, service: "region", operation: "resolve",
                              message: "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, or region in the AWS config profile)")
        }
        return try await metadata.instanceMetadata().region.rawValue
    }
}

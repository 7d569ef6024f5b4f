/// The instance the IMDSv2 fake describes; change it per test with `SandboxWorld.updateIMDS`.
public struct IMDSConfiguration: Sendable, Hashable {
    public struct Credentials: Sendable, Hashable {
        public var accessKeyID: String
        public var secretAccessKey: String
        public var token: String
        /// RFC 3339; empty means one hour after the request, on the sandbox clock.
        public var expiration: String

        public init(accessKeyID: String = "ASIASANDBOXEXAMPLE00", secretAccessKey: String = "sandbox/secret/EXAMPLEKEYwJalrXUtnFEMI",
                    token: String = "IQoJb3JpZ2luX2VjESANDBOXTOKEN", expiration: String = "") {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.token = token
            self.expiration = expiration
        }
    }

    public var instanceID = "i-0b2f6a3c9d1e4f5a6"
    public var instanceType = "m6i.large"
    public var imageID = "ami-0c1d2e3f4a5b6c7d8"
    public var accountID = "123456789012"
    public var region = "eu-west-1"
    public var availabilityZone = "eu-west-1a"
    public var localIPv4 = "10.0.1.23"
    /// nil: the instance has no public address (the path is 404, as on EC2).
    public var publicIPv4: String? = "203.0.113.23"
    public var localHostname = "ip-10-0-1-23.eu-west-1.compute.internal"
    public var hostname = "ip-10-0-1-23.eu-west-1.compute.internal"
    public var instanceTags: [String: String] = ["Name": "rancher-worker", "aws:autoscaling:groupName": "rancher-workers"]
    /// Whether the launch template allows tags in metadata (otherwise `tags/instance` is 404).
    public var exposeInstanceTags = true
    /// `InService`, `Terminated`, `Warmed:Pending`…; nil: not in an Auto Scaling group (404).
    public var targetLifecycleState: String? = "InService"
    public var iamRole: String? = "ranchhand-node"
    public var credentials = Credentials()
    /// IMDSv2 only (`HttpTokens=required`): requests without a token get 401.
    public var refuseIMDSv1 = true
    /// `HttpPutResponseHopLimit`. The caller is `callerHops` away (1 on the host, 2 in a bridged
    /// container); when that is more, the token response never arrives: the connection is dropped.
    public var hopLimit = 1
    public var callerHops = 1

    public init() {}
}

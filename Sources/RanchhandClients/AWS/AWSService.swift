/// The AWS services ranchhand calls, with what it takes to reach and sign for each.
public enum AWSService: String, Sendable, CaseIterable {
    case autoScaling = "autoscaling"
    case ec2
    case route53
    case elasticLoadBalancingV2 = "elasticloadbalancing"
    case sts
    case cloudWatch = "monitoring"
    case ssm
    case sqs
    case dynamoDB = "dynamodb"

    /// The SigV4 signing name: servers (and moto) route on the credential scope, so it must be exact.
    public var signingName: String { rawValue }

    /// The service id as the SDKs' `AWS_ENDPOINT_URL_<ID>` environment variables spell it.
    public var endpointEnvironmentID: String {
        switch self {
        case .autoScaling: "AUTO_SCALING"
        case .ec2: "EC2"
        case .route53: "ROUTE_53"
        case .elasticLoadBalancingV2: "ELASTIC_LOAD_BALANCING_V2"
        case .sts: "STS"
        case .cloudWatch: "CLOUDWATCH"
        case .ssm: "SSM"
        case .sqs: "SQS"
        case .dynamoDB: "DYNAMODB"
        }
    }

    /// Route53 is global: one endpoint, signed for us-east-1 (aws-cn and gov partitions aside).
    public var isGlobal: Bool { self == .route53 }
}

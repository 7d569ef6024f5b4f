/// Every AWS call ranchhand makes, with the IAM action it needs. This registry is the single
/// source of truth for least-privilege policies: the infra tests compare each template's policies
/// with the operations each tool uses, so a call cannot be added without its permission.
public struct AWSOperation: Sendable, Hashable, CustomStringConvertible {
    public let service: AWSService
    public let name: String
    public let iamAction: String
    public let idempotency: Idempotency

    init(_ service: AWSService, _ name: String, iamPrefix: String, _ idempotency: Idempotency = .idempotent) {
        self.service = service
        self.name = name
        self.iamAction = "\(iamPrefix):\(name)"
        self.idempotency = idempotency
    }

    public var description: String { "\(service.rawValue):\(name)" }

    public static func == (lhs: AWSOperation, rhs: AWSOperation) -> Bool {
        lhs.service == rhs.service && lhs.name == rhs.name
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(service)
        hasher.combine(name)
    }
}

extension AWSOperation {
    // Auto Scaling. CompleteLifecycleAction repeated answers "No active Lifecycle Action", which
    // callers treat as done, so it is safe to retry.
    public static let completeLifecycleAction = AWSOperation(.autoScaling, "CompleteLifecycleAction", iamPrefix: "autoscaling")
    public static let recordLifecycleActionHeartbeat = AWSOperation(.autoScaling, "RecordLifecycleActionHeartbeat", iamPrefix: "autoscaling")
    public static let describeAutoScalingGroups = AWSOperation(.autoScaling, "DescribeAutoScalingGroups", iamPrefix: "autoscaling")
    public static let describeAutoScalingInstances = AWSOperation(.autoScaling, "DescribeAutoScalingInstances", iamPrefix: "autoscaling")
    public static let describeLifecycleHooks = AWSOperation(.autoScaling, "DescribeLifecycleHooks", iamPrefix: "autoscaling")
    public static let setDesiredCapacity = AWSOperation(.autoScaling, "SetDesiredCapacity", iamPrefix: "autoscaling")
    public static let describeScalingActivities = AWSOperation(.autoScaling, "DescribeScalingActivities", iamPrefix: "autoscaling")
    // EC2
    public static let describeInstances = AWSOperation(.ec2, "DescribeInstances", iamPrefix: "ec2")
    // Route53. A change batch with CREATE fails if repeated after it was applied.
    public static let listHostedZonesByName = AWSOperation(.route53, "ListHostedZonesByName", iamPrefix: "route53")
    public static let listResourceRecordSets = AWSOperation(.route53, "ListResourceRecordSets", iamPrefix: "route53")
    public static let changeResourceRecordSets = AWSOperation(.route53, "ChangeResourceRecordSets", iamPrefix: "route53", .notIdempotent)
    public static let getChange = AWSOperation(.route53, "GetChange", iamPrefix: "route53")
    // ELBv2
    public static let describeLoadBalancers = AWSOperation(.elasticLoadBalancingV2, "DescribeLoadBalancers", iamPrefix: "elasticloadbalancing")
    // STS (credentials chain)
    public static let assumeRole = AWSOperation(.sts, "AssumeRole", iamPrefix: "sts")
    public static let assumeRoleWithWebIdentity = AWSOperation(.sts, "AssumeRoleWithWebIdentity", iamPrefix: "sts")
    // CloudWatch. PutMetricData repeated would count data twice.
    public static let getMetricData = AWSOperation(.cloudWatch, "GetMetricData", iamPrefix: "cloudwatch")
    public static let putMetricData = AWSOperation(.cloudWatch, "PutMetricData", iamPrefix: "cloudwatch", .notIdempotent)
    // SSM
    public static let getParameter = AWSOperation(.ssm, "GetParameter", iamPrefix: "ssm")
    public static let getParametersByPath = AWSOperation(.ssm, "GetParametersByPath", iamPrefix: "ssm")
    // SQS. A repeated receive could hide messages for a visibility timeout, so it is not retried
    // after an ambiguous failure.
    public static let receiveMessage = AWSOperation(.sqs, "ReceiveMessage", iamPrefix: "sqs", .notIdempotent)
    public static let deleteMessage = AWSOperation(.sqs, "DeleteMessage", iamPrefix: "sqs")
    public static let deleteMessageBatch = AWSOperation(.sqs, "DeleteMessageBatch", iamPrefix: "sqs")
    public static let changeMessageVisibility = AWSOperation(.sqs, "ChangeMessageVisibility", iamPrefix: "sqs")
    // DynamoDB: the scale-in deletion lease. A conditional update answered ambiguously is retried:
    // a retried take of a lease we already hold is accepted (the holder matches).
    public static let updateItem = AWSOperation(.dynamoDB, "UpdateItem", iamPrefix: "dynamodb")

    /// The registry. IAM has no separate actions for the batch and by-path variants' own names:
    /// `sqs:DeleteMessageBatch` is authorised by `sqs:DeleteMessage`, which `requiredIAMActions` applies.
    public static let all: [AWSOperation] = [
        completeLifecycleAction, recordLifecycleActionHeartbeat, describeAutoScalingGroups, describeAutoScalingInstances,
        describeLifecycleHooks, setDesiredCapacity, describeScalingActivities, describeInstances, listHostedZonesByName,
        listResourceRecordSets, changeResourceRecordSets, getChange, describeLoadBalancers, assumeRole,
        assumeRoleWithWebIdentity, getMetricData, putMetricData, getParameter, getParametersByPath, receiveMessage,
        deleteMessage, deleteMessageBatch, changeMessageVisibility, updateItem,
    ]

    /// The IAM action that authorises this call in a policy.
    public var requiredIAMAction: String {
        switch self {
        case .deleteMessageBatch: "sqs:DeleteMessage"
        default: iamAction
        }
    }
}

/// The ranchhand tools that run with an AWS identity of their own.
public enum RanchhandTool: String, Sendable, CaseIterable {
    /// `ranchhand-bootstrap`, on every node, with the node instance profile (infra/cluster.yaml).
    case bootstrap
    /// `ranchhand-scale-in`, a Lambda function fed by its own queue (or the SQS poller).
    case scaleIn = "scale-in"
    /// `ranchhand-dns`, a Lambda function fed by its own queue (or the SQS poller).
    case dns
    /// `ranchhand-capacity`, a scheduled Lambda function.
    case capacity
}

/// IAM actions a role needs because of where its tool runs, not because of a call the tool makes:
/// the platform makes these calls with the tool's credentials. Kept apart from the operations so
/// the policy test accounts for each of them explicitly instead of tolerating slack.
public enum PlatformPermission: String, Sendable, CaseIterable {
    /// Lambda writes the function's logs with its execution role. The stack creates the log group,
    /// so `logs:CreateLogGroup` is not needed.
    case lambdaLogs
    /// A Lambda SQS event source mapping polls and deletes with the execution role
    /// (the actions of AWS's AWSLambdaSQSQueueExecutionRole; it never changes visibility).
    case sqsEventSource
    /// A function attached to subnets (the stack's `SubnetIds`): Lambda creates and removes its
    /// network interfaces with the execution role (the actions of AWS's
    /// AWSLambdaVPCAccessExecutionRole besides logs). Granted only when the stack sets subnets, by a
    /// policy of its own; no tool lists it.
    case lambdaVPC

    public var iamActions: [String] {
        switch self {
        case .lambdaLogs: ["logs:CreateLogStream", "logs:PutLogEvents"]
        case .sqsEventSource: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
        case .lambdaVPC: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
        }
    }
}

/// Which AWS operations each tool calls, and what its role needs besides.
///
/// This is the least-privilege contract. `infra/tests/test_templates.py` compares every IAM role in
/// `infra/*.yaml` (a role names its tool in `Metadata: Ranchhand: Tool:`) with the tool's
/// `requiredIAMActions` here and fails on a missing and on a superfluous action. The test reads this
/// file and `AWSOperation.swift` with regular expressions, not through a Swift build: keep each
/// declaration below in the form `public static let <name> = ToolPermissions(tool: .<case>,
/// operations: [.<operation>, …], platform: [.<permission>, …])`, and each operation in
/// `AWSOperation.swift` as `AWSOperation(.<service>, "<Name>", iamPrefix: "<prefix>"…)`.
///
/// A tool's executor code must call only the operations listed for it here; a call added without
/// its entry here (and in the template) fails in production with AccessDenied. A check that the
/// code keeps to these lists is to come.
public struct ToolPermissions: Sendable {
    public let tool: RanchhandTool
    public let operations: [AWSOperation]
    public let platform: [PlatformPermission]

    public init(tool: RanchhandTool, operations: [AWSOperation], platform: [PlatformPermission]) {
        self.tool = tool
        self.operations = operations
        self.platform = platform
    }

    /// Every IAM action the tool's role must allow, and no other.
    public var requiredIAMActions: Set<String> {
        Set(operations.map(\.requiredIAMAction)).union(platform.flatMap(\.iamActions))
    }
}

extension ToolPermissions {
    /// Joins the node to Rancher and completes the node's own launch hook. The group comes from the
    /// instance tags in IMDS, with DescribeInstances as the fallback; settings come from SSM by path.
    public static let bootstrap = ToolPermissions(
        tool: .bootstrap,
        operations: [
            .completeLifecycleAction, .recordLifecycleActionHeartbeat, .describeLifecycleHooks, .describeAutoScalingInstances,
            .describeInstances, .getParametersByPath,
        ],
        platform: []
    )

    /// Drains and deregisters a terminating node, then completes its terminate hook. The SQS
    /// operations are the poller's (`ranchhand-scale-in poll`), used in place of the event source mapping.
    /// The Route53 ones take a leaving node out of the node pool's records before its drain.
    public static let scaleIn = ToolPermissions(
        tool: .scaleIn,
        operations: [
            .completeLifecycleAction, .recordLifecycleActionHeartbeat, .describeAutoScalingGroups, .describeLifecycleHooks,
            .describeScalingActivities, .describeInstances, .receiveMessage, .deleteMessage, .deleteMessageBatch,
            .changeMessageVisibility, .getParameter, .updateItem, .listResourceRecordSets, .changeResourceRecordSets, .getChange,
        ],
        platform: [.lambdaLogs, .sqsEventSource]
    )

    /// Reads the zone and applies change batches to it (one ListResourceRecordSets pass per sync,
    /// no wait for INSYNC), finds load balancers' zones, reads the node pool's addresses. Never
    /// completes a lifecycle action.
    public static let dns = ToolPermissions(
        tool: .dns,
        operations: [
            .listResourceRecordSets, .changeResourceRecordSets, .describeLoadBalancers, .describeAutoScalingGroups,
            .describeInstances, .getParameter,
        ],
        platform: [.lambdaLogs, .sqsEventSource]
    )

    /// Reads the demand metric and the group, sets the compute groups' desired capacity.
    public static let capacity = ToolPermissions(
        tool: .capacity,
        operations: [.getMetricData, .describeAutoScalingGroups, .describeScalingActivities, .setDesiredCapacity, .getParameter],
        platform: [.lambdaLogs]
    )

    public static let all: [ToolPermissions] = [bootstrap, scaleIn, dns, capacity]

    public static func of(_ tool: RanchhandTool) -> ToolPermissions {
        switch tool {
        case .bootstrap: bootstrap
        case .scaleIn: scaleIn
        case .dns: dns
        case .capacity: capacity
        }
    }
}

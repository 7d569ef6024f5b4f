"""Static checks of infra/*.yaml: cfn-lint, least privilege against the Swift permission
registry, and the queue/timeout relations the scale-in design depends on.

    python3 -m pytest infra/tests -q

The registry comes from Sources/RanchhandClients/AWS/{AWSOperation,ToolPermissions}.swift, read
with regular expressions (cfn_support.py documents the source shapes this relies on).
"""

from __future__ import annotations

import copy
import importlib.util
import shutil
import subprocess

import pytest

from cfn_support import (
    conditional_policies,
    platform_permissions,
    INFRA, ROOT, TEMPLATES, as_list, load_templates, operation_registry, parameter_of, ref_target,
    resources_of_type, role_policies, tool_contracts,
)

# Actions whose Service Authorization Reference row lists no resource type, so a policy can only
# grant them on "*". Every other action must name the stack's resources. Sources (Actions table,
# "Resource types" column empty): list_amazonec2autoscaling.html (Describe* are List actions without
# resource types; Complete/RecordHeartbeat/SetDesiredCapacity take autoScalingGroup*),
# list_amazonec2.html (DescribeInstances), list_amazonroute53.html (ListHostedZonesByName; the
# record-set actions take hostedzone*, GetChange change*), list_elasticloadbalancingv2.html
# (DescribeLoadBalancers), list_amazoncloudwatch.html (GetMetricData; PutMetricData is limited by the
# cloudwatch:namespace condition key, not by resource).
NEEDS_STAR_RESOURCE = {
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeAutoScalingInstances",
    "autoscaling:DescribeLifecycleHooks",
    "autoscaling:DescribeScalingActivities",
    "ec2:DescribeInstances",
    "route53:ListHostedZonesByName",
    "elasticloadbalancing:DescribeLoadBalancers",
    "cloudwatch:GetMetricData",
    "cloudwatch:PutMetricData",
}

# Where each tool runs, hence who may assume its role.
TRUSTED_SERVICE = {"bootstrap": "ec2.amazonaws.com", "scale-in": "lambda.amazonaws.com",
                   "dns": "lambda.amazonaws.com", "capacity": "lambda.amazonaws.com"}

# Names a scoped ARN may be built from: the stack's naming scope and its own resources.
SCOPE_VARIABLES = {"ClusterName", "HostedZoneId"}


@pytest.fixture(scope="module")
def templates():
    return load_templates()


@pytest.fixture(scope="module")
def contracts():
    return tool_contracts()


def by_name(templates, name):
    return templates[name]


# ------------------------------------------------------------------ lint and rendering

def test_templates_exist():
    assert {p.name for p in TEMPLATES} >= {"cluster.yaml", "compute-group.yaml", "handlers.yaml"}


def test_cfn_lint_clean():
    cfn_lint = shutil.which("cfn-lint")
    assert cfn_lint, "cfn-lint is not installed (scripts/install-test-deps installs it: pip install cfn-lint)"
    result = subprocess.run([cfn_lint, *map(str, TEMPLATES)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, f"cfn-lint:\n{result.stdout}{result.stderr}"


def _renderer():
    spec = importlib.util.spec_from_file_location("render_user_data", INFRA / "render_user_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_launch_templates_carry_bootstrap_user_data(templates):
    """The user data is bootstrap/user-data.sh (or, until that exists, the stub), with the pinned
    agent URL, sha256 and SSM prefix set in front; the templates are re-rendered when it changes."""
    renderer = _renderer()
    assert renderer.main(["--check"]) == 0, "templates out of date: run python3 infra/render_user_data.py"
    expected = "\n".join(renderer.script_lines()) + "\n"
    for name in ("cluster.yaml", "compute-group.yaml"):
        lts = resources_of_type(templates[name], "AWS::EC2::LaunchTemplate")
        assert lts, name
        for logical, lt in lts.items():
            sub = lt["Properties"]["LaunchTemplateData"]["UserData"]["Fn::Base64"]["Fn::Sub"]
            body, variables = sub
            assert body == expected, f"{name} {logical}"
            assert set(variables) == {"AgentUrl", "AgentSha256", "ClusterName"}
            for pinned in ("RANCHHAND_AGENT_URL='${AgentUrl}'", "RANCHHAND_AGENT_SHA256='${AgentSha256}'"):
                assert pinned in body
    if (ROOT / "bootstrap" / "user-data.sh").exists():
        script = (ROOT / "bootstrap" / "user-data.sh").read_text().splitlines()
        unescaped = expected.replace("${!", "${").splitlines()
        assert unescaped[0] == script[0] and unescaped[-len(script) + 1:] == script[1:]


def test_agent_is_pinned_by_url_and_sha256(templates):
    for name in ("cluster.yaml", "compute-group.yaml"):
        params = templates[name]["Parameters"]
        assert params["AgentUrl"]["AllowedPattern"].startswith("^https://")
        assert params["AgentSha256"]["AllowedPattern"] == "^[0-9a-f]{64}$"
        assert "Default" not in params["AgentUrl"] and "Default" not in params["AgentSha256"]


# ------------------------------------------------------------------ least privilege

def test_registry_is_read(contracts):
    registry = operation_registry()
    assert registry["deleteMessageBatch"] == "sqs:DeleteMessage"
    assert set(contracts) == set(TRUSTED_SERVICE)
    assert "autoscaling:CompleteLifecycleAction" in contracts["scale-in"].actions
    assert "autoscaling:CompleteLifecycleAction" not in contracts["dns"].actions


def permission_problems(roles, contracts) -> list[str]:
    problems = []
    for role in roles:
        where = f"{role.template} {role.role}"
        if role.tool not in contracts:
            problems.append(f"{where}: Metadata Ranchhand.Tool {role.tool!r} is not a RanchhandTool")
            continue
        if role.managed_policy_arns:
            problems.append(f"{where}: managed policies grant actions nobody declared: {role.managed_policy_arns}")
        granted = set()
        for statement in role.statements:
            if statement.get("Effect") != "Allow":
                continue
            if "NotAction" in statement or "NotResource" in statement:
                problems.append(f"{where} {statement.get('Sid')}: NotAction/NotResource")
            granted.update(as_list(statement.get("Action", [])))
        required = contracts[role.tool].actions
        if missing := required - granted:
            problems.append(f"{where} ({role.tool}): missing {sorted(missing)}")
        if extra := granted - required:
            problems.append(f"{where} ({role.tool}): superfluous {sorted(extra)}")
    return problems


def test_every_role_grants_exactly_its_tools_actions(templates, contracts):
    roles = role_policies(templates)
    assert {r.tool for r in roles} == set(contracts), "each tool has a role"
    assert permission_problems(roles, contracts) == []


def test_permission_check_catches_missing_and_superfluous(templates, contracts):
    """The comparison is not vacuous: an extra and a removed action are both reported."""
    changed = copy.deepcopy(templates)
    role = changed["handlers.yaml"]["Resources"]["DnsRole"]["Properties"]
    statements = role["Policies"][0]["PolicyDocument"]["Statement"]
    statements.append({"Effect": "Allow", "Action": "autoscaling:CompleteLifecycleAction", "Resource": "*"})
    zone = next(s for s in statements if s.get("Sid") == "OwnZone")
    zone["Action"] = ["route53:ListResourceRecordSets"]
    problems = permission_problems(role_policies(changed), contracts)
    assert any("superfluous ['autoscaling:CompleteLifecycleAction']" in p for p in problems), problems
    assert any("missing ['route53:ChangeResourceRecordSets']" in p for p in problems), problems


def test_no_wildcard_actions(templates):
    for role in role_policies(templates):
        for statement in role.statements:
            for action in as_list(statement.get("Action", [])):
                assert "*" not in action, f"{role.template} {role.role}: wildcard action {action}"


def _sub_variables(text: str) -> set[str]:
    import re
    return set(re.findall(r"\$\{([\w:]+)\}", text))


CLUSTER_NAME_IMPORT = {"Fn::ImportValue": {"Fn::Sub": "${ClusterStackName}-ClusterName"}}


def _is_bound_sub(sub) -> bool:
    return isinstance(sub, list) and len(sub) == 2 and isinstance(sub[0], str) and isinstance(sub[1], dict)


def resource_problems(template_name: str, template: dict, statement: dict) -> list[str]:
    problems = []
    actions = set(as_list(statement.get("Action", [])))
    resources = as_list(statement.get("Resource", []))
    logical_ids = set(template.get("Resources", {}))
    for resource in resources:
        if resource == "*":
            if not actions <= NEEDS_STAR_RESOURCE:
                problems.append(f"Resource '*' for {sorted(actions - NEEDS_STAR_RESOURCE)}, which support resource-level permissions")
            continue
        if actions & NEEDS_STAR_RESOURCE:
            problems.append(f"{sorted(actions & NEEDS_STAR_RESOURCE)} only work with Resource '*'")
        target = ref_target(resource)
        if target is not None:
            if target not in logical_ids:
                problems.append(f"{resource} is not a resource of {template_name}")
            continue
        sub = resource.get("Fn::Sub") if isinstance(resource, dict) else None
        # The list form `[arn, {Name: value}]`: a bound name scopes only when it imports the cluster's name.
        arn, bound = (sub, {}) if isinstance(sub, str) else (sub if _is_bound_sub(sub) else (None, {}))
        if arn is None:
            problems.append(f"{resource!r}: a scoped resource must be built from the stack (Ref, GetAtt or Sub)")
            continue
        if arn == UNSCOPABLE_CHANGE_ARN and actions == {"route53:GetChange"}:
            continue
        unscoped = {name for name, value in bound.items() if value != CLUSTER_NAME_IMPORT}
        variables = _sub_variables(arn) - unscoped
        if not arn.startswith("arn:${AWS::Partition}:"):
            problems.append(f"{arn}: hard-coded partition")
        if not variables & (SCOPE_VARIABLES | logical_ids):
            problems.append(f"{arn}: not scoped to the cluster, the zone or a resource of the stack")
        plain = arn.replace("${AWS::Partition}", "PARTITION").replace("${AWS::Region}", "REGION")
        fields = plain.replace("${AWS::AccountId}", "ACCOUNT").split(":")
        service, region, account = fields[2], fields[3], fields[4]
        if service != "route53" and (region, account) != ("REGION", "ACCOUNT"):
            problems.append(f"{arn}: region/account must be the stack's")
    return problems


# Route53 names a change `change/<id>` with an id it assigns at submission, so GetChange cannot be
# scoped further (the Service Authorization Reference's `change` resource type); nothing but that
# action may use it.
UNSCOPABLE_CHANGE_ARN = "arn:${AWS::Partition}:route53:::change/*"


def test_resources_are_scoped_to_the_stack(templates):
    for role in role_policies(templates):
        for statement in role.statements:
            problems = resource_problems(role.template, templates[role.template], statement)
            assert not problems, f"{role.template} {role.role} {statement.get('Sid')}: {problems}"


def test_resource_check_reads_the_bound_sub_form(templates):
    """`Fn::Sub: [arn, {ClusterName: ImportValue}]` scopes; a name bound to anything else does not."""
    arn = "arn:${AWS::Partition}:autoscaling:${AWS::Region}:${AWS::AccountId}:autoScalingGroup:*:autoScalingGroupName/${ClusterName}-x"
    statement = {"Effect": "Allow", "Action": ["autoscaling:CompleteLifecycleAction"]}
    statement["Resource"] = {"Fn::Sub": [arn, {"ClusterName": CLUSTER_NAME_IMPORT}]}
    assert resource_problems("compute-group.yaml", templates["compute-group.yaml"], statement) == []
    statement["Resource"] = {"Fn::Sub": [arn, {"ClusterName": "*"}]}
    assert resource_problems("compute-group.yaml", templates["compute-group.yaml"], statement)


def test_resource_check_rejects_star_on_scoped_actions(templates):
    statement = {"Effect": "Allow", "Action": ["route53:ChangeResourceRecordSets"], "Resource": "*"}
    assert resource_problems("handlers.yaml", templates["handlers.yaml"], statement)
    statement = {"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": "arn:aws:ssm:*:*:parameter/*"}
    assert resource_problems("handlers.yaml", templates["handlers.yaml"], statement)


def test_roles_trust_only_their_platform(templates):
    for role in role_policies(templates):
        statements = as_list(role.trust["Statement"])
        assert len(statements) == 1, role.role
        assert statements[0]["Principal"] == {"Service": TRUSTED_SERVICE[role.tool]}, role.role
        assert statements[0]["Action"] == "sts:AssumeRole"


def test_only_scale_in_completes_terminate_hooks(templates, contracts):
    """Among the handlers only scale-in may complete lifecycle actions (the node role completes its
    own launch hook; IAM cannot tell hook kinds apart, so that is as narrow as it gets)."""
    completers = {c.tool for c in contracts.values() if "autoscaling:CompleteLifecycleAction" in c.actions}
    assert completers == {"scale-in", "bootstrap"}
    for role in role_policies(templates):
        if role.tool in ("dns", "capacity"):
            granted = {a for s in role.statements for a in as_list(s["Action"])}
            assert not {"autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat"} & granted


# ------------------------------------------------------------------ queues, hooks, timing

def _queue_tool(queue: dict) -> str | None:
    return queue.get("Metadata", {}).get("Ranchhand", {}).get("Tool")


def _tool_queues(handlers: dict) -> dict[str, tuple[str, dict]]:
    queues = {}
    for logical, queue in resources_of_type(handlers, "AWS::SQS::Queue").items():
        if tool := _queue_tool(queue):
            assert tool not in queues, f"two queues for {tool}"
            queues[tool] = (logical, queue)
    return queues


def _mapping_for(handlers: dict, queue_logical: str) -> tuple[dict, dict]:
    mappings = [m for m in resources_of_type(handlers, "AWS::Lambda::EventSourceMapping").values()
                if ref_target(m["Properties"]["EventSourceArn"]) == queue_logical]
    assert len(mappings) == 1, f"{queue_logical}: exactly one consumer, found {len(mappings)}"
    mapping = mappings[0]["Properties"]
    function = handlers["Resources"][ref_target(mapping["FunctionName"])]
    return mapping, function["Properties"]


def test_queue_timing_relations(templates):
    handlers = templates["handlers.yaml"]
    queues = _tool_queues(handlers)
    assert set(queues) == {"scale-in", "dns"}
    for tool, (logical, queue) in queues.items():
        mapping, function = _mapping_for(handlers, logical)
        visibility, timeout = queue["Properties"]["VisibilityTimeout"], function["Timeout"]
        assert visibility >= timeout, f"{tool}: visibility {visibility} < function timeout {timeout}"
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"], tool
        redrive = queue["Properties"]["RedrivePolicy"]
        dlq = ref_target(redrive["deadLetterTargetArn"])
        assert handlers["Resources"][dlq]["Type"] == "AWS::SQS::Queue"
        assert handlers["Resources"][dlq]["Properties"]["MessageRetentionPeriod"] > queue["Properties"]["MessageRetentionPeriod"]


def test_scale_in_outlasts_the_longest_drain_and_is_serialised(templates):
    handlers = templates["handlers.yaml"]
    logical, queue = _tool_queues(handlers)["scale-in"]
    mapping, function = _mapping_for(handlers, logical)
    props = queue["Properties"]
    assert function["Timeout"] == 900
    longest = queue["Metadata"]["Ranchhand"]["LongestScaleInSeconds"]
    assert longest >= 10800, "at least Rancher's longest drain timeout"
    assert props["RedrivePolicy"]["maxReceiveCount"] * props["VisibilityTimeout"] >= longest + 3600
    # Drains run concurrently; deletions are serial per cluster through the lease the options name.
    concurrency = parameter_of(handlers, function["ReservedConcurrentExecutions"])
    assert concurrency and concurrency["MinValue"] >= 2
    assert mapping["ScalingConfig"]["MaximumConcurrency"] == function["ReservedConcurrentExecutions"]
    options = handlers["Resources"]["ScaleInOptionsParameter"]["Properties"]["Value"]["Fn::Join"][1][0]["Fn::Sub"]
    assert "--lease-table ${ScaleInLeaseTable}" in options and "--group-prefix ${ClusterName}-" in options
    assert handlers["Resources"]["ScaleInLeaseTable"]["Type"] == "AWS::DynamoDB::Table"
    assert mapping["BatchSize"] == 1
    assert props["MessageRetentionPeriod"] >= props["RedrivePolicy"]["maxReceiveCount"] * props["VisibilityTimeout"]


def test_terminate_hook_heartbeat_exceeds_scale_in_visibility(templates):
    handlers = templates["handlers.yaml"]
    visibility = _tool_queues(handlers)["scale-in"][1]["Properties"]["VisibilityTimeout"]
    hooks = 0
    for name in ("cluster.yaml", "compute-group.yaml"):
        template = templates[name]
        for logical, group in resources_of_type(template, "AWS::AutoScaling::AutoScalingGroup").items():
            specs = group["Properties"]["LifecycleHookSpecificationList"]
            transitions = {s["LifecycleTransition"] for s in specs}
            assert transitions == {"autoscaling:EC2_INSTANCE_LAUNCHING", "autoscaling:EC2_INSTANCE_TERMINATING"}, logical
            for spec in specs:
                assert "NotificationTargetARN" not in spec, "hooks publish to EventBridge only"
                timeout = parameter_of(template, spec["HeartbeatTimeout"])
                result = parameter_of(template, spec["DefaultResult"])
                assert timeout and result, f"{name} {logical}: heartbeat timeout and default result are parameters"
                assert set(result["AllowedValues"]) == {"ABANDON", "CONTINUE"}
                assert timeout["MaxValue"] <= 7200
                if spec["LifecycleTransition"].endswith("TERMINATING"):
                    hooks += 1
                    assert timeout["MinValue"] > visibility and timeout["Default"] > visibility, (
                        f"{name} {logical}: terminate HeartbeatTimeout must exceed the scale-in visibility {visibility}")
    assert hooks == 2


def test_max_drain_wait_fits_inside_every_terminate_hooks_global_timeout(templates):
    """MaxDrainWait is counted from the hook's start; the deletion and completion need ten minutes
    after it, inside the hook's global timeout (min(100 x HeartbeatTimeout, 48 h))."""
    wait = templates["handlers.yaml"]["Parameters"]["ScaleInMaxDrainWait"]
    assert wait["MaxValue"] <= 172800 - 600
    for name in ("cluster.yaml", "compute-group.yaml"):
        template = templates[name]
        for logical, group in resources_of_type(template, "AWS::AutoScaling::AutoScalingGroup").items():
            for spec in group["Properties"]["LifecycleHookSpecificationList"]:
                if not spec["LifecycleTransition"].endswith("TERMINATING"):
                    continue
                heartbeat = parameter_of(template, spec["HeartbeatTimeout"])
                global_timeout = min(100 * heartbeat["MinValue"], 172800)
                assert wait["Default"] <= global_timeout - 600, f"{name} {logical}"


def test_one_rule_and_one_queue_per_tool(templates):
    handlers = templates["handlers.yaml"]
    queues = {logical: _queue_tool(q) for logical, q in resources_of_type(handlers, "AWS::SQS::Queue").items()}
    rules = resources_of_type(handlers, "AWS::Events::Rule")
    event_rules: dict[str, list[str]] = {}
    for logical, rule in rules.items():
        tools = set()
        for target in rule["Properties"]["Targets"]:
            arn = ref_target(target["Arn"])
            if handlers["Resources"][arn]["Type"] == "AWS::SQS::Queue":
                assert queues[arn], f"{logical} targets {arn}, which is no tool's queue"
                tools.add(queues[arn])
            dlq = target.get("DeadLetterConfig")
            if dlq:
                assert not queues[ref_target(dlq["Arn"])], "rule dead letters go to a dead-letter queue"
        assert len(tools) <= 1, f"{logical} feeds several tools' queues: {tools}"
        if "EventPattern" in rule["Properties"] and tools:
            event_rules.setdefault(tools.pop(), []).append(logical)
    # scale-in: the terminate hooks, and the Spot warnings (EC2 events, which no group pattern can select).
    assert {tool: sorted(names) for tool, names in event_rules.items()} == {
        "scale-in": ["ScaleInEventsRule", "ScaleInSpotRule"], "dns": ["DnsEventsRule"]}
    # Launch lifecycle actions belong to the bootstrap agent: no queue receives them.
    for rule in rules.values():
        types = rule["Properties"].get("EventPattern", {}).get("detail-type", [])
        assert "EC2 Instance-launch Lifecycle Action" not in types


def test_rules_match_only_this_clusters_groups(templates):
    handlers = templates["handlers.yaml"]
    for logical, rule in resources_of_type(handlers, "AWS::Events::Rule").items():
        pattern = rule["Properties"].get("EventPattern")
        if pattern is None:
            assert rule["Properties"]["ScheduleExpression"], logical
            continue
        if logical == "ScaleInSpotRule":
            # Only the instance id is in these events; the handler checks the instance's group tag.
            assert pattern == {"source": ["aws.ec2"], "detail-type": [
                "EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation"]}
            continue
        assert pattern["source"] == ["aws.autoscaling"]
        assert pattern["detail"]["AutoScalingGroupName"] == [{"prefix": {"Fn::Sub": "${ClusterName}-"}}]


def test_group_names_share_the_cluster_prefix(templates):
    cluster = templates["cluster.yaml"]
    assert cluster["Parameters"]["ClusterName"]["AllowedPattern"] == "^[a-z][a-z0-9]{1,23}$", "no '-' in ClusterName"
    assert templates["handlers.yaml"]["Parameters"]["ClusterName"]["AllowedPattern"] == "^[a-z][a-z0-9]{1,23}$"
    cp = cluster["Resources"]["ControlPlaneGroup"]["Properties"]["AutoScalingGroupName"]
    assert cp == {"Fn::Sub": "${ClusterName}-control-plane"}
    compute = templates["compute-group.yaml"]["Resources"]["ComputeGroup"]["Properties"]["AutoScalingGroupName"]
    assert compute["Fn::Sub"][0] == "${ClusterName}-compute-${PoolName}"


def test_dead_letter_queues_raise_alarms(templates):
    handlers = templates["handlers.yaml"]
    dlqs = {ref_target(q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])
            for q in resources_of_type(handlers, "AWS::SQS::Queue").values() if "RedrivePolicy" in q["Properties"]}
    assert len(dlqs) == 2
    alarmed = set()
    for alarm in resources_of_type(handlers, "AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if props["Namespace"] == "AWS/SQS":
            assert props["MetricName"] == "ApproximateNumberOfMessagesVisible"
            assert props["Threshold"] == 0 and props["ComparisonOperator"] == "GreaterThanThreshold"
            for dimension in props["Dimensions"]:
                alarmed.add(ref_target(dimension["Value"]))
    assert alarmed == dlqs


def test_control_plane_group_is_fixed_and_retains_abandoned_instances(templates):
    group = templates["cluster.yaml"]["Resources"]["ControlPlaneGroup"]["Properties"]
    assert (group["MinSize"], group["MaxSize"], group["DesiredCapacity"]) == ("3", "3", "3")
    assert group["InstanceLifecyclePolicy"] == {"RetentionTriggers": {"TerminateHookAbandon": "retain"}}
    assert any(s["LifecycleTransition"] == "autoscaling:EC2_INSTANCE_TERMINATING"
               for s in group["LifecycleHookSpecificationList"]), "retention needs a terminate hook"
    compute = templates["compute-group.yaml"]["Resources"]["ComputeGroup"]["Properties"]
    assert "InstanceLifecyclePolicy" not in compute
    for key in ("MinSize", "MaxSize"):
        assert parameter_of(templates["compute-group.yaml"], compute[key]), key
    assert len(compute["TargetGroupARNs"]) == 2


def test_functions_are_custom_runtimes_with_enough_memory(templates):
    handlers = templates["handlers.yaml"]
    functions = resources_of_type(handlers, "AWS::Lambda::Function")
    assert len(functions) == 3
    for logical, function in functions.items():
        props = function["Properties"]
        assert props["Runtime"] == "provided.al2023" and props["Handler"] == "bootstrap", logical
        memory = parameter_of(handlers, props["MemorySize"])
        assert memory["MinValue"] >= 512 and memory["Default"] >= 512, logical
        if logical != "ScaleInFunction":
            assert props["ReservedConcurrentExecutions"] == 1, logical
        prefix = props["Environment"]["Variables"]["RANCHHAND_SSM_PREFIX"]["Fn::Sub"]
        assert prefix.startswith("/ranchhand/${ClusterName}/") and prefix.endswith("/")


def test_schedules_for_capacity_and_scale_in_reconcile(templates):
    handlers = templates["handlers.yaml"]
    scheduled = {}
    for logical, rule in resources_of_type(handlers, "AWS::Events::Rule").items():
        if "ScheduleExpression" in rule["Properties"]:
            for target in rule["Properties"]["Targets"]:
                scheduled[ref_target(target["Arn"])] = logical
    assert {"CapacityFunction", "ScaleInQueue", "DnsQueue"} <= set(scheduled)
    permissions = [p["Properties"] for p in resources_of_type(handlers, "AWS::Lambda::Permission").values()]
    assert any(ref_target(p["FunctionName"]) == "CapacityFunction" and p["Principal"] == "events.amazonaws.com"
               and ref_target(p["SourceArn"]) == scheduled["CapacityFunction"] for p in permissions)


def test_queue_policies_admit_only_the_tools_own_rules(templates):
    handlers = templates["handlers.yaml"]
    queues = {logical: _queue_tool(q) for logical, q in resources_of_type(handlers, "AWS::SQS::Queue").items()}
    for policy in resources_of_type(handlers, "AWS::SQS::QueuePolicy").values():
        props = policy["Properties"]
        tools = {queues[ref_target(q)] for q in props["Queues"]} - {None}
        assert len(tools) == 1
        for statement in props["PolicyDocument"]["Statement"]:
            assert statement["Principal"] == {"Service": "events.amazonaws.com"}
            assert statement["Action"] == "sqs:SendMessage"
            rules = as_list(statement["Condition"]["ArnEquals"]["aws:SourceArn"])
            for rule in rules:
                targets = handlers["Resources"][ref_target(rule)]["Properties"]["Targets"]
                assert {queues.get(ref_target(t["Arn"])) for t in targets} == tools


def test_ssm_secrets_are_not_in_templates(templates):
    """CloudFormation cannot create SecureStrings: tokens are put by the deployer (README), and no
    template parameter or SSM parameter carries one."""
    for name, template in templates.items():
        for logical, param in resources_of_type(template, "AWS::SSM::Parameter").items():
            assert param["Properties"]["Type"] == "String", f"{name} {logical}"
            assert "token" not in str(param["Properties"]["Name"]).lower(), f"{name} {logical}"
        for pname in template.get("Parameters", {}):
            assert "token" not in pname.lower() and "secret" not in pname.lower(), f"{name} {pname}"


def test_compute_group_can_run_spot_with_capacity_rebalancing(templates):
    group = resources_of_type(templates["compute-group.yaml"], "AWS::AutoScaling::AutoScalingGroup")["ComputeGroup"]["Properties"]
    assert group["CapacityRebalance"] == {"Ref": "CapacityRebalance"}
    # Either a plain launch template or a mixed instances policy, never both.
    assert group["LaunchTemplate"]["Fn::If"][0] == "UsesSpot" and group["LaunchTemplate"]["Fn::If"][1] == {"Ref": "AWS::NoValue"}
    assert group["MixedInstancesPolicy"]["Fn::If"][0] == "UsesSpot" and group["MixedInstancesPolicy"]["Fn::If"][2] == {"Ref": "AWS::NoValue"}


def test_compute_group_has_an_optional_warm_pool_the_agent_can_follow(templates):
    """Off by default; Stopped, Running or Hibernated otherwise, hibernation configured on the launch
    template only for a Hibernated pool, never with Spot (a Rule), and the pool's knobs wired through."""
    template = templates["compute-group.yaml"]
    params = template["Parameters"]
    assert params["WarmPoolState"]["Default"] == "none"
    assert params["WarmPoolState"]["AllowedValues"] == ["none", "Stopped", "Running", "Hibernated"]
    pool = template["Resources"]["ComputeWarmPool"]
    assert pool["Type"] == "AWS::AutoScaling::WarmPool" and pool["Condition"] == "HasWarmPool"
    assert template["Conditions"]["HasWarmPool"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "WarmPoolState"}, "none"]}]}
    props = pool["Properties"]
    assert props["AutoScalingGroupName"] == {"Ref": "ComputeGroup"} and props["PoolState"] == {"Ref": "WarmPoolState"}
    assert props["MinSize"] == {"Ref": "WarmPoolMinSize"}
    assert props["MaxGroupPreparedCapacity"]["Fn::If"][0] == "CapsWarmPool"
    assert props["InstanceReusePolicy"] == {"ReuseOnScaleIn": {"Ref": "WarmPoolReuseOnScaleIn"}}
    data = template["Resources"]["ComputeLaunchTemplate"]["Properties"]["LaunchTemplateData"]
    assert data["HibernationOptions"] == {"Fn::If": ["HibernatesInWarmPool", {"Configured": True}, {"Ref": "AWS::NoValue"}]}
    assert template["Conditions"]["HibernatesInWarmPool"] == {"Fn::Equals": [{"Ref": "WarmPoolState"}, "Hibernated"]}
    assert all(m["Ebs"]["Encrypted"] is True for m in data["BlockDeviceMappings"]), "hibernation needs an encrypted root volume"
    rule = template["Rules"]["NoWarmPoolWithSpot"]
    assert rule["RuleCondition"] == template["Conditions"]["HasWarmPool"]
    assert rule["Assertions"][0]["Assert"] == {"Fn::EachMemberEquals": [{"Ref": "SpotInstanceTypes"}, ""]}


def test_functions_can_run_in_a_vpc_with_exactly_lambdas_network_interface_permissions(templates):
    """SubnetIds/SecurityGroupIds put every function in the VPC (a private Rancher); empty, none is.
    The network-interface actions Lambda needs then are granted by one conditional policy, exactly
    PlatformPermission.lambdaVPC of ToolPermissions.swift, to the three function roles and no other."""
    handlers = templates["handlers.yaml"]
    params = handlers["Parameters"]
    for name in ("SubnetIds", "SecurityGroupIds"):
        assert (params[name]["Type"], params[name]["Default"]) == ("CommaDelimitedList", ""), name
    assert handlers["Conditions"]["InVpc"] == {"Fn::Not": [{"Fn::Equals": [{"Fn::Join": [",", {"Ref": "SubnetIds"}]}, ""]}]}
    rule = handlers["Rules"]["VpcNeedsSecurityGroups"]
    assert rule["RuleCondition"] == handlers["Conditions"]["InVpc"]
    expected_vpc = {"Fn::If": ["InVpc", {"SubnetIds": {"Ref": "SubnetIds"}, "SecurityGroupIds": {"Ref": "SecurityGroupIds"}},
                               {"Ref": "AWS::NoValue"}]}
    functions = resources_of_type(handlers, "AWS::Lambda::Function")
    assert len(functions) == 3
    for logical, function in functions.items():
        assert function["Properties"].get("VpcConfig") == expected_vpc, logical
    conditional = conditional_policies(templates)
    assert [(t, logical) for t, logical, _ in conditional] == [("handlers.yaml", "FunctionsVpcAccess")]
    policy = conditional[0][2]
    assert policy["Condition"] == "InVpc"
    function_roles = {ref_target(f["Properties"]["Role"]) for f in functions.values()}
    assert {ref_target(r) for r in policy["Properties"]["Roles"]} == function_roles
    statements = as_list(policy["Properties"]["PolicyDocument"]["Statement"])
    assert all(s["Effect"] == "Allow" and s["Resource"] == "*" for s in statements)
    granted = {a for s in statements for a in as_list(s["Action"])}
    assert granted == set(platform_permissions()["lambdaVPC"])
    assert policy["Metadata"]["Ranchhand"]["Platform"] == "lambdaVPC"


def test_each_groups_nodes_complete_only_their_own_groups_hooks(templates):
    """Every group launches with an instance profile of its own whose lifecycle actions name that
    group alone: a compute node cannot complete a control-plane terminate hook (past the quorum
    guard), nor another pool's. Peers within a group still share one (IAM has no per-instance
    condition on CompleteLifecycleAction): infra/README.md states that remaining risk."""
    def hook_resources(template, role_logical):
        statements = template["Resources"][role_logical]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        actions = {"autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat"}
        return [s["Resource"] for s in statements if actions & set(as_list(s["Action"]))]

    def profile_role(template, launch_template):
        arn = launch_template["Properties"]["LaunchTemplateData"]["IamInstanceProfile"]["Arn"]
        profile = template["Resources"][ref_target(arn)]
        assert profile["Type"] == "AWS::IAM::InstanceProfile"
        return ref_target(profile["Properties"]["Roles"][0])

    cluster = templates["cluster.yaml"]
    (cp_lt,) = [lt for name, lt in resources_of_type(cluster, "AWS::EC2::LaunchTemplate").items() if "ControlPlane" in name]
    cp_group = next(iter(resources_of_type(cluster, "AWS::AutoScaling::AutoScalingGroup").values()))
    assert cp_group["Properties"]["AutoScalingGroupName"] == {"Fn::Sub": "${ClusterName}-control-plane"}
    assert hook_resources(cluster, profile_role(cluster, cp_lt)) == [
        {"Fn::Sub": "arn:${AWS::Partition}:autoscaling:${AWS::Region}:${AWS::AccountId}:autoScalingGroup:*:autoScalingGroupName/${ClusterName}-control-plane"}]

    compute = templates["compute-group.yaml"]
    (lt,) = resources_of_type(compute, "AWS::EC2::LaunchTemplate").values()
    group_name = compute["Resources"]["ComputeGroup"]["Properties"]["AutoScalingGroupName"]["Fn::Sub"]
    (resource,) = hook_resources(compute, profile_role(compute, lt))
    arn, bound = resource["Fn::Sub"]
    assert arn.endswith("autoScalingGroupName/" + group_name[0]) and bound == group_name[1]

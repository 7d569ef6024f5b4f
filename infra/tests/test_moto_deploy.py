"""Deploy infra/*.yaml into moto's CloudFormation (scripts/testenv/moto_launcher.py, moto 5.2.1 with
working lifecycle hooks) and check what was created.

    python3 -m pytest infra/tests -q

Order matters in this module: the stacks are deployed once; the read-only checks come first, the
event-routing checks (which add hooks and terminate instances) last.

What moto's CloudFormation does not do, and how this test deals with it (infra/README.md lists
the same):

* It skips resource types it does not model, with a warning, and still reaches CREATE_COMPLETE:
  AWS::SQS::QueuePolicy, AWS::CloudWatch::Alarm, AWS::Lambda::EventInvokeConfig
  (``MOTO_UNMODELLED_TYPES``; test_templates.py checks those resources statically).
* It ignores the Auto Scaling group's LifecycleHookSpecificationList and InstanceLifecyclePolicy
  (strict xfail tests below notice when that changes); the routing test applies the template's
  hooks with PutLifecycleHook, which the launcher implements.
* It ignores an ELBv2 load balancer's ``Type: network`` and then refuses TCP listeners, so
  cluster.yaml is deployed with EmulatorDeployment=true, which leaves the two listeners out.
* Its EventBridge sends every event to rules without an EventPattern (the schedules) and cannot
  deliver to Lambda targets (NotImplementedError), and its SQS event source mappings would invoke
  the functions (Docker) on every message: the routing test removes the schedule rules' targets
  and disables the mappings first.
"""

from __future__ import annotations

import ast
import base64
import importlib.util
import io
import json
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

import boto3
import pytest
from botocore.config import Config

from cfn_support import INFRA, ROOT, load_template, resources_of_type

LAUNCHER = ROOT / "scripts" / "testenv" / "moto_launcher.py"
READY = re.compile(r"^READY (http://127\.0\.0\.1:\d+)$")
MOTO_UNMODELLED_TYPES = {"AWS::SQS::QueuePolicy", "AWS::CloudWatch::Alarm", "AWS::Lambda::EventInvokeConfig"}
CLUSTER = "prod"
SHA = "5" * 64
AGENT_URL = "https://artifacts.example.com/ranchhand/1.0.0/ranchhand-bootstrap"
# The documented example (a multi-line YAML value, as `--parameter-overrides CapacityConfig="$(cat …)"` passes it).
CAPACITY_CONFIG = (INFRA / "examples" / "capacity.yaml").read_text()


class Moto:
    """moto_launcher.py on a free port; stopped by closing its stdin (it exits 0)."""

    def __init__(self, timeout: float = 60):
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, str(LAUNCHER), "--port", "0", "--exit-on-stdin-eof"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.proc.stdout], daemon=True).start()
        try:
            first = lines.get(timeout=timeout).strip()
        except queue.Empty:
            self.proc.kill()
            raise RuntimeError(f"moto_launcher printed no READY line: {self.stderr_text()}")
        match = READY.match(first)
        if not match:
            self.proc.kill()
            raise RuntimeError(f"moto_launcher: unexpected {first!r}: {self.stderr_text()}")
        self.url = match.group(1)

    def stderr_text(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")[-4000:]

    def stop(self) -> int:
        # End of stdin is the launcher's --exit-on-stdin-eof signal. (SIGTERM while the stdin
        # watcher thread is blocked in read() makes the interpreter abort at shutdown: rc -6.)
        self.proc.stdin.close()
        try:
            return self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                return self.proc.wait()

    def client(self, service: str):
        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing",
                            config=Config(retries={"total_max_attempts": 1}, read_timeout=60))


def create_stack(cfn, name: str, template: str, parameters: dict[str, str]) -> dict:
    cfn.create_stack(StackName=name, TemplateBody=(INFRA / template).read_text(), Capabilities=["CAPABILITY_IAM"],
                     Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()])
    deadline = time.monotonic() + 120
    while True:
        stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
        if not stack["StackStatus"].endswith("IN_PROGRESS") or time.monotonic() > deadline:
            return stack
        time.sleep(0.5)


@pytest.fixture(scope="module")
def moto():
    server = Moto()
    yield server
    assert server.stop() == 0, server.stderr_text()


@pytest.fixture(scope="module")
def deployed(moto):
    ec2, cfn, s3 = moto.client("ec2"), moto.client("cloudformation"), moto.client("s3")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:3]
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    ami = ec2.describe_images()["Images"][0]["ImageId"]
    s3.create_bucket(Bucket="rh-artifacts")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("bootstrap", "#!/bin/sh\nexit 0\n")
    for tool in ("scale-in", "dns", "capacity"):
        s3.put_object(Bucket="rh-artifacts", Key=f"1.0.0/ranchhand-{tool}.zip", Body=archive.getvalue())
    stacks = {
        "rh-cluster": create_stack(cfn, "rh-cluster", "cluster.yaml", {
            "ClusterName": CLUSTER, "VpcId": vpc, "NodeSubnetIds": ",".join(subnets), "ImageId": ami,
            "AgentUrl": AGENT_URL, "AgentSha256": SHA, "RancherUrl": "https://rancher.example.com",
            "RancherClusterId": "c-m-abcd1234", "LoadBalancerSubnetIds": ",".join(subnets[:2]),
            "EmulatorDeployment": "true"}),
    }
    for pool, (low, high, desired) in {"a": ("1", "6", "2"), "b": ("0", "4", "1")}.items():
        stacks[f"rh-pool-{pool}"] = create_stack(cfn, f"rh-pool-{pool}", "compute-group.yaml", {
            "ClusterStackName": "rh-cluster", "PoolName": pool, "NodeSubnetIds": ",".join(subnets), "ImageId": ami,
            "AgentUrl": AGENT_URL, "AgentSha256": SHA, "MinSize": low, "MaxSize": high, "DesiredCapacity": desired})
    stacks["rh-handlers"] = create_stack(cfn, "rh-handlers", "handlers.yaml", {
        "ClusterName": CLUSTER, "ArtifactBucket": "rh-artifacts", "ScaleInCodeKey": "1.0.0/ranchhand-scale-in.zip",
        "DnsCodeKey": "1.0.0/ranchhand-dns.zip", "CapacityCodeKey": "1.0.0/ranchhand-capacity.zip",
        "RancherUrl": "https://rancher.example.com", "RancherClusterId": "c-m-abcd1234", "HostedZoneId": "Z0123456789ABC",
        "DnsOwnerId": "ranchhand-prod", "DnsNodePoolGroupName": f"{CLUSTER}-compute-a", "DnsNodeRecord": "nodes.example.com",
        "CapacityConfig": CAPACITY_CONFIG})
    return stacks


# ------------------------------------------------------------------ the stacks

def test_stacks_reach_create_complete(deployed):
    for name, stack in deployed.items():
        assert stack["StackStatus"] == "CREATE_COMPLETE", f"{name}: {stack.get('StackStatusReason')}"


def test_only_known_resource_types_are_left_out(moto, deployed):
    """Every resource of the templates exists in moto, except the documented unmodelled types and
    the EmulatorDeployment listeners."""
    cfn = moto.client("cloudformation")
    for stack, template in (("rh-cluster", "cluster.yaml"), ("rh-pool-a", "compute-group.yaml"),
                            ("rh-handlers", "handlers.yaml")):
        created = {r["LogicalResourceId"] for r in cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]}
        resources = load_template(INFRA / template)["Resources"]
        missing = {name: res["Type"] for name, res in resources.items() if name not in created}
        expected = {name: res["Type"] for name, res in resources.items()
                    if res["Type"] in MOTO_UNMODELLED_TYPES or res.get("Condition") in ("RealDeployment", "HasCaChecksum", "InVpc", "HasWarmPool")}
        assert missing == expected, stack


def test_groups(moto, deployed):
    groups = {g["AutoScalingGroupName"]: g for g in moto.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]}
    assert set(groups) == {f"{CLUSTER}-control-plane", f"{CLUSTER}-compute-a", f"{CLUSTER}-compute-b"}
    cp = groups[f"{CLUSTER}-control-plane"]
    assert (cp["MinSize"], cp["MaxSize"], cp["DesiredCapacity"]) == (3, 3, 3)
    assert [i["LifecycleState"] for i in cp["Instances"]] == ["InService"] * 3
    assert not cp["TargetGroupARNs"], "the control plane is not behind the ingress load balancer"
    a, b = groups[f"{CLUSTER}-compute-a"], groups[f"{CLUSTER}-compute-b"]
    assert (a["MinSize"], a["MaxSize"], a["DesiredCapacity"]) == (1, 6, 2)
    assert (b["MinSize"], b["MaxSize"], b["DesiredCapacity"]) == (0, 4, 1)
    target_groups = moto.client("elbv2").describe_target_groups()["TargetGroups"]
    assert sorted(tg["Port"] for tg in target_groups) == [80, 443]
    for group in (a, b):
        assert sorted(group["TargetGroupARNs"]) == sorted(tg["TargetGroupArn"] for tg in target_groups)
        tags = {t["Key"]: t["Value"] for t in group["Tags"]}
        assert tags["ranchhand:cluster"] == CLUSTER and tags["ranchhand:role"] == "compute"


def test_launch_templates_pin_the_agent(moto, deployed):
    ec2 = moto.client("ec2")
    templates = ec2.describe_launch_templates()["LaunchTemplates"]
    assert len(templates) == 3
    for lt in templates:
        data = ec2.describe_launch_template_versions(LaunchTemplateId=lt["LaunchTemplateId"])["LaunchTemplateVersions"][0]["LaunchTemplateData"]
        assert data["MetadataOptions"] == {"HttpTokens": "required", "HttpPutResponseHopLimit": 1, "InstanceMetadataTags": "enabled"}
        user_data = base64.b64decode(data["UserData"]).decode()
        assert user_data.startswith("#!")
        assert f"RANCHHAND_AGENT_URL='{AGENT_URL}'" in user_data
        assert f"RANCHHAND_AGENT_SHA256='{SHA}'" in user_data
        assert f"RANCHHAND_SSM_PREFIX='/ranchhand/{CLUSTER}/bootstrap/'" in user_data
        assert user_data == expected_user_data(), "the script arrives byte for byte, Fn::Sub escapes resolved"


def expected_user_data() -> str:
    spec = importlib.util.spec_from_file_location("render_user_data", INFRA / "render_user_data.py")
    renderer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(renderer)
    text = "\n".join(renderer.script_lines()) + "\n"
    for name, value in {"AgentUrl": AGENT_URL, "AgentSha256": SHA, "ClusterName": CLUSTER}.items():
        text = text.replace("${" + name + "}", value)
    return text.replace("${!", "${")


def test_each_group_launches_with_its_own_profile_limited_to_its_own_hooks(moto, deployed):
    """As deployed: three launch templates, three instance profiles, and each profile's role may
    complete lifecycle actions of its own group only (the ARN IAM holds, intrinsics resolved)."""
    cfn, ec2, iam = moto.client("cloudformation"), moto.client("ec2"), moto.client("iam")
    expected = {"rh-cluster": f"{CLUSTER}-control-plane", "rh-pool-a": f"{CLUSTER}-compute-a", "rh-pool-b": f"{CLUSTER}-compute-b"}
    profiles = set()
    for stack, group in expected.items():
        resources = cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
        (template_id,) = [r["PhysicalResourceId"] for r in resources if r["ResourceType"] == "AWS::EC2::LaunchTemplate"]
        data = ec2.describe_launch_template_versions(LaunchTemplateId=template_id)["LaunchTemplateVersions"][0]["LaunchTemplateData"]
        profile = data["IamInstanceProfile"]["Arn"].split("/")[-1]
        profiles.add(profile)
        (role,) = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"]
        document = iam.get_role_policy(RoleName=role["RoleName"], PolicyName="bootstrap-agent")["PolicyDocument"]
        if isinstance(document, str):  # moto keeps a CloudFormation inline policy as Python repr text
            document = ast.literal_eval(document)
        (hooks,) = [st for st in document["Statement"] if st.get("Sid") == "CompleteOwnLaunchHook"]
        resources = hooks["Resource"] if isinstance(hooks["Resource"], list) else [hooks["Resource"]]
        assert [r.rsplit("autoScalingGroupName/", 1)[-1] for r in resources] == [group], (stack, resources)
    assert len(profiles) == 3, profiles


def test_queues(moto, deployed):
    sqs = moto.client("sqs")
    attrs = {}
    for name in ("scale-in", "scale-in-dlq", "dns", "dns-dlq"):
        url = sqs.get_queue_url(QueueName=f"ranchhand-{CLUSTER}-{name}")["QueueUrl"]
        attrs[name] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["scale-in"]["VisibilityTimeout"] == "1080"
    assert json.loads(attrs["scale-in"]["RedrivePolicy"]) == {
        "deadLetterTargetArn": attrs["scale-in-dlq"]["QueueArn"], "maxReceiveCount": 30}
    assert attrs["dns"]["VisibilityTimeout"] == "1800"
    assert json.loads(attrs["dns"]["RedrivePolicy"])["deadLetterTargetArn"] == attrs["dns-dlq"]["QueueArn"]
    assert attrs["scale-in-dlq"]["MessageRetentionPeriod"] == "1209600"


def test_functions_and_mappings(moto, deployed):
    lam = moto.client("lambda")
    functions = {f["FunctionName"]: f for f in lam.list_functions()["Functions"]}
    expected_timeouts = {"scale-in": 900, "dns": 300, "capacity": 120}
    assert set(functions) == {f"ranchhand-{CLUSTER}-{tool}" for tool in expected_timeouts}
    for tool, timeout in expected_timeouts.items():
        function = functions[f"ranchhand-{CLUSTER}-{tool}"]
        assert (function["Runtime"], function["Handler"], function["MemorySize"], function["Timeout"]) == (
            "provided.al2023", "bootstrap", 512, timeout)
        assert function["Environment"]["Variables"] == {"RANCHHAND_SSM_PREFIX": f"/ranchhand/{CLUSTER}/{tool}/"}
        expected = 10 if tool == "scale-in" else 1  # scale-in: ScaleInConcurrency, deletions serial via the lease
        assert lam.get_function_concurrency(FunctionName=function["FunctionName"])["ReservedConcurrentExecutions"] == expected
    mappings = {m["FunctionArn"].rsplit(":", 1)[-1]: m for m in lam.list_event_source_mappings()["EventSourceMappings"]}
    assert set(mappings) == {f"ranchhand-{CLUSTER}-scale-in", f"ranchhand-{CLUSTER}-dns"}
    scale_in = mappings[f"ranchhand-{CLUSTER}-scale-in"]
    assert scale_in["EventSourceArn"].endswith(f":ranchhand-{CLUSTER}-scale-in")
    assert (scale_in["BatchSize"], scale_in["FunctionResponseTypes"], scale_in["ScalingConfig"]) == (
        1, ["ReportBatchItemFailures"], {"MaximumConcurrency": 10})
    assert mappings[f"ranchhand-{CLUSTER}-dns"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_rules(moto, deployed):
    events = moto.client("events")
    rules = {}
    for rule in events.list_rules()["Rules"]:
        targets = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
        rules[rule["Name"].split("-")[2]] = (rule, [t["Arn"].rsplit(":", 1)[-1] for t in targets])
    assert {name: arns for name, (_, arns) in rules.items()} == {
        "ScaleInEventsRule": [f"ranchhand-{CLUSTER}-scale-in"], "ScaleInReconcileRule": [f"ranchhand-{CLUSTER}-scale-in"],
        "ScaleInSpotRule": [f"ranchhand-{CLUSTER}-scale-in"],
        "DnsEventsRule": [f"ranchhand-{CLUSTER}-dns"], "DnsScheduleRule": [f"ranchhand-{CLUSTER}-dns"],
        "CapacityScheduleRule": [f"ranchhand-{CLUSTER}-capacity"]}
    pattern = json.loads(rules["ScaleInEventsRule"][0]["EventPattern"])
    assert pattern["detail"] == {"AutoScalingGroupName": [{"prefix": f"{CLUSTER}-"}]}
    assert rules["CapacityScheduleRule"][0]["ScheduleExpression"] == "rate(5 minutes)"


def test_ssm_parameters(moto, deployed):
    ssm = moto.client("ssm")
    values = {p["Name"]: ssm.get_parameter(Name=p["Name"])["Parameter"]["Value"]
              for p in ssm.describe_parameters()["Parameters"]}
    assert values[f"/ranchhand/{CLUSTER}/bootstrap/rancher-url"] == "https://rancher.example.com"
    assert values[f"/ranchhand/{CLUSTER}/bootstrap/cluster-id"] == "c-m-abcd1234"
    assert values[f"/ranchhand/{CLUSTER}/dns/options"] == (
        "--zone-id Z0123456789ABC --owner ranchhand-prod --policy upsert-only --rancher-url https://rancher.example.com "
        f"--cluster-id c-m-abcd1234 --group {CLUSTER}-compute-a --node-record nodes.example.com")
    assert values[f"/ranchhand/{CLUSTER}/scale-in/options"] == (
        f"--rancher-url https://rancher.example.com --cluster-id c-m-abcd1234 --group-prefix {CLUSTER}- "
        f"--lease-table ranchhand-{CLUSTER}-scale-in-lease --drain-timeout 600 --max-drain-wait 3600 "
        "--dns-zone-id Z0123456789ABC --dns-owner ranchhand-prod")
    assert values[f"/ranchhand/{CLUSTER}/capacity/config"] == CAPACITY_CONFIG


def test_roles_as_deployed(moto, deployed):
    """The inline policies IAM holds are the templates' (what test_templates.py checks)."""
    iam = moto.client("iam")
    handlers = load_template(INFRA / "handlers.yaml")
    for logical, role in resources_of_type(handlers, "AWS::IAM::Role").items():
        physical = next(r["PhysicalResourceId"] for r in moto.client("cloudformation").list_stack_resources(
            StackName="rh-handlers")["StackResourceSummaries"] if r["LogicalResourceId"] == logical)
        policy_name = role["Properties"]["Policies"][0]["PolicyName"]
        document = iam.get_role_policy(RoleName=physical, PolicyName=policy_name)["PolicyDocument"]
        if isinstance(document, str):  # moto keeps a CloudFormation inline policy as Python repr text
            document = ast.literal_eval(document)
        deployed_actions = {a for s in document["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
        declared = {a for s in role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
                    for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
        assert deployed_actions == declared, logical
        for statement in document["Statement"]:
            for resource in [statement["Resource"]] if isinstance(statement["Resource"], str) else statement["Resource"]:
                if resource == "arn:aws:route53:::change/*":  # see test_templates.UNSCOPABLE_CHANGE_ARN
                    assert statement["Action"] in ("route53:GetChange", ["route53:GetChange"]), (logical, statement)
                    continue
                assert resource == "*" or CLUSTER in resource or "Z0123456789ABC" in resource, (logical, resource)


@pytest.mark.xfail(strict=True, reason="moto's CloudFormation ignores LifecycleHookSpecificationList")
def test_moto_creates_the_templates_hooks(moto, deployed):
    hooks = moto.client("autoscaling").describe_lifecycle_hooks(AutoScalingGroupName=f"{CLUSTER}-control-plane")
    assert len(hooks["LifecycleHooks"]) == 2


@pytest.mark.xfail(strict=True, reason="moto's CloudFormation ignores InstanceLifecyclePolicy")
def test_moto_applies_the_retention_policy(moto, deployed):
    group = moto.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[f"{CLUSTER}-control-plane"])["AutoScalingGroups"][0]
    assert group.get("InstanceLifecyclePolicy") == {"RetentionTriggers": {"TerminateHookAbandon": "retain"}}


# ------------------------------------------------------------------ event routing (mutates the stacks)

def _drain(sqs, name: str) -> list[dict]:
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    bodies = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not messages:
            return bodies
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture(scope="module")
def routing(moto, deployed):
    """The deployed rules and queues with the template's hooks in place (moto gaps: see module doc)."""
    events, lam, autoscaling = moto.client("events"), moto.client("lambda"), moto.client("autoscaling")
    for rule in events.list_rules()["Rules"]:
        if rule.get("ScheduleExpression"):
            targets = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
            events.remove_targets(Rule=rule["Name"], Ids=[t["Id"] for t in targets])
    for mapping in lam.list_event_source_mappings()["EventSourceMappings"]:
        lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
    for template, logical, group in (("cluster.yaml", "ControlPlaneGroup", f"{CLUSTER}-control-plane"),
                                     ("compute-group.yaml", "ComputeGroup", f"{CLUSTER}-compute-a")):
        parsed = load_template(INFRA / template)
        for spec in parsed["Resources"][logical]["Properties"]["LifecycleHookSpecificationList"]:
            def value(v):
                return parsed["Parameters"][v["Ref"]]["Default"] if isinstance(v, dict) else v
            extra = {"NotificationMetadata": spec["NotificationMetadata"]} if "NotificationMetadata" in spec else {}
            autoscaling.put_lifecycle_hook(
                AutoScalingGroupName=group, LifecycleHookName=spec["LifecycleHookName"],
                LifecycleTransition=spec["LifecycleTransition"], HeartbeatTimeout=int(value(spec["HeartbeatTimeout"])),
                DefaultResult=value(spec["DefaultResult"]), **extra)
    sqs = moto.client("sqs")
    for name in ("scale-in", "dns"):
        _drain(sqs, f"ranchhand-{CLUSTER}-{name}")
    return moto


def test_terminate_hook_reaches_scale_in_and_dns_only_once_each(routing):
    autoscaling, sqs = routing.client("autoscaling"), routing.client("sqs")
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[f"{CLUSTER}-compute-a"])["AutoScalingGroups"][0]
    victim = group["Instances"][0]["InstanceId"]
    autoscaling.terminate_instance_in_auto_scaling_group(InstanceId=victim, ShouldDecrementDesiredCapacity=True)
    scale_in, dns = _drain(sqs, f"ranchhand-{CLUSTER}-scale-in"), _drain(sqs, f"ranchhand-{CLUSTER}-dns")
    for bodies in (scale_in, dns):
        assert [(b["detail-type"], b["detail"]["EC2InstanceId"], b["detail"]["LifecycleHookName"]) for b in bodies] == [
            ("EC2 Instance-terminate Lifecycle Action", victim, "ranchhand-terminate")]
    assert _drain(sqs, f"ranchhand-{CLUSTER}-scale-in-dlq") == [] and _drain(sqs, f"ranchhand-{CLUSTER}-dns-dlq") == []


def test_launch_hooks_reach_no_queue(routing):
    """Launch actions are the bootstrap agent's, on the node itself."""
    autoscaling, sqs = routing.client("autoscaling"), routing.client("sqs")
    autoscaling.set_desired_capacity(AutoScalingGroupName=f"{CLUSTER}-compute-a", DesiredCapacity=3)
    states = [i["LifecycleState"] for i in autoscaling.describe_auto_scaling_groups(
        AutoScalingGroupNames=[f"{CLUSTER}-compute-a"])["AutoScalingGroups"][0]["Instances"]]
    assert "Pending:Wait" in states, "the launch hook held the new instance"
    assert _drain(sqs, f"ranchhand-{CLUSTER}-scale-in") == [] and _drain(sqs, f"ranchhand-{CLUSTER}-dns") == []


def test_activity_events_reach_dns_only_and_other_clusters_reach_nobody(routing):
    events, sqs = routing.client("events"), routing.client("sqs")

    def put(detail_type, group, **detail):
        events.put_events(Entries=[{"Source": "aws.autoscaling", "DetailType": detail_type,
                                    "Detail": json.dumps({"AutoScalingGroupName": group, "EC2InstanceId": "i-0123456789abcdef0", **detail})}])

    put("EC2 Instance Launch Successful", f"{CLUSTER}-compute-a", StatusCode="InProgress")
    put("EC2 Instance Terminate Successful", f"{CLUSTER}-compute-b", StatusCode="InProgress")
    assert _drain(sqs, f"ranchhand-{CLUSTER}-scale-in") == []
    assert [b["detail-type"] for b in _drain(sqs, f"ranchhand-{CLUSTER}-dns")] == [
        "EC2 Instance Launch Successful", "EC2 Instance Terminate Successful"]
    # A cluster named "prod2" (or "production") shares no group-name prefix with "prod-".
    for other in ("prod2-compute-a", "production-control-plane"):
        put("EC2 Instance-terminate Lifecycle Action", other, LifecycleHookName="ranchhand-terminate",
            LifecycleActionToken="e6b7a3b1-0000-4000-8000-000000000000", LifecycleTransition="autoscaling:EC2_INSTANCE_TERMINATING")
    assert _drain(sqs, f"ranchhand-{CLUSTER}-scale-in") == [] and _drain(sqs, f"ranchhand-{CLUSTER}-dns") == []


def test_retention_policy_as_written_is_what_the_api_takes(routing):
    """The template's InstanceLifecyclePolicy, given to UpdateAutoScalingGroup (the launcher's
    retention model, since moto's CloudFormation drops it): an abandoned control-plane terminate
    hook leaves the instance Retained instead of terminating it."""
    autoscaling = routing.client("autoscaling")
    policy = load_template(INFRA / "cluster.yaml")["Resources"]["ControlPlaneGroup"]["Properties"]["InstanceLifecyclePolicy"]
    name = f"{CLUSTER}-control-plane"
    autoscaling.update_auto_scaling_group(AutoScalingGroupName=name, InstanceLifecyclePolicy=policy)
    victim = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["Instances"][0]["InstanceId"]
    autoscaling.terminate_instance_in_auto_scaling_group(InstanceId=victim, ShouldDecrementDesiredCapacity=False)
    autoscaling.complete_lifecycle_action(AutoScalingGroupName=name, LifecycleHookName="ranchhand-terminate",
                                          InstanceId=victim, LifecycleActionResult="ABANDON")
    state = autoscaling.describe_auto_scaling_instances(InstanceIds=[victim])["AutoScalingInstances"][0]["LifecycleState"]
    assert state == "Terminating:Retained"


def test_spot_pool_runs_a_mixed_instances_policy(moto, deployed):
    """Last in the module: it adds a stack the counts above do not expect, and removes it."""
    ec2, cfn = moto.client("ec2"), moto.client("cloudformation")
    subnets = [sub["SubnetId"] for sub in ec2.describe_subnets()["Subnets"]][:3]
    ami = ec2.describe_images()["Images"][0]["ImageId"]
    stack = create_stack(cfn, "rh-pool-spot", "compute-group.yaml", {
        "ClusterStackName": "rh-cluster", "PoolName": "spot", "NodeSubnetIds": ",".join(subnets), "ImageId": ami,
        "AgentUrl": AGENT_URL, "AgentSha256": SHA, "MinSize": "0", "MaxSize": "4", "DesiredCapacity": "2",
        "SpotInstanceTypes": "m6i.large,m5.large", "OnDemandBaseCapacity": "1", "CapacityRebalance": "true"})
    try:
        assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
        groups = {g["AutoScalingGroupName"]: g for g in moto.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]}
        policy = groups[f"{CLUSTER}-compute-spot"]["MixedInstancesPolicy"]
        assert [o["InstanceType"] for o in policy["LaunchTemplate"]["Overrides"]] == ["m6i.large", "m5.large"]
        assert policy["InstancesDistribution"]["OnDemandBaseCapacity"] == 1
        assert policy["InstancesDistribution"]["SpotAllocationStrategy"] == "price-capacity-optimized"
        assert not groups[f"{CLUSTER}-compute-a"].get("MixedInstancesPolicy", {}).get("LaunchTemplate", {}).get("Overrides"), "pool a stays On-Demand"
        # moto's CloudFormation does not turn the "true" parameter into CapacityRebalance's boolean (real
        # CloudFormation does); the property's wiring is checked on the template in test_templates.py.
    finally:
        cfn.delete_stack(StackName="rh-pool-spot")

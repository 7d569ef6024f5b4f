"""Proves each behaviour moto_launcher.py adds to moto, with boto3 against a launched server."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from asg_env import LAUNCH, RAW_KEYS, ROLE, TERM, TIME_MS, UUID, Env, error_of
from conftest import client


@pytest.fixture
def env(moto_url):
    return Env(moto_url)


def test_terminate_enters_wait_and_notifies_sqs_in_raw_shape(env):
    q, qarn = env.queue("hooks")
    env.group()
    env.hook(target=qarn, NotificationMetadata='{"cluster":"c1"}', HeartbeatTimeout=300)
    test_msg = env.messages(q)[0]
    assert test_msg["Event"] == "autoscaling:TEST_NOTIFICATION"
    assert list(test_msg) == ["AccountId", "RequestId", "AutoScalingGroupARN",
                              "AutoScalingGroupName", "Service", "Event", "Time"]
    victim = sorted(env.states())[0]
    env.asg.terminate_instance_in_auto_scaling_group(InstanceId=victim,
                                                     ShouldDecrementDesiredCapacity=True)
    assert env.states()[victim] == "Terminating:Wait"
    assert env.instance_states()[victim] == "Terminating:Wait"
    assert env.ec2_state(victim) == "running"
    msg = env.messages(q)[0]
    assert list(msg) == RAW_KEYS + ["NotificationMetadata"]
    assert msg["Origin"] == "AutoScalingGroup" and msg["Destination"] == "EC2"
    assert msg["LifecycleTransition"] == TERM and msg["EC2InstanceId"] == victim
    assert msg["AccountId"] == "123456789012" and msg["Service"] == "AWS Auto Scaling"
    assert msg["NotificationMetadata"] == '{"cluster":"c1"}'
    assert TIME_MS.match(msg["Time"]) and UUID.match(msg["LifecycleActionToken"])
    assert UUID.match(msg["RequestId"])
    group = env.asg.describe_auto_scaling_groups(AutoScalingGroupNames=["g"])["AutoScalingGroups"][0]
    assert group["DesiredCapacity"] == 1


def test_hook_without_metadata_has_no_metadata_key_and_scale_in_waits(env):
    q, qarn = env.queue("hooks")
    env.group(desired=3)
    env.hook(target=qarn)
    env.messages(q)  # test notification
    env.asg.set_desired_capacity(AutoScalingGroupName="g", DesiredCapacity=2)
    waiting = [i for i, s in env.states().items() if s == "Terminating:Wait"]
    assert len(waiting) == 1
    env.asg.update_auto_scaling_group(AutoScalingGroupName="g", DesiredCapacity=1)
    assert sorted(env.states().values()) == ["InService", "Terminating:Wait", "Terminating:Wait"]
    msgs = env.messages(q, want=2)
    assert [list(m) for m in msgs] == [RAW_KEYS, RAW_KEYS]


def test_heartbeat_extends_then_timeout_applies_default_result(env):
    env.group(desired=1)
    env.hook(HeartbeatTimeout=2, DefaultResult="CONTINUE")
    (victim,) = env.states()
    env.asg.terminate_instance_in_auto_scaling_group(InstanceId=victim,
                                                     ShouldDecrementDesiredCapacity=True)
    hook = env.asg.describe_lifecycle_hooks(AutoScalingGroupName="g")["LifecycleHooks"][0]
    assert hook["GlobalTimeout"] == 200
    for _ in range(2):
        time.sleep(1.3)
        env.asg.record_lifecycle_action_heartbeat(AutoScalingGroupName="g",
                                                  LifecycleHookName="drain", InstanceId=victim)
    assert env.states()[victim] == "Terminating:Wait"  # 2.6 s > 2 s only thanks to heartbeats
    assert env.wait_for(lambda: victim not in env.states())
    assert env.ec2_state(victim) == "terminated"
    with pytest.raises(ClientError) as exc:
        env.asg.record_lifecycle_action_heartbeat(AutoScalingGroupName="g",
                                                  LifecycleHookName="drain", InstanceId=victim)
    assert error_of(exc) == (400, "ValidationError",
                             f"No active Lifecycle Action found with instance ID {victim}")


def test_heartbeat_unknown_token_is_query_xml_validation_error(env):
    env.group(desired=1)
    env.hook()
    body = ("Action=RecordLifecycleActionHeartbeat&Version=2011-01-01&AutoScalingGroupName=g"
            "&LifecycleHookName=drain&LifecycleActionToken=nope")
    req = urllib.request.Request(env.url + "/", data=body.encode(), headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/autoscaling/"
                         "aws4_request, SignedHeaders=host, Signature=00"})
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(req, timeout=10)
    xml = exc.value.read().decode()
    assert exc.value.code == 400 and exc.value.headers["Content-Type"].startswith("text/xml")
    assert xml.startswith('<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">')
    assert "<Code>ValidationError</Code>" in xml and "<Type>Sender</Type>" in xml
    assert "<Message>No active Lifecycle Action found with token nope</Message>" in xml


def test_complete_continue_terminates_and_second_complete_fails(env):
    q, qarn = env.queue("hooks")
    env.group()
    env.hook(target=qarn)
    env.messages(q)
    victim = sorted(env.states())[0]
    env.asg.terminate_instance_in_auto_scaling_group(InstanceId=victim,
                                                     ShouldDecrementDesiredCapacity=False)
    token = env.messages(q)[0]["LifecycleActionToken"]
    states = env.states()
    assert states[victim] == "Terminating:Wait" and list(states.values()).count("InService") == 2
    env.asg.complete_lifecycle_action(AutoScalingGroupName="g", LifecycleHookName="drain",
                                      LifecycleActionToken=token, LifecycleActionResult="CONTINUE")
    assert victim not in env.states() and env.ec2_state(victim) == "terminated"
    with pytest.raises(ClientError) as exc:
        env.asg.complete_lifecycle_action(AutoScalingGroupName="g", LifecycleHookName="drain",
                                          LifecycleActionToken=token, LifecycleActionResult="CONTINUE")
    assert error_of(exc) == (400, "ValidationError",
                             f"No active Lifecycle Action found with token {token}")
    with pytest.raises(ClientError) as exc:
        env.asg.complete_lifecycle_action(AutoScalingGroupName="g", LifecycleHookName="drain",
                                          InstanceId=victim, LifecycleActionResult="CONTINUE")
    assert error_of(exc)[2] == f"No active Lifecycle Action found with instance ID {victim}"


def test_complete_validates_hook_and_group(env):
    env.group(desired=1)
    env.hook()
    (victim,) = env.states()
    env.asg.terminate_instance_in_auto_scaling_group(InstanceId=victim,
                                                     ShouldDecrementDesiredCapacity=True)
    for group, hook in (("g", "other-hook"), ("other-group", "drain")):
        with pytest.raises(ClientError) as exc:
            env.asg.complete_lifecycle_action(AutoScalingGroupName=group, LifecycleHookName=hook,
                                              InstanceId=victim, LifecycleActionResult="CONTINUE")
        assert error_of(exc)[1] == "ValidationError"
    assert env.states()[victim] == "Terminating:Wait"


def test_abandon_with_retain_policy_keeps_instance_retained(env):
    env.group(InstanceLifecyclePolicy={"RetentionTriggers": {"TerminateHookAbandon": "retain"}})
    group = env.asg.describe_auto_scaling_groups(AutoScalingGroupNames=["g"])["AutoScalingGroups"][0]
    assert group["InstanceLifecyclePolicy"] == {"RetentionTriggers": {"TerminateHookAbandon": "retain"}}
    env.hook()
    env.asg.set_desired_capacity(AutoScalingGroupName="g", DesiredCapacity=1)
    (victim,) = [i for i, s in env.states().items() if s == "Terminating:Wait"]
    env.asg.complete_lifecycle_action(AutoScalingGroupName="g", LifecycleHookName="drain",
                                      InstanceId=victim, LifecycleActionResult="ABANDON")
    assert env.states()[victim] == "Terminating:Retained"
    assert env.instance_states()[victim] == "Terminating:Retained"
    assert env.ec2_state(victim) == "running"
    env.asg.terminate_instance_in_auto_scaling_group(InstanceId=victim,
                                                     ShouldDecrementDesiredCapacity=False)
    assert victim not in env.states() and env.ec2_state(victim) == "terminated"
    assert list(env.states().values()) == ["InService"]


def test_abandon_without_retain_terminates_and_policy_is_updatable(env):
    env.group(desired=1)
    env.asg.update_auto_scaling_group(
        AutoScalingGroupName="g",
        InstanceLifecyclePolicy={"RetentionTriggers": {"TerminateHookAbandon": "terminate"}})
    group = env.asg.describe_auto_scaling_groups(AutoScalingGroupNames=["g"])["AutoScalingGroups"][0]
    assert group["InstanceLifecyclePolicy"]["RetentionTriggers"]["TerminateHookAbandon"] == "terminate"
    env.hook()
    (victim,) = env.states()
    env.asg.terminate_instance_in_auto_scaling_group(InstanceId=victim,
                                                     ShouldDecrementDesiredCapacity=True)
    env.asg.complete_lifecycle_action(AutoScalingGroupName="g", LifecycleHookName="drain",
                                      InstanceId=victim, LifecycleActionResult="ABANDON")
    assert env.states() == {} and env.ec2_state(victim) == "terminated"


def test_timeout_with_abandon_default_and_retain_policy_retains(env):
    env.group(desired=1, InstanceLifecyclePolicy={"RetentionTriggers": {"TerminateHookAbandon": "retain"}})
    env.hook(HeartbeatTimeout=1)  # DefaultResult defaults to ABANDON
    (victim,) = env.states()
    env.asg.terminate_instance_in_auto_scaling_group(InstanceId=victim,
                                                     ShouldDecrementDesiredCapacity=True)
    assert env.wait_for(lambda: env.states().get(victim) == "Terminating:Retained")


def test_launch_hook_pending_wait_continue_and_abandon(env):
    q, qarn = env.queue("launch")
    env.group(desired=1)
    env.hook(name="join", transition=LAUNCH, target=qarn)
    env.messages(q)
    env.asg.set_desired_capacity(AutoScalingGroupName="g", DesiredCapacity=3)
    pending = sorted(i for i, s in env.states().items() if s == "Pending:Wait")
    assert len(pending) == 2
    msgs = {m["EC2InstanceId"]: m for m in env.messages(q, want=2)}
    assert sorted(msgs) == pending
    first = msgs[pending[0]]
    assert list(first) == RAW_KEYS and first["LifecycleTransition"] == LAUNCH
    assert first["Origin"] == "EC2" and first["Destination"] == "AutoScalingGroup"
    env.asg.complete_lifecycle_action(AutoScalingGroupName="g", LifecycleHookName="join",
                                      LifecycleActionToken=first["LifecycleActionToken"],
                                      InstanceId=pending[0], LifecycleActionResult="CONTINUE")
    assert env.states()[pending[0]] == "InService"
    env.asg.complete_lifecycle_action(AutoScalingGroupName="g", LifecycleHookName="join",
                                      InstanceId=pending[1], LifecycleActionResult="ABANDON")
    states = env.states()
    assert pending[1] not in states and env.ec2_state(pending[1]) == "terminated"
    replacement = [i for i, s in states.items() if s == "Pending:Wait"]
    assert len(replacement) == 1 and len(states) == 3  # the group launches a replacement
    assert env.messages(q)[0]["EC2InstanceId"] == replacement[0]


def test_hooks_from_create_apply_to_first_instances(env):
    env.asg.create_launch_configuration(LaunchConfigurationName="lc", ImageId="ami-12c6146b",
                                        InstanceType="t3.micro")
    env.asg.create_auto_scaling_group(
        AutoScalingGroupName="g", LaunchConfigurationName="lc", MinSize=0, MaxSize=4,
        DesiredCapacity=2, AvailabilityZones=["us-east-1a"],
        LifecycleHookSpecificationList=[{"LifecycleHookName": "join", "LifecycleTransition": LAUNCH,
                                         "HeartbeatTimeout": 120}])
    assert list(env.states().values()) == ["Pending:Wait", "Pending:Wait"]


def test_eventbridge_rule_delivers_lifecycle_events_to_sqs(env):
    q, qarn = env.queue("eb")
    env.events.put_rule(Name="asg", EventPattern=json.dumps({
        "source": ["aws.autoscaling"], "detail-type": ["EC2 Instance-terminate Lifecycle Action"]}))
    env.events.put_targets(Rule="asg", Targets=[{"Id": "q", "Arn": qarn}])
    q2, q2arn = env.queue("eb-launch")
    env.events.put_rule(Name="launch", EventPattern=json.dumps({
        "source": ["aws.autoscaling"], "detail-type": ["EC2 Instance-launch Lifecycle Action"]}))
    env.events.put_targets(Rule="launch", Targets=[{"Id": "q", "Arn": q2arn}])
    env.group(desired=1)
    env.hook(NotificationMetadata="meta")
    env.hook(name="join", transition=LAUNCH)
    (victim,) = env.states()
    env.asg.terminate_instance_in_auto_scaling_group(InstanceId=victim,
                                                     ShouldDecrementDesiredCapacity=False)
    (event,) = env.messages(q)
    assert list(event) == ["version", "id", "detail-type", "source", "account", "time", "region",
                           "resources", "detail"]
    assert event["source"] == "aws.autoscaling" and event["account"] == "123456789012"
    assert event["detail-type"] == "EC2 Instance-terminate Lifecycle Action"
    assert event["resources"][0].endswith(":autoScalingGroupName/g")
    detail = event["detail"]
    assert detail["EC2InstanceId"] == victim and detail["NotificationMetadata"] == "meta"
    assert set(detail) == {"LifecycleActionToken", "AutoScalingGroupName", "LifecycleHookName",
                           "EC2InstanceId", "LifecycleTransition", "NotificationMetadata",
                           "Origin", "Destination"}
    assert env.messages(q, timeout=0.5) == []  # the launch event does not match the rule
    (launch,) = env.messages(q2)  # the replacement instance waits in Pending:Wait
    assert launch["detail"]["LifecycleTransition"] == LAUNCH
    assert launch["detail"]["Origin"] == "EC2" and launch["detail"]["Destination"] == "AutoScalingGroup"
    assert env.states()[launch["detail"]["EC2InstanceId"]] == "Pending:Wait"
    assert "NotificationMetadata" not in launch["detail"]


def test_sns_target_gets_the_same_json_inside_an_sns_notification(env):
    sns = client("sns", env.url)
    topic = sns.create_topic(Name="hooks")["TopicArn"]
    q, qarn = env.queue("sub")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=qarn)
    env.group(desired=1)
    env.hook(target=topic)
    (victim,) = env.states()
    env.asg.terminate_instance_in_auto_scaling_group(InstanceId=victim,
                                                     ShouldDecrementDesiredCapacity=True)
    test_note, note = env.messages(q, want=2)
    assert test_note["Type"] == "Notification" and note["TopicArn"] == topic
    assert note["Subject"] == f"Auto Scaling:  Lifecycle action 'TERMINATING' for instance {victim} in progress."
    assert list(json.loads(note["Message"])) == RAW_KEYS


def test_put_hook_stores_target_and_rejects_missing_queue(env):
    env.group(desired=0)
    missing = "arn:aws:sqs:us-east-1:123456789012:nope"
    with pytest.raises(ClientError) as exc:
        env.hook(target=missing)
    assert error_of(exc)[1] == "ValidationError"
    assert error_of(exc)[2].startswith(f"Unable to publish test message to notification target {missing}")
    assert env.asg.describe_lifecycle_hooks(AutoScalingGroupName="g")["LifecycleHooks"] == []
    _, qarn = env.queue("hooks")
    env.hook(target=qarn, NotificationMetadata="m", HeartbeatTimeout=60)
    env.asg.put_lifecycle_hook(AutoScalingGroupName="g", LifecycleHookName="drain",
                               HeartbeatTimeout=90)  # update keeps the other fields
    hook = env.asg.describe_lifecycle_hooks(AutoScalingGroupName="g")["LifecycleHooks"][0]
    assert (hook["NotificationTargetARN"], hook["RoleARN"], hook["NotificationMetadata"]) == (qarn, ROLE, "m")
    assert (hook["HeartbeatTimeout"], hook["GlobalTimeout"], hook["LifecycleTransition"]) == (90, 9000, TERM)


def test_terminate_unknown_instance_is_validation_error(env):
    env.group(desired=0)
    with pytest.raises(ClientError) as exc:
        env.asg.terminate_instance_in_auto_scaling_group(InstanceId="i-0000000000000dead",
                                                         ShouldDecrementDesiredCapacity=True)
    assert error_of(exc)[1] == "ValidationError"


def test_delete_group_does_not_wait_for_hooks(env):
    env.group(desired=2)
    env.hook()
    victim = sorted(env.states())[0]
    env.asg.terminate_instance_in_auto_scaling_group(InstanceId=victim,
                                                     ShouldDecrementDesiredCapacity=True)
    env.asg.delete_auto_scaling_group(AutoScalingGroupName="g")
    assert env.ec2_state(victim) == "terminated"
    env.group(name="g", desired=1)  # recreated group has no hooks left over
    assert list(env.states().values()) == ["InService"]


def lifecycle_stats(url):
    with urllib.request.urlopen(url + "/moto-api/ranchhand/lifecycle", timeout=5) as response:
        return json.load(response)


def test_stats_tell_completed_hooks_from_timed_out_ones_and_count_heartbeats(env, moto_url):
    env.group(desired=2)
    env.hook(HeartbeatTimeout=1, DefaultResult="CONTINUE")
    kept, lost = sorted(env.states())
    for victim in (kept, lost):
        env.asg.terminate_instance_in_auto_scaling_group(InstanceId=victim, ShouldDecrementDesiredCapacity=True)
    env.asg.record_lifecycle_action_heartbeat(AutoScalingGroupName="g", LifecycleHookName="drain", InstanceId=kept)
    env.asg.complete_lifecycle_action(AutoScalingGroupName="g", LifecycleHookName="drain", InstanceId=kept,
                                      LifecycleActionResult="CONTINUE")
    assert env.wait_for(lambda: lost not in env.states())
    stats = lifecycle_stats(moto_url)
    assert stats["completed"] == [{"instanceId": kept, "hook": "drain", "group": "g", "result": "CONTINUE"}]
    assert stats["timedOut"] == [{"instanceId": lost, "hook": "drain", "group": "g", "result": "CONTINUE",
                                  "transition": TERM, "reason": "heartbeat"}]
    assert stats["heartbeats"] == {kept: 1}
    urllib.request.urlopen(urllib.request.Request(moto_url + "/moto-api/reset", method="POST"), timeout=5).close()
    assert lifecycle_stats(moto_url) == {"completed": [], "timedOut": [], "heartbeats": {}}

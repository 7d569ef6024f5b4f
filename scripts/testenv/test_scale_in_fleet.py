"""scale_in_fleet.py: the fleet's hook queue carries the stack's queue settings when asked."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

from conftest import HERE, client


def fleet(url, command, arguments):
    out = subprocess.run([sys.executable, str(HERE / "scale_in_fleet.py"), "--endpoint", url, command,
                          json.dumps(arguments)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_create_gives_the_queue_its_visibility_timeout_and_a_dead_letter_queue(moto_url):
    name = "f" + uuid.uuid4().hex[:8]
    created = fleet(moto_url, "create", {"name": name, "groups": [{"suffix": "a", "size": 2}], "heartbeatTimeout": 60,
                                         "visibilityTimeout": 18, "maxReceiveCount": 30})
    assert created["queueArn"].endswith(":" + name + "-hook")
    assert len(created["groups"][0]["instanceIds"]) == 2
    attrs = client("sqs", moto_url).get_queue_attributes(QueueUrl=created["queueUrl"], AttributeNames=["All"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "18"
    redrive = json.loads(attrs["RedrivePolicy"])
    assert redrive["maxReceiveCount"] == 30 and redrive["deadLetterTargetArn"].endswith(":" + name + "-hook-dlq")


def test_create_without_queue_settings_keeps_sqs_defaults(moto_url):
    created = fleet(moto_url, "create", {"name": "f" + uuid.uuid4().hex[:8], "groups": [{"suffix": "a", "size": 1}]})
    attrs = client("sqs", moto_url).get_queue_attributes(QueueUrl=created["queueUrl"], AttributeNames=["All"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "30" and "RedrivePolicy" not in attrs


def test_a_retaining_group_keeps_an_abandoned_instance(moto_url):
    created = fleet(moto_url, "create", {"name": "f" + uuid.uuid4().hex[:8], "groups": [{"suffix": "cp", "size": 3, "retain": True}]})
    group = created["groups"][0]
    found = client("autoscaling", moto_url).describe_auto_scaling_groups(AutoScalingGroupNames=[group["group"]])["AutoScalingGroups"][0]
    assert found["InstanceLifecyclePolicy"]["RetentionTriggers"]["TerminateHookAbandon"] == "retain"

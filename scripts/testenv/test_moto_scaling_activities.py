"""The terminate activities moto_scaling_activities.py adds, with boto3 against a launched moto."""

from __future__ import annotations

import pytest

from asg_env import Env


@pytest.fixture
def env(moto_url):
    return Env(moto_url)


def test_a_waiting_termination_is_in_progress_then_successful_newest_first(env):
    env.group(desired=3)
    env.hook(HeartbeatTimeout=300)
    first, second, _ = sorted(env.states())
    for victim in (first, second):
        env.asg.terminate_instance_in_auto_scaling_group(InstanceId=victim, ShouldDecrementDesiredCapacity=True)
    listed = env.asg.describe_scaling_activities(AutoScalingGroupName="g")["Activities"]
    assert [a["Description"] for a in listed] == [f"Terminating EC2 instance: {second}", f"Terminating EC2 instance: {first}"]
    assert all(a["StatusCode"] == "InProgress" and "EndTime" not in a for a in listed)
    assert listed[0]["StartTime"] >= listed[1]["StartTime"]
    assert "taken out of service in response to a user request" in listed[0]["Cause"]

    env.asg.complete_lifecycle_action(AutoScalingGroupName="g", LifecycleHookName="drain", InstanceId=first,
                                      LifecycleActionResult="CONTINUE")
    done = {a["Description"]: a for a in env.asg.describe_scaling_activities(AutoScalingGroupName="g")["Activities"]}
    ended = done[f"Terminating EC2 instance: {first}"]
    assert ended["StatusCode"] == "Successful" and ended["EndTime"] >= ended["StartTime"]
    assert done[f"Terminating EC2 instance: {second}"]["StatusCode"] == "InProgress"


def test_a_group_without_hooks_records_finished_terminations_and_max_records_caps(env):
    env.group(name="plain", desired=3)
    env.group(name="other", desired=1)
    env.asg.set_desired_capacity(AutoScalingGroupName="plain", DesiredCapacity=1)
    listed = env.asg.describe_scaling_activities(AutoScalingGroupName="plain")["Activities"]
    assert len(listed) == 2 and all(a["StatusCode"] == "Successful" for a in listed)
    capped = env.asg.describe_scaling_activities(AutoScalingGroupName="plain", MaxRecords=1)["Activities"]
    assert [a["ActivityId"] for a in capped] == [listed[0]["ActivityId"]]
    assert env.asg.describe_scaling_activities(AutoScalingGroupName="other")["Activities"] == []

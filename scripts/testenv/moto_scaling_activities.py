"""Terminate activities for DescribeScalingActivities (moto 5.2.1 answers it with none).

The scale-in budget counts instances AWS recorded terminating within its window, and with no
activities a fleet test could never see a deleted node counted once its Rancher node is gone.
Every instance the lifecycle engine (moto_lifecycle.py) starts terminating gets AWS's terminate
activity: Description ``Terminating EC2 instance: i-…``, a Cause in AWS's words, StartTime when
the termination began (the hook's wait is part of the activity, as AWS reports it), StatusCode
``InProgress`` while the instance waits or is retained, then ``Successful`` with an EndTime once
it is gone. DescribeScalingActivities returns a group's activities newest first, at most
MaxRecords (default 100, AWS's cap), or only those named by ActivityIds.

Launch activities are not recorded: nothing here reads them, and the capacity tool's cool-downs
would start to depend on them.
"""

from __future__ import annotations

from datetime import datetime, timezone

from moto.autoscaling import models as asg_models
from moto.core.responses import ActionResult


def _activities(backend) -> list:
    found = backend.__dict__.get("_ranchhand_activities")
    if found is None:
        found = backend._ranchhand_activities = []
    return found


def started(backend, group, instance_id: str) -> None:
    """A termination began: record its activity (once per instance and termination)."""
    now = datetime.now(timezone.utc)
    if any(a.instance_id == instance_id and a.status_code == "InProgress" for a in _activities(backend)):
        return
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    activity = asg_models.Activity(
        description=f"Terminating EC2 instance: {instance_id}",
        cause=f"At {stamp} an instance was taken out of service in response to a user request.",
        auto_scaling_group=group, start_time=now, status_code="InProgress")
    activity.end_time = None
    activity.progress = 50
    activity.instance_id = instance_id
    _activities(backend).append(activity)


def finished(backend, instance_id: str) -> None:
    """The instance is gone: its terminate activity succeeded."""
    for activity in _activities(backend):
        if activity.instance_id == instance_id and activity.status_code == "InProgress":
            activity.status_code = "Successful"
            activity.end_time = datetime.now(timezone.utc)
            activity.progress = 100


def r_describe_scaling_activities(self):
    group_name = self._get_param("AutoScalingGroupName")
    wanted = set(self._get_param("ActivityIds") or [])
    limit = int(self._get_param("MaxRecords") or 100)
    chosen = [a for a in _activities(self.autoscaling_backend)
              if (not group_name or a.auto_scaling_group_name == group_name)
              and (not wanted or a.activity_id in wanted)]
    chosen.sort(key=lambda a: a.start_time, reverse=True)
    return ActionResult({"Activities": chosen[:limit]})

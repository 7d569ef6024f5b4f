"""Monkeypatches that connect moto 5.2.1's autoscaling classes to moto_lifecycle.

Call ``install()`` once, before moto serves requests. What it replaces (all in
``moto.autoscaling``, plus one template string in ``moto.events.utils``):

* ``FakeAutoScalingGroup.active_instances``: counts Pending/Pending:Wait/InService
  (what counts toward desired capacity), not only InService.
* ``FakeAutoScalingGroup.set_desired_capacity``: same algorithm as moto for plain
  groups, but scale-in victims go through ``begin_termination`` (Terminating:Wait when
  the group has a terminating hook) and InService instances are chosen first.
  Groups whose MixedInstancesPolicy has weighted overrides keep moto's code.
* ``FakeAutoScalingGroup.replace_autoscaling_group_instances``: new instances enter
  Pending:Wait when the group has a launching hook.
* ``AutoScalingBackend.terminate_instance`` / ``delete_auto_scaling_group`` /
  ``delete_lifecycle_hook`` / ``detach_instances`` / ``update_attached_target_groups``.
* ``AutoScalingResponse``: new ``complete_lifecycle_action`` and
  ``record_lifecycle_action_heartbeat``; wrapped ``put_lifecycle_hook``,
  ``create_auto_scaling_group``, ``update_auto_scaling_group`` and ``call_action``.
* ``AutoScalingResponse.describe_scaling_activities``: the terminate activities
  moto_scaling_activities.py records.
* ``EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE``: adds the ``account`` key that
  moto drops from EventBridge events delivered to targets, in AWS's key order.
"""

from __future__ import annotations

from moto.autoscaling import models as asg_models
from moto.autoscaling.exceptions import ValidationError
from moto.autoscaling.responses import AutoScalingResponse
from moto.core.responses import EmptyResult
from moto.events import utils as events_utils

import moto_lifecycle as lc
import moto_scaling_activities

G = asg_models.FakeAutoScalingGroup
B = asg_models.AutoScalingBackend
R = AutoScalingResponse
ORIG: dict = {}
SCALE_IN_ORDER = {"InService": 0, "Pending:Proceed": 1, "Pending:Wait": 2, "Pending": 3}
EVENT_TEMPLATE = ('{"version": "0", "id": "<id>", "detail-type": "<detail-type>", '
                  '"source": "<source>", "account": "<account>", "time": <time>, '
                  '"region": "<region>", "resources": <resources>, "detail": <detail>}')


# ---------------------------------------------------------------- model patches

def active_instances(self):
    return [s for s in self.instance_states if s.lifecycle_state in lc.COUNTED]


def set_desired_capacity(self, new_capacity):
    if ((self.mixed_instances_policy or {}).get("LaunchTemplate") or {}).get("Overrides"):
        return ORIG["set_desired_capacity"](self, new_capacity)
    with lc.LOCK:
        self.desired_capacity = self.min_size if new_capacity is None else new_capacity
        counted = self.active_instances()
        delta = (self.desired_capacity or 0) - len(counted)
        if delta > 0:
            self.replace_autoscaling_group_instances(delta, self.get_propagated_tags())
        elif delta < 0:
            candidates = [s for s in counted if not s.protected_from_scale_in]
            candidates.sort(key=lambda s: SCALE_IN_ORDER.get(s.lifecycle_state, 9))
            for state in candidates[:-delta]:
                lc.begin_termination(self.autoscaling_backend, self, state)
        lc.refresh_load_balancers(self.autoscaling_backend, self)


def replace_autoscaling_group_instances(self, count_needed, propagated_tags):
    known = {id(s) for s in self.instance_states}
    ORIG["replace_autoscaling_group_instances"](self, count_needed, propagated_tags)
    with lc.LOCK:
        for state in [s for s in self.instance_states if id(s) not in known]:
            lc.begin_wait(self.autoscaling_backend, self, state, lc.LAUNCHING)


def terminate_instance(self, instance_id, should_decrement):
    with lc.LOCK:
        found = lc.find_state(self, instance_id)
        if found is None:
            raise ValidationError(
                f"Instance Id not found - No managed instance found for instance ID {instance_id}")
        group, state = found
        original = group.desired_capacity
        if state.lifecycle_state == lc.RETAINED:
            lc.terminate_now(self, group, state)  # retained instances leave only this way
        elif not state.lifecycle_state.startswith("Terminating"):
            if should_decrement and state.lifecycle_state in lc.COUNTED:
                group.desired_capacity = original - 1
            lc.begin_termination(self, group, state)
            group.set_desired_capacity(group.desired_capacity)
        return asg_models.TerminateInstanceActivity(state.instance, original)


def delete_auto_scaling_group(self, group_name):
    with lc.LOCK:
        group = self.autoscaling_groups.get(group_name)
        if group is not None:  # deletion does not wait for lifecycle hooks
            group._ranchhand_deleting = True
            for state in [s for s in group.instance_states if s.lifecycle_state not in lc.COUNTED]:
                lc.terminate_now(self, group, state)
        ORIG["delete_auto_scaling_group"](self, group_name)
        for key in [k for k, h in self.lifecycle_hooks.items() if h.auto_scaling_group_name == group_name]:
            del self.lifecycle_hooks[key]


def delete_lifecycle_hook(self, as_name, name):
    with lc.LOCK:
        for action in [a for a in lc.actions(self).values()
                       if a.group_name == as_name and a.hook_name == name]:
            lc.finish(self, action, "CONTINUE")
        ORIG["delete_lifecycle_hook"](self, as_name, name)


def detach_instances(self, group_name, instance_ids, should_decrement):
    with lc.LOCK:
        lc.drop_actions_for(self, set(instance_ids))
        return ORIG["detach_instances"](self, group_name, instance_ids, should_decrement)


def update_attached_target_groups(self, group_name):
    group = self.autoscaling_groups[group_name]
    ids = [s.instance.id for s in group.instance_states if s.lifecycle_state == "InService"]
    if not group.target_group_arns or not ids:
        return
    for tg in self.elbv2_backend.describe_target_groups(
            target_group_arns=group.target_group_arns, load_balancer_arn=None, names=None):
        self.elbv2_backend.register_targets(tg.arn, [{"Id": i, "Port": tg.port} for i in ids])


# ---------------------------------------------------------------- API patches

def store_hook(backend, group_name, spec, group=None):
    """PutLifecycleHook semantics: omitted fields keep their old value; a target gets a
    TEST_NOTIFICATION first (the hook is not stored when that fails)."""
    name = spec["LifecycleHookName"]
    old = backend.lifecycle_hooks.get(f"{group_name}_{name}")

    def pick(key, attr):
        value = spec.get(key)
        return value if value is not None else getattr(old, attr, None)

    hook = asg_models.LifecycleHook(
        name, group_name, pick("LifecycleTransition", "lifecycle_transition"),
        pick("HeartbeatTimeout", "heartbeat_timeout"), pick("DefaultResult", "default_result"))
    hook.notification_target_arn = pick("NotificationTargetARN", "notification_target_arn")
    hook.role_arn = pick("RoleARN", "role_arn")
    hook.notification_metadata = pick("NotificationMetadata", "notification_metadata")
    hook.global_timeout = min(100 * int(hook.heartbeat_timeout), lc.GLOBAL_TIMEOUT_CAP)
    if group is not None and spec.get("NotificationTargetARN"):
        lc.send_test_notification(backend, group, hook)
    backend.lifecycle_hooks[f"{group_name}_{name}"] = hook
    return hook


def parse_lifecycle_policy(resp):
    policy = resp._get_param("InstanceLifecyclePolicy")
    if policy is None:
        return None
    value = (policy.get("RetentionTriggers") or {}).get("TerminateHookAbandon")
    if value is not None and value not in ("retain", "terminate"):
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at "
            "'instanceLifecyclePolicy.retentionTriggers.terminateHookAbandon' failed to satisfy "
            "constraint: Member must satisfy enum value set: [retain, terminate]")
    return policy


def r_put_lifecycle_hook(self):
    backend = self.autoscaling_backend
    group_name = self._get_param("AutoScalingGroupName")
    group = backend.autoscaling_groups.get(group_name)
    if group is None:
        raise ValidationError(
            f"AutoScalingGroup name not found - AutoScalingGroup '{group_name}' not found")
    keys = ("LifecycleHookName", "LifecycleTransition", "HeartbeatTimeout", "DefaultResult",
            "NotificationTargetARN", "RoleARN", "NotificationMetadata")
    store_hook(backend, group_name, {k: self._get_param(k) for k in keys}, group)
    return EmptyResult()


def r_create_auto_scaling_group(self):
    backend = self.autoscaling_backend
    name = self._get_param("AutoScalingGroupName")
    policy = parse_lifecycle_policy(self)
    specs = self._get_param("LifecycleHookSpecificationList") or []
    for spec in specs:  # hooks exist before the first instances launch, as in AWS
        store_hook(backend, name, spec)
    try:
        result = ORIG["r_create_auto_scaling_group"](self)
    except Exception:
        for spec in specs:
            backend.lifecycle_hooks.pop(f"{name}_{spec['LifecycleHookName']}", None)
        raise
    backend.autoscaling_groups[name].instance_lifecycle_policy = policy
    return result


def r_update_auto_scaling_group(self):
    policy = parse_lifecycle_policy(self)
    result = ORIG["r_update_auto_scaling_group"](self)
    if policy is not None:
        group = self.autoscaling_backend.autoscaling_groups[self._get_param("AutoScalingGroupName")]
        group.instance_lifecycle_policy = policy
    return result


def _action_args(resp):
    return (resp._get_param("AutoScalingGroupName"), resp._get_param("LifecycleHookName"),
            resp._get_param("LifecycleActionToken"), resp._get_param("InstanceId"))


def r_complete_lifecycle_action(self):
    lc.complete(self.autoscaling_backend, *_action_args(self),
                self._get_param("LifecycleActionResult"))
    return EmptyResult()


def r_record_lifecycle_action_heartbeat(self):
    lc.heartbeat(self.autoscaling_backend, *_action_args(self))
    return EmptyResult()


def r_call_action(self):
    with lc.LOCK:
        try:
            lc.sweep(self.autoscaling_backend)  # lazy expiry of heartbeat timeouts
        except Exception:
            pass
        return ORIG["r_call_action"](self)


def install() -> None:
    if ORIG:
        return
    for cls, name, new in [
        (G, "active_instances", active_instances),
        (G, "set_desired_capacity", set_desired_capacity),
        (G, "replace_autoscaling_group_instances", replace_autoscaling_group_instances),
        (B, "terminate_instance", terminate_instance),
        (B, "delete_auto_scaling_group", delete_auto_scaling_group),
        (B, "delete_lifecycle_hook", delete_lifecycle_hook),
        (B, "detach_instances", detach_instances),
        (B, "update_attached_target_groups", update_attached_target_groups),
        (R, "put_lifecycle_hook", r_put_lifecycle_hook),
        (R, "create_auto_scaling_group", r_create_auto_scaling_group),
        (R, "update_auto_scaling_group", r_update_auto_scaling_group),
        (R, "complete_lifecycle_action", r_complete_lifecycle_action),
        (R, "record_lifecycle_action_heartbeat", r_record_lifecycle_action_heartbeat),
        (R, "call_action", r_call_action),
        (R, "describe_scaling_activities", moto_scaling_activities.r_describe_scaling_activities),
    ]:
        key = name if not new.__name__.startswith("r_") else new.__name__
        ORIG[key] = getattr(cls, name, None)
        setattr(cls, name, new)
    events_utils.EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = EVENT_TEMPLATE

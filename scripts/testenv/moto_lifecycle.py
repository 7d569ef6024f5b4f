"""Lifecycle-action engine grafted onto moto 5.2.1's own autoscaling backend.

moto stores lifecycle hooks but never applies them. This module keeps the
pending lifecycle actions of each moto ``AutoScalingBackend`` (attribute
``_ranchhand_actions``, so ``POST /moto-api/reset`` clears them with the backend)
and replaces a few methods of moto's model classes so that instances pass through
``Pending:Wait`` / ``Terminating:Wait`` / ``Terminating:Retained``.
``moto_lifecycle_api.py`` wires the Query API actions onto it; ``moto_launcher.py``
lists the resulting behaviours. Everything that mutates lifecycle state runs
under ``LOCK`` (autoscaling requests, the background sweeper).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import datetime, timezone

from moto.autoscaling import models as asg_models
from moto.autoscaling.exceptions import ValidationError

import moto_scaling_activities as activities

LOCK = threading.RLock()
LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING"
TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"
RETAINED = "Terminating:Retained"  # the API's LifecycleState value for a retained instance
COUNTED = ("InService", "Pending", "Pending:Wait", "Pending:Proceed")  # count toward capacity
GLOBAL_TIMEOUT_CAP = 172800  # 48 h
DETAIL_TYPES = {LAUNCHING: "EC2 Instance-launch Lifecycle Action",
                TERMINATING: "EC2 Instance-terminate Lifecycle Action"}


class Action:
    """One pending lifecycle action: (instance, hook) with its token and deadlines."""

    def __init__(self, hook, group_name: str, instance_id: str, now: float):
        self.token = str(uuid.uuid4())
        self.hook_name = hook.name
        self.group_name = group_name
        self.instance_id = instance_id
        self.transition = hook.lifecycle_transition
        self.heartbeat_timeout = int(hook.heartbeat_timeout)
        self.default_result = hook.default_result or "ABANDON"
        self.global_deadline = now + min(100 * self.heartbeat_timeout, GLOBAL_TIMEOUT_CAP)
        self.deadline = min(now + self.heartbeat_timeout, self.global_deadline)


def actions(backend) -> dict:
    acts = backend.__dict__.get("_ranchhand_actions")
    if acts is None:
        acts = backend._ranchhand_actions = {}
    return acts


def hooks_for(backend, group_name: str, transition: str) -> list:
    return [h for h in backend.lifecycle_hooks.values()
            if h.auto_scaling_group_name == group_name and h.lifecycle_transition == transition]


def find_state(backend, instance_id: str, group_name: str | None = None):
    for group in backend.autoscaling_groups.values():
        if group_name is not None and group.name != group_name:
            continue
        for state in group.instance_states:
            if state.instance.id == instance_id:
                return group, state
    return None


def drop_actions_for(backend, instance_ids) -> None:
    acts = actions(backend)
    for token in [t for t, a in acts.items() if a.instance_id in instance_ids]:
        del acts[token]


def retains_on_abandon(group) -> bool:
    policy = getattr(group, "instance_lifecycle_policy", None) or {}
    return (policy.get("RetentionTriggers") or {}).get("TerminateHookAbandon") == "retain"


def iso_ms(t: float) -> str:
    dt = datetime.fromtimestamp(t, timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


# ---------------------------------------------------------------- notifications

def deliver(arn: str, body: str, subject: str) -> None:
    """Send to an SQS queue or SNS topic living in this moto; raises if it does not exist."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise KeyError(arn)
    service, region, account, resource = parts[2], parts[3], parts[4], parts[5]
    if service == "sqs":
        from moto.sqs import sqs_backends
        sqs_backends[account][region].send_message(queue_name=resource, message_body=body)
    elif service == "sns":
        from moto.sns import sns_backends
        sns_backends[account][region].publish(body, arn=arn, subject=subject)
    else:
        raise KeyError(arn)


def send_test_notification(backend, group, hook) -> None:
    """The autoscaling:TEST_NOTIFICATION AWS sends when a hook gets a target."""
    msg = {"AccountId": backend.account_id, "RequestId": str(uuid.uuid4()),
           "AutoScalingGroupARN": group.arn, "AutoScalingGroupName": group.name,
           "Service": "AWS Auto Scaling", "Event": "autoscaling:TEST_NOTIFICATION",
           "Time": iso_ms(time.time())}
    try:
        deliver(hook.notification_target_arn, json.dumps(msg),
                f'Auto Scaling: test notification for group "{group.name}"')
    except Exception:
        raise ValidationError(
            f"Unable to publish test message to notification target {hook.notification_target_arn} "
            f"using IAM role {hook.role_arn}. Please check your target and role configuration "
            "and try to put lifecycle hook again.")


def notify(backend, group, hook, action: Action) -> None:
    terminating = action.transition == TERMINATING
    origin, dest = ("AutoScalingGroup", "EC2") if terminating else ("EC2", "AutoScalingGroup")
    now = time.time()
    metadata = getattr(hook, "notification_metadata", None)
    if getattr(hook, "notification_target_arn", None):
        raw = {"Origin": origin, "LifecycleHookName": hook.name, "Destination": dest,
               "AccountId": backend.account_id, "RequestId": str(uuid.uuid4()),
               "LifecycleTransition": action.transition, "AutoScalingGroupName": group.name,
               "Service": "AWS Auto Scaling", "Time": iso_ms(now),
               "EC2InstanceId": action.instance_id, "LifecycleActionToken": action.token}
        if metadata:
            raw["NotificationMetadata"] = metadata
        word = "TERMINATING" if terminating else "LAUNCHING"
        try:
            deliver(hook.notification_target_arn, json.dumps(raw),
                    f"Auto Scaling:  Lifecycle action '{word}' for instance {action.instance_id} in progress.")
        except Exception:
            pass  # target deleted since PutLifecycleHook: AWS drops the notification too
    detail = {"LifecycleActionToken": action.token, "AutoScalingGroupName": group.name,
              "LifecycleHookName": hook.name, "EC2InstanceId": action.instance_id,
              "LifecycleTransition": action.transition}
    if metadata:
        detail["NotificationMetadata"] = metadata
    detail["Origin"], detail["Destination"] = origin, dest
    from moto.events import events_backends
    events_backends[backend.account_id][backend.region_name].put_events([{
        "Source": "aws.autoscaling", "DetailType": DETAIL_TYPES[action.transition],
        "Detail": json.dumps(detail), "Resources": [group.arn], "Time": now}])


# ---------------------------------------------------------------- state machine

def begin_wait(backend, group, state, transition: str) -> bool:
    """Put ``state`` into the wait state of ``transition`` if the group has such hooks."""
    hooks = hooks_for(backend, group.name, transition)
    if not hooks or getattr(group, "_ranchhand_deleting", False):
        return False
    state.lifecycle_state = "Terminating:Wait" if transition == TERMINATING else "Pending:Wait"
    now = time.time()
    for hook in hooks:
        action = Action(hook, group.name, state.instance.id, now)
        actions(backend)[action.token] = action
        notify(backend, group, hook, action)
    return True


def terminate_now(backend, group, state) -> None:
    activities.started(backend, group, state.instance.id)  # no hook: the activity starts and ends here
    activities.finished(backend, state.instance.id)
    group.instance_states = [s for s in group.instance_states if s is not state]
    drop_actions_for(backend, {state.instance.id})
    backend.ec2_backend.terminate_instances([state.instance.id])
    try:
        backend.elbv2_backend.notify_terminate_instances([state.instance.id])
    except Exception:
        pass


def begin_termination(backend, group, state) -> None:
    drop_actions_for(backend, {state.instance.id})  # e.g. a launch action still pending
    activities.started(backend, group, state.instance.id)
    if begin_wait(backend, group, state, TERMINATING):
        for arn in list(group.target_group_arns or []):  # AWS deregisters before the wait
            try:
                backend.elbv2_backend.deregister_targets(arn, [{"Id": state.instance.id}])
            except Exception:
                pass
    else:
        terminate_now(backend, group, state)


def refresh_load_balancers(backend, group) -> None:
    if group.name in backend.autoscaling_groups:
        backend.update_attached_elbs(group.name)
        backend.update_attached_target_groups(group.name)


def finish(backend, action: Action, result: str) -> None:
    """Apply CONTINUE/ABANDON for one action (explicit or by timeout)."""
    acts = actions(backend)
    acts.pop(action.token, None)
    found = find_state(backend, action.instance_id, action.group_name)
    if found is None:
        return
    group, state = found
    siblings = [a for a in acts.values()
                if a.instance_id == action.instance_id and a.transition == action.transition]
    if result == "CONTINUE" and siblings:
        return  # other hooks of the same transition are still waiting
    for sibling in siblings:
        acts.pop(sibling.token, None)
    if action.transition == TERMINATING:
        if result == "ABANDON" and retains_on_abandon(group):
            state.lifecycle_state = RETAINED
        else:
            terminate_now(backend, group, state)
    elif result == "ABANDON":
        terminate_now(backend, group, state)
        group.set_desired_capacity(group.desired_capacity)  # launch a replacement
    else:
        state.lifecycle_state = "InService"
        refresh_load_balancers(backend, group)


def find_action(backend, group_name, hook_name, token, instance_id) -> Action:
    if not token and not instance_id:
        raise ValidationError("Either LifecycleActionToken or InstanceId must be specified.")
    for action in actions(backend).values():
        if (action.group_name == group_name and action.hook_name == hook_name
                and (not token or action.token == token)
                and (not instance_id or action.instance_id == instance_id)):
            return action
    if token:
        raise ValidationError(f"No active Lifecycle Action found with token {token}")
    raise ValidationError(f"No active Lifecycle Action found with instance ID {instance_id}")


def heartbeat(backend, group_name, hook_name, token, instance_id) -> None:
    action = find_action(backend, group_name, hook_name, token, instance_id)
    action.deadline = min(time.time() + action.heartbeat_timeout, action.global_deadline)


def complete(backend, group_name, hook_name, token, instance_id, result) -> None:
    if result not in ("CONTINUE", "ABANDON"):
        raise ValidationError(f"Invalid LifecycleActionResult: {result}. Valid values are CONTINUE, ABANDON.")
    finish(backend, find_action(backend, group_name, hook_name, token, instance_id), result)


def sweep(backend, now: float | None = None) -> None:
    """Apply DefaultResult to expired actions; forget actions whose instance left the group."""
    now = time.time() if now is None else now
    acts = actions(backend)
    for action in list(acts.values()):
        if action.token not in acts:
            continue
        if find_state(backend, action.instance_id, action.group_name) is None:
            acts.pop(action.token, None)
        elif now >= action.deadline:
            finish(backend, action, action.default_result)


def sweep_all() -> None:
    for regions in list(asg_models.autoscaling_backends.values()):
        for backend in list(regions.values()):
            if backend.__dict__.get("_ranchhand_actions"):
                with LOCK:
                    sweep(backend)


def start_sweeper(interval: float) -> threading.Thread:
    def loop() -> None:
        while True:
            time.sleep(interval)
            try:
                sweep_all()
            except Exception:  # a concurrent /moto-api/reset may pull the rug; try again later
                pass
    thread = threading.Thread(target=loop, name="lifecycle-sweeper", daemon=True)
    thread.start()
    return thread

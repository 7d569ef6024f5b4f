#!/usr/bin/env python3
"""Run moto 5.2.1 in-process on 127.0.0.1, with Auto Scaling lifecycle hooks that work.

Usage: moto_launcher.py [--port 0] [--check-signatures [--no-auth-count N]]
                        [--sweep-interval S] [--exit-on-stdin-eof] [--verbose]

Prints exactly one line to stdout, ``READY http://127.0.0.1:<port>``, once the server
has answered a request; exits 0 on SIGTERM/SIGINT. Request logs go to stderr only
with --verbose. The server is moto's own ``ThreadedMotoServer`` (werkzeug, threaded);
``POST /moto-api/reset`` clears every backend, lifecycle actions included.

How each lifecycle action ended (completed, or timed out: a lost hook) is served at
``GET /moto-api/ranchhand/lifecycle`` (moto_lifecycle_stats.py).

DynamoDB's conditional writes are made atomic (moto_dynamodb_atomic.py: moto checks a
ConditionExpression and writes in two unlocked steps across its request threads).

Behaviours added to moto's autoscaling backend (moto 5.2.1 has none of them):

1. Wait states. When a group has an ``autoscaling:EC2_INSTANCE_TERMINATING`` hook, an
   instance leaving it through TerminateInstanceInAutoScalingGroup or a scale-in
   (SetDesiredCapacity, UpdateAutoScalingGroup, ExecutePolicy) goes to
   ``Terminating:Wait`` instead of vanishing; the EC2 instance keeps running and is
   deregistered from the group's target groups. With an
   ``autoscaling:EC2_INSTANCE_LAUNCHING`` hook, every instance the group launches while
   the hook exists (scale-out, replacements, and the first instances when the hook comes
   from CreateAutoScalingGroup's LifecycleHookSpecificationList) starts in
   ``Pending:Wait``. Wait states show in DescribeAutoScalingInstances and
   DescribeAutoScalingGroups. Each (instance, hook) pair gets a lifecycle action token.
   Instances in Pending:Wait count toward desired capacity; Terminating:* do not, so a
   replacement is launched at once when the capacity was not decremented.
2. Notifications. Per action, the RAW JSON message (Origin, LifecycleHookName,
   Destination, AccountId, RequestId, LifecycleTransition, AutoScalingGroupName, Service,
   Time with milliseconds, EC2InstanceId, LifecycleActionToken, NotificationMetadata when
   the hook has metadata) goes to the hook's NotificationTargetARN when that is an SQS
   queue (or SNS topic) in this moto; and an EventBridge event (source
   ``aws.autoscaling``, detail-type ``EC2 Instance-launch|terminate Lifecycle Action``,
   resources = [group ARN], detail as AWS sends it) is put on the default event bus
   through moto's events backend, so rules with SQS targets receive it.
3. PutLifecycleHook stores NotificationTargetARN, RoleARN and NotificationMetadata
   (moto drops them and reports a fixed fake queue), keeps omitted fields on update,
   reports GlobalTimeout = min(100 x HeartbeatTimeout, 172800), sends the
   ``autoscaling:TEST_NOTIFICATION`` message to a new target, and fails with AWS's
   ValidationError "Unable to publish test message to notification target ..." when the
   target does not exist. The group must exist. HeartbeatTimeout below AWS's minimum of
   30 s is accepted (moto does not check it) so tests can use 1-2 s timeouts.
4. RecordLifecycleActionHeartbeat: finds the action by group + hook + token and/or
   instance id and moves its deadline to now + HeartbeatTimeout, capped by the global
   timeout. CompleteLifecycleAction (CONTINUE | ABANDON), same lookup: terminate hook ->
   instance removed from the group and terminated in EC2; launch hook -> CONTINUE makes
   it InService, ABANDON terminates it (and the group launches a replacement). With
   several hooks, the transition proceeds when every action is CONTINUEd; one ABANDON
   ends it. Unknown group/hook/token/instance, or an action already completed or
   expired -> 400 ValidationError in Query XML: "No active Lifecycle Action found with
   token <t>" or "... with instance ID <i>" (AWS's texts).
5. Timeouts: an action whose heartbeat timeout (or global timeout) passed gets the
   hook's DefaultResult. Applied lazily at the start of every autoscaling API call and
   by a background sweeper every --sweep-interval seconds (default 0.5).
6. InstanceLifecyclePolicy.RetentionTriggers.TerminateHookAbandon = retain|terminate on
   CreateAutoScalingGroup / UpdateAutoScalingGroup, returned by
   DescribeAutoScalingGroups. With ``retain``, ABANDON (explicit or by timeout) on a
   terminate hook leaves the instance in lifecycle state ``Terminating:Retained`` (the
   API's name for "Retained"), still running, not counted toward capacity, until
   TerminateInstanceInAutoScalingGroup terminates it.
7. Smaller fixes met on the way: TerminateInstanceInAutoScalingGroup on an unknown id
   -> ValidationError "Instance Id not found - No managed instance found for instance
   ID <i>" instead of HTML 500; DeleteAutoScalingGroup removes the group's hooks and does
   not wait for them; DetachInstances forgets pending actions; target groups get only
   InService instances; EventBridge events delivered to targets carry ``account``.
8. DescribeScalingActivities returns a terminate activity per instance that began
   terminating (InProgress through the hook's wait, then Successful with an EndTime),
   newest first, so the scale-in budget's window sees departed nodes
   (moto_scaling_activities.py). Launch activities are not recorded.

Signature checking (--check-signatures): sets INITIAL_NO_AUTH_ACTION_COUNT (default 4)
before moto is imported. The first N AWS API calls are not authenticated; use three of
them to bootstrap: iam CreateUser, iam CreateAccessKey, iam PutUserPolicy with
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]},
then sign everything with that key. A wrong signature then gets 403
SignatureDoesNotMatch, an unknown key 403 InvalidClientTokenId. After
``POST /moto-api/reset`` (which deletes the user) also ``POST /moto-api/reset-auth`` with
body ``4`` to get N free calls again. moto wrongly rejects signed GETs in this mode
(see testing-here.md): use it for POST signature tests only.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import urllib.error
import urllib.request


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="moto on 127.0.0.1 with lifecycle hooks")
    p.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    p.add_argument("--check-signatures", action="store_true",
                   help="verify SigV4 after --no-auth-count unauthenticated calls")
    p.add_argument("--no-auth-count", type=int, default=4)
    p.add_argument("--sweep-interval", type=float, default=0.5,
                   help="seconds between heartbeat-timeout sweeps (0 = only lazily)")
    p.add_argument("--exit-on-stdin-eof", action="store_true",
                   help="also exit when stdin closes (the spawning process died)")
    p.add_argument("--verbose", action="store_true", help="request log on stderr")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    # moto reads INITIAL_NO_AUTH_ACTION_COUNT when moto.settings is imported.
    if args.check_signatures:
        os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = str(args.no_auth_count)
    else:
        os.environ.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import moto_dynamodb_atomic
    import moto_lifecycle
    import moto_lifecycle_patches
    import moto_lifecycle_stats
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto_lifecycle_patches.install()
    moto_dynamodb_atomic.install()
    moto_lifecycle_stats.install()
    if args.sweep_interval > 0:
        moto_lifecycle.start_sweeper(args.sweep_interval)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if args.exit_on_stdin_eof:
        def watch_stdin() -> None:
            while sys.stdin.buffer.read(4096):
                pass
            stop.set()
        threading.Thread(target=watch_stdin, daemon=True).start()

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://127.0.0.1:{port}"
    wait_until_answering(url)
    sys.stdout.write(f"READY {url}\n")
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    server.stop()
    return 0


def wait_until_answering(url: str, attempts: int = 100) -> None:
    """GET /moto-api/reset-auth answers 400 without touching any state."""
    for _ in range(attempts):
        try:
            urllib.request.urlopen(url + "/moto-api/reset-auth", timeout=5).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            threading.Event().wait(0.05)
    raise RuntimeError(f"moto at {url} does not answer")


if __name__ == "__main__":
    sys.exit(main())

"""Process level: READY/SIGTERM, start.sh/stop.sh, --exit-on-stdin-eof, --sweep-interval 0,
--check-signatures."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from botocore.exceptions import ClientError

from asg_env import Env, error_of
from conftest import HERE, Server, client, post


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by init) counts as gone
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except OSError:
        return True


def test_start_writes_env_file_and_stop_ends_both(tmp_path):
    env_file = tmp_path / "testenv.env"
    subprocess.run([str(HERE / "start.sh"), str(env_file)], check=True, timeout=120)
    values = dict(re.findall(r"^export (\w+)=(\S+)$", env_file.read_text(), re.M))
    assert sorted(values) == ["RANCHHAND_TEST_FAULT_PROXY_PID", "RANCHHAND_TEST_FAULT_PROXY_URL",
                              "RANCHHAND_TEST_MOTO_PID", "RANCHHAND_TEST_MOTO_URL",
                              "RANCHHAND_TEST_PROMETHEUS_PID", "RANCHHAND_TEST_PROMETHEUS_URL"]
    pids = [int(values[k]) for k in ("RANCHHAND_TEST_MOTO_PID", "RANCHHAND_TEST_FAULT_PROXY_PID",
                                     "RANCHHAND_TEST_PROMETHEUS_PID")]
    try:
        for key in ("RANCHHAND_TEST_MOTO_URL", "RANCHHAND_TEST_FAULT_PROXY_URL"):
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", values[key])
            sqs = client("sqs", values[key])
            assert "QueueUrl" in sqs.create_queue(QueueName="q" + key[-3:].lower())
        # The backfilled NASA trace: the minute 1995-07-01T04:00Z (42 requests) stamped at its end.
        query = urllib.parse.urlencode({"query": "ranchhand_trace_load", "time": "804571260"})
        with urllib.request.urlopen(values["RANCHHAND_TEST_PROMETHEUS_URL"] + "/api/v1/query?" + query, timeout=10) as r:
            answer = json.load(r)
        assert answer["data"]["result"][0]["value"] == [804571260, "42"]
        assert all(alive(p) for p in pids)
    finally:
        subprocess.run([str(HERE / "stop.sh"), str(env_file)], check=True, timeout=60)
    assert not env_file.exists()
    deadline = time.time() + 5
    while any(alive(p) for p in pids) and time.time() < deadline:
        time.sleep(0.1)
    assert not any(alive(p) for p in pids)


def test_launcher_exits_when_stdin_closes():
    proc = subprocess.Popen([sys.executable, str(HERE / "moto_launcher.py"), "--port", "0",
                             "--exit-on-stdin-eof"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout.readline().startswith("READY http://127.0.0.1:")
    proc.stdin.close()
    assert proc.wait(timeout=15) == 0


def test_ready_line_and_clean_exit_on_sigterm():
    server = Server("moto_launcher.py", "--port", "0")
    assert re.fullmatch(r"READY http://127\.0\.0\.1:\d+", server.first_line)
    assert client("sts", server.url).get_caller_identity()["Account"] == "123456789012"
    assert server.stop() == 0
    assert server.lines.empty(), "exactly one stdout line expected"


def test_lazy_expiry_without_sweeper():
    server = Server("moto_launcher.py", "--port", "0", "--sweep-interval", "0")
    try:
        env = Env(server.url)
        env.group(desired=1)
        env.hook(HeartbeatTimeout=1, DefaultResult="CONTINUE")
        (victim,) = env.states()
        env.asg.terminate_instance_in_auto_scaling_group(InstanceId=victim,
                                                         ShouldDecrementDesiredCapacity=True)
        time.sleep(1.5)
        assert env.ec2_state(victim) == "running"  # nothing happened yet: expiry is lazy
        assert env.states() == {}  # ...and this autoscaling call applied it first
        assert env.ec2_state(victim) == "terminated"
    finally:
        assert server.stop() == 0


def test_check_signatures_mode_bootstraps_an_iam_user():
    server = Server("moto_launcher.py", "--port", "0", "--check-signatures")
    try:
        iam = client("iam", server.url)
        iam.create_user(UserName="ci")
        key = iam.create_access_key(UserName="ci")["AccessKey"]
        iam.put_user_policy(UserName="ci", PolicyName="all", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        good = client("autoscaling", server.url, key=key["AccessKeyId"],
                      secret=key["SecretAccessKey"])
        assert good.describe_auto_scaling_groups()["AutoScalingGroups"] == []
        bad = client("autoscaling", server.url, key=key["AccessKeyId"], secret="wrong")
        with pytest.raises(ClientError) as exc:
            bad.describe_auto_scaling_groups()
        assert error_of(exc)[:2] == (403, "SignatureDoesNotMatch")
        with pytest.raises(ClientError) as exc:
            client("autoscaling", server.url, key="AKIAUNKNOWNUNKNOWN00").describe_auto_scaling_groups()
        assert error_of(exc)[:2] == (403, "InvalidClientTokenId")
        post(server.url + "/moto-api/reset")
        post(server.url + "/moto-api/reset-auth", b"4")  # free calls again after a reset
        client("iam", server.url).create_user(UserName="ci")
    finally:
        assert server.stop() == 0

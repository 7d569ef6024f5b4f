"""seed.py: every command against a launcher moto, checked with boto3."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from conftest import HERE, client


def seed(url, command, arguments=None):
    out = subprocess.run([sys.executable, str(HERE / "seed.py"), "--endpoint", url, command,
                          json.dumps(arguments or {})], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_group_with_hook_and_queue_then_terminate(moto_url):
    g = seed(moto_url, "group", {"name": "sg", "desired": 2, "hook": {"name": "drain"}, "queue": True})
    assert len(g["instanceIds"]) == 2 and g["hook"] == "drain" and g["queueArn"].endswith(":sg-hook")
    counts = seed(moto_url, "queue-counts", {"queueUrl": g["queueUrl"]})
    assert counts == {"visible": 0, "inFlight": 0}  # TEST_NOTIFICATION drained
    victim = g["instanceIds"][0]
    seed(moto_url, "terminate", {"instanceId": victim})
    assert seed(moto_url, "group-states", {"name": "sg"})["states"][victim] == "Terminating:Wait"
    assert seed(moto_url, "ec2-states", {"instanceIds": [victim]})["states"][victim] == "running"


def test_instances_parameters_queue(moto_url):
    ids = seed(moto_url, "instances", {"count": 2, "reservations": 3, "tags": {"k": "v"}})["instanceIds"]
    assert len(ids) == 6
    seed(moto_url, "parameters", {"parameters": [{"name": "/t/s", "type": "SecureString", "value": "x"}]})
    got = client("ssm", moto_url).get_parameter(Name="/t/s", WithDecryption=True)["Parameter"]
    assert got["Value"] == "x" and got["Type"] == "SecureString"
    q = seed(moto_url, "queue", {"name": "sq", "messages": [{"body": "b", "attributes": {"a": "1"}}]})
    assert seed(moto_url, "queue-counts", {"queueUrl": q["queueUrl"]}) == {"visible": 1, "inFlight": 0}
    assert seed(moto_url, "send", {"queueUrl": q["queueUrl"], "body": "c"})["messageId"]
    assert seed(moto_url, "queue-counts", {"queueUrl": q["queueUrl"]}) == {"visible": 2, "inFlight": 0}


def test_zone_records_load_balancer(moto_url):
    z = seed(moto_url, "zone", {"name": "seed.example.com", "records": [
        {"name": f"n{i}.seed.example.com", "type": "A", "values": [f"10.0.0.{i}"]} for i in range(450)]})
    records = seed(moto_url, "records", {"zoneId": z["zoneId"]})["records"]
    assert len([r for r in records if r["type"] == "A"]) == 450
    lb = seed(moto_url, "load-balancer", {"name": "seed-lb"})
    assert lb["dnsName"].startswith("seed-lb") and lb["canonicalHostedZoneId"]


def test_metrics_round_trip(moto_url):
    now = int(time.time()) // 60 * 60 - 300
    seed(moto_url, "metrics", {"namespace": "S", "metricName": "m", "dimensions": {"d": "1"},
                               "points": [{"timestamp": now, "value": 2}, {"timestamp": now + 60, "value": 3}]})
    got = seed(moto_url, "metric-sum", {"namespace": "S", "metricName": "m", "dimensions": {"d": "1"},
                                        "start": now, "end": now + 120, "period": 60})
    assert got == {"sum": 5.0, "count": 2.0}

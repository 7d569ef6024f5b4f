"""fault_proxy.py: byte-for-byte forwarding, control API, every fault kind and preset."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from conftest import Server, client, post

SAMPLES = Path("/work/shared/reference/samples/dns")


class Echo:
    """Upstream that records raw requests and answers 201 with a fixed binary body."""

    BODY = bytes(range(256)) * 4

    def __init__(self):
        self.seen = []
        echo = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_any(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                echo.seen.append((self.command, self.path, list(self.headers.items()), body))
                self.send_response(201, "Made It")
                self.send_header("X-Upstream", "yes")
                self.send_header("Set-Cookie", "a=1")
                self.send_header("Set-Cookie", "b=2")
                self.send_header("Content-Length", str(len(Echo.BODY)))
                self.end_headers()
                self.wfile.write(Echo.BODY)

            do_GET = do_POST = do_PUT = do_DELETE = do_any

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Proxy(Server):
    def __init__(self, upstream, *args):
        super().__init__("fault_proxy.py", "--port", "0", "--upstream", upstream, *args)
        self.port = int(self.url.rsplit(":", 1)[1])

    def rules(self, *rules, seed=None):
        doc = {"rules": list(rules), **({"seed": seed} if seed is not None else {})}
        return json.loads(post(self.url + "/__faults__/rules", json.dumps(doc).encode()))

    def request(self, method, path, body=None, headers=None, **kw):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {}, **kw)
            resp = conn.getresponse()
            return resp.status, resp.getheaders(), resp.read()
        finally:
            conn.close()

    def log(self):
        return json.loads(self.request("GET", "/__faults__/log")[2])


@pytest.fixture
def echo():
    upstream = Echo()
    yield upstream
    upstream.close()


@pytest.fixture
def proxy_echo(echo):
    proxy = Proxy(echo.url, "--seed", "7")
    yield proxy
    assert proxy.stop() == 0


@pytest.fixture
def proxy_moto(moto_url):
    proxy = Proxy(moto_url)
    yield proxy
    assert proxy.stop() == 0


def code_of(excinfo):
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"], excinfo.value.response["Error"]["Code"]


def test_forwards_request_and_response_byte_for_byte(proxy_echo, echo):
    body = b"\x00\x01binary\xff" * 10
    conn = http.client.HTTPConnection("127.0.0.1", proxy_echo.port, timeout=10)
    conn.putrequest("POST", "/a%2Fb/c?x=1&y=%20z&Action=Nope", skip_host=True, skip_accept_encoding=True)
    sent = [("Host", "example.internal:9999"), ("Authorization", "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/autoscaling/aws4_request, SignedHeaders=host, Signature=abc"),
            ("X-Amz-Date", "20260101T000000Z"), ("x-MiXeD-Case", "v1"), ("X-Dup", "1"), ("X-Dup", "2"),
            ("Content-Type", "application/octet-stream"), ("Content-Length", str(len(body)))]
    for key, value in sent:
        conn.putheader(key, value)
    conn.endheaders(body)
    resp = conn.getresponse()
    data, headers = resp.read(), resp.getheaders()
    conn.close()
    method, path, got_headers, got_body = echo.seen[0]
    assert (method, path, got_body) == ("POST", "/a%2Fb/c?x=1&y=%20z&Action=Nope", body)
    assert got_headers == sent
    assert (resp.status, resp.reason, data) == (201, "Made It", Echo.BODY)
    assert ("X-Upstream", "yes") in headers
    assert [v for k, v in headers if k == "Set-Cookie"] == ["a=1", "b=2"]


def test_chunked_request_is_forwarded_with_content_length(proxy_echo, echo):
    status, _, _ = proxy_echo.request("PUT", "/up", body=iter([b"hello ", b"world"]),
                                      headers={"Transfer-Encoding": "chunked"}, encode_chunked=True)
    assert status == 201
    _, _, headers, body = echo.seen[0]
    assert body == b"hello world" and ("Content-Length", "11") in headers
    assert "transfer-encoding" not in {k.lower() for k, _ in headers}


def test_control_api_is_never_forwarded_and_validates(proxy_echo, echo):
    assert json.loads(proxy_echo.request("GET", "/__faults__/presets")[2]) == sorted([
        "query-throttling", "ec2-request-limit-exceeded", "route53-throttling",
        "route53-prior-request-not-complete", "json-throttling", "html-500"])
    status, _, body = proxy_echo.request("POST", "/__faults__/rules",
                                         body=json.dumps({"rules": [{"fault": {"preset": "nope"}}]}))
    assert status == 400 and "unknown preset" in json.loads(body)["error"]
    assert proxy_echo.request("POST", "/__faults__/rules", body=b"{not json")[0] == 400
    proxy_echo.rules({"fault": {"status": 418}})
    assert json.loads(proxy_echo.request("DELETE", "/__faults__/rules")[2])["rules"][0]["fault"] == {"status": 418}
    assert proxy_echo.request("GET", "/x")[0] == 201
    assert echo.seen[0][1] == "/x" and len(echo.seen) == 1


def test_one_rule_is_removed_by_its_id_and_the_others_stay(proxy_echo, echo):
    first, second = proxy_echo.rules({"match": {"path": "/a"}, "fault": {"status": 418}},
                                      {"match": {"path": "/b"}, "fault": {"status": 419}})["rules"]
    status, _, body = proxy_echo.request("DELETE", f"/__faults__/rules/{first['id']}")
    assert status == 200 and json.loads(body)["rules"][0]["id"] == first["id"]
    assert proxy_echo.request("DELETE", f"/__faults__/rules/{first['id']}")[0] == 404
    assert proxy_echo.request("GET", "/a")[0] == 201, "forwarded once its rule is gone"
    assert proxy_echo.request("GET", "/b")[0] == 419
    proxy_echo.request("DELETE", "/__faults__/rules")


def test_boto3_through_proxy_action_match_times(proxy_moto):
    asg = client("autoscaling", proxy_moto.url)
    proxy_moto.rules({"match": {"action": "DescribeAutoScalingGroups", "service": "autoscaling"},
                      "fault": {"preset": "query-throttling"}, "times": 2})
    for _ in range(2):
        with pytest.raises(ClientError) as exc:
            asg.describe_auto_scaling_groups()
        assert code_of(exc) == (400, "Throttling")
        assert exc.value.response["Error"]["Message"] == "Rate exceeded"
    assert asg.describe_launch_configurations()["LaunchConfigurations"] == []
    assert asg.describe_auto_scaling_groups()["AutoScalingGroups"] == []
    log = proxy_moto.log()
    assert [(e["action"], e["status"], e["faulted"]) for e in log] == [
        ("DescribeAutoScalingGroups", 400, True), ("DescribeAutoScalingGroups", 400, True),
        ("DescribeLaunchConfigurations", 200, False), ("DescribeAutoScalingGroups", 200, False)]
    assert log[0]["fault"] == "preset:query-throttling" and log[0]["service"] == "autoscaling"
    rules = json.loads(proxy_moto.request("GET", "/__faults__/rules")[2])["rules"]
    assert rules[0]["applied"] == 2


def test_json_target_match_and_custom_status(proxy_moto):
    sqs = client("sqs", proxy_moto.url)
    queue = sqs.create_queue(QueueName="q")["QueueUrl"]
    proxy_moto.rules({"match": {"target": "AmazonSQS.ReceiveMessage"}, "fault": {"preset": "json-throttling"}, "times": 1},
                     {"match": {"target": "AmazonSSM.GetParameter"},
                      "fault": {"status": 400, "body": '{"__type":"ParameterNotFound","message":"nope"}'}})
    sqs.send_message(QueueUrl=queue, MessageBody="hi")
    with pytest.raises(ClientError) as exc:
        sqs.receive_message(QueueUrl=queue)
    assert code_of(exc) == (400, "ThrottlingException")
    assert sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"] == "hi"
    with pytest.raises(ClientError) as exc:
        client("ssm", proxy_moto.url).get_parameter(Name="/x")
    assert code_of(exc) == (400, "ParameterNotFound")
    assert [e["target"] for e in proxy_moto.log() if e["faulted"]] == ["AmazonSQS.ReceiveMessage", "AmazonSSM.GetParameter"]


def test_ec2_request_limit_exceeded(proxy_moto):
    proxy_moto.rules({"match": {"action": "DescribeInstances"}, "fault": {"preset": "ec2-request-limit-exceeded"}})
    with pytest.raises(ClientError) as exc:
        client("ec2", proxy_moto.url).describe_instances()
    assert code_of(exc) == (503, "RequestLimitExceeded")


def test_route53_presets_are_the_recorded_samples(proxy_moto):
    r53 = client("route53", proxy_moto.url)
    zone = r53.create_hosted_zone(Name="example.com", CallerReference="1")["HostedZone"]["Id"]
    proxy_moto.rules({"match": {"method": "GET", "path": "/2013-04-01/hostedzone"}, "fault": {"preset": "route53-throttling"}, "times": 1},
                     {"match": {"method": "POST", "pathPrefix": "/2013-04-01/hostedzone/", "bodyContains": "UPSERT"},
                      "fault": {"preset": "route53-prior-request-not-complete"}, "times": 1})
    with pytest.raises(ClientError) as exc:
        r53.list_hosted_zones()
    assert code_of(exc) == (400, "Throttling")
    batch = {"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
        "Name": "a.example.com", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "10.0.0.1"}]}}]}
    with pytest.raises(ClientError) as exc:
        r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch)
    assert code_of(exc) == (400, "PriorRequestNotComplete")
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch)
    assert len(r53.list_hosted_zones()["HostedZones"]) == 1
    proxy_moto.rules({"match": {"path": "/raw"}, "fault": {"preset": "route53-throttling"}},
                     {"match": {"path": "/raw2"}, "fault": {"preset": "route53-prior-request-not-complete"}})
    for path, sample in (("/raw", "route53-error-Throttling.xml"),
                         ("/raw2", "route53-error-PriorRequestNotComplete.xml")):
        status, headers, body = proxy_moto.request("GET", path)
        assert status == 400 and dict(headers)["Content-Type"] == "text/xml"
        if SAMPLES.exists():
            assert body == (SAMPLES / sample).read_bytes()


def test_html_500_and_latency(proxy_echo, echo):
    proxy_echo.rules({"match": {"path": "/boom"}, "fault": {"preset": "html-500"}},
                     {"match": {"path": "/slow"}, "fault": {"latencyMs": 400}})
    status, headers, body = proxy_echo.request("GET", "/boom")
    assert status == 500 and dict(headers)["Content-Type"].startswith("text/html")
    assert body.startswith(b"<!doctype html>")
    start = time.monotonic()
    assert proxy_echo.request("GET", "/slow")[0] == 201
    assert time.monotonic() - start >= 0.4
    assert [p for _, p, _, _ in echo.seen] == ["/slow"]


def test_drop_variants(proxy_echo, echo):
    proxy_echo.rules({"match": {"path": "/drop"}, "fault": {"drop": True}},
                     {"match": {"path": "/drop-after"}, "fault": {"drop": True, "forward": True}},
                     {"match": {"path": "/reset"}, "fault": {"drop": True, "reset": True}})
    with pytest.raises(http.client.RemoteDisconnected):
        proxy_echo.request("POST", "/drop", body=b"x")
    with pytest.raises(http.client.RemoteDisconnected):
        proxy_echo.request("POST", "/drop-after", body=b"x")
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        proxy_echo.request("POST", "/reset", body=b"x")
    assert [p for _, p, _, _ in echo.seen] == ["/drop-after"]
    log = proxy_echo.log()
    assert [(e["path"], e["status"], e["fault"]) for e in log] == [
        ("/drop", None, "drop"), ("/drop-after", None, "drop"), ("/reset", None, "drop")]


def test_truncated_body(proxy_echo, echo):
    proxy_echo.rules({"match": {"path": "/t"}, "fault": {"truncateBody": True}})
    conn = http.client.HTTPConnection("127.0.0.1", proxy_echo.port, timeout=10)
    conn.request("GET", "/t")
    resp = conn.getresponse()
    assert resp.status == 201 and resp.getheader("Content-Length") == str(len(Echo.BODY))
    with pytest.raises(http.client.IncompleteRead) as exc:
        resp.read()
    assert exc.value.partial == Echo.BODY[: len(Echo.BODY) // 2]
    assert proxy_echo.log()[0]["fault"] == "truncateBody"


def test_probability_is_reproducible_with_a_seed(echo):
    patterns = []
    for _ in range(2):
        proxy = Proxy(echo.url, "--seed", "42")
        try:
            proxy.rules({"fault": {"status": 503, "body": "<x/>"}, "probability": 0.5})
            patterns.append([proxy.request("GET", f"/p{i}")[0] for i in range(20)])
        finally:
            proxy.stop()
    assert patterns[0] == patterns[1]
    assert set(patterns[0]) == {201, 503}


def test_upstream_down_gives_502(echo):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    proxy = Proxy(f"http://127.0.0.1:{port}")
    try:
        assert proxy.request("GET", "/")[0] == 502
        assert proxy.log()[0]["status"] == 502
    finally:
        proxy.stop()


def test_signatures_survive_the_proxy():
    moto = Server("moto_launcher.py", "--port", "0", "--check-signatures")
    proxy = Proxy(moto.url)
    try:
        iam = client("iam", proxy.url)
        iam.create_user(UserName="ci")
        key = iam.create_access_key(UserName="ci")["AccessKey"]
        iam.put_user_policy(UserName="ci", PolicyName="all", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        signed = client("autoscaling", proxy.url, key=key["AccessKeyId"], secret=key["SecretAccessKey"])
        assert signed.describe_auto_scaling_groups()["AutoScalingGroups"] == []
        wrong = client("autoscaling", proxy.url, key=key["AccessKeyId"], secret="x")
        with pytest.raises(ClientError) as exc:
            wrong.describe_auto_scaling_groups()
        assert code_of(exc) == (403, "SignatureDoesNotMatch")
    finally:
        assert proxy.stop() == 0
        assert moto.stop() == 0

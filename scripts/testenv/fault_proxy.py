#!/usr/bin/env python3
"""Fault-injecting HTTP/1.1 reverse proxy for tests (127.0.0.1 only, stdlib only).

Usage: fault_proxy.py --upstream http://127.0.0.1:PORT [--port 0] [--seed N] [--verbose]
Prints ``READY http://127.0.0.1:<port>`` once it answers; exits 0 on SIGTERM/SIGINT.

Every request is forwarded to the upstream unchanged (method, raw path and query,
headers in order with their case, Host and Authorization included, body); only
``Expect`` is dropped and a chunked request body is re-sent with Content-Length. The
upstream answer is relayed with its status, reason, headers and body (hop-by-hop
headers aside). Control API, never forwarded:

  POST   /__faults__/rules  {"rules":[RULE...], "seed": N?}  append rules -> {"rules":[{"id":..}]}
  GET    /__faults__/rules  rules with "applied" counts
  DELETE /__faults__/rules  remove all rules
  DELETE /__faults__/rules/ID  remove one rule (a test's own, in a proxy tests share) -> {"rules":[it]}
  GET    /__faults__/log    [{"seq","method","path","action","target","service","status",
                              "faulted","fault","rule"}...]   (DELETE clears it)
  GET    /__faults__/presets

RULE = {"match": {"method","path","pathPrefix","target","action","service","bodyContains"}
        (all optional, all must hold), "fault": FAULT, "times": N (next N matching requests;
        default unlimited), "probability": p (default 1; drawn from --seed's generator)}.
FAULT = {"status": 400, "body": "...", "headers": {...}} | {"preset": NAME} |
        {"latencyMs": 2000} (then forwarded, or combined with status/preset/drop) |
        {"drop": true, "forward": false, "reset": false} (close without answering; forward
        first if "forward"; TCP RST if "reset") | {"truncateBody": true} (forward, announce
        the full Content-Length, send half the body, close).
``action`` is the Query/EC2 ``Action=`` (form body or query string), ``target`` the
X-Amz-Target header, ``service`` the SigV4 credential-scope service. The first active
matching rule wins. Presets: see fault_presets.py.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_presets  # noqa: E402
from fault_rules import Request, Rule, State, fault_kind  # noqa: E402

CONTROL = "/__faults__"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length",
              "proxy-connection", "te", "trailer", "upgrade"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ranchhand-fault-proxy"

    def do_any(self):
        body = self.read_body()
        if self.path.startswith(CONTROL):
            return self.control(body)
        req = Request(self.command, self.path, list(self.headers.items()), body)
        rule = self.server.state.pick(req)
        fault = rule.fault if rule else {}
        entry = {"time": time.time(), "method": req.method, "path": req.path,
                 "action": req.action, "target": req.target, "service": req.service,
                 "status": None, "faulted": rule is not None, "rule": rule and rule.id,
                 "fault": fault_kind(fault)}
        # The log entry is written before the client sees any answer, so a test that
        # reads /__faults__/log right after a response always finds its request there.
        reset, record = bool(fault.get("reset")), self.server.state.record
        try:
            if fault.get("latencyMs"):
                time.sleep(float(fault["latencyMs"]) / 1000.0)
            if "status" in fault or "preset" in fault:
                status, headers, data = render_fault(fault, req)
                entry["status"] = status
                record(entry)
                return self.reply(status, headers, data)
            if fault.get("drop"):
                if fault.get("forward"):
                    self.forward(req)
                record(entry)
                return self.hang_up(reset)
            status, reason, headers, data = self.forward(req)
        except (OSError, http.client.HTTPException) as exc:
            entry["error"] = repr(exc)
            if fault.get("drop"):
                record(entry)
                return self.hang_up(reset)
            entry["status"] = 502
            record(entry)
            return self.reply(502, {"Content-Type": "text/plain"}, f"upstream error: {exc!r}".encode())
        entry["status"] = status
        record(entry)
        self.relay(status, reason, headers, data, truncate=bool(fault.get("truncateBody")))

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_any

    def read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def forward(self, req: Request):
        up = self.server.upstream
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=self.server.upstream_timeout)
        try:
            conn.putrequest(req.method, up.path.rstrip("/") + req.path,
                            skip_host=True, skip_accept_encoding=True)
            chunked = False
            for key, value in req.headers:
                low = key.lower()
                if low == "expect":
                    continue
                if low == "transfer-encoding":
                    chunked = True
                    continue
                conn.putheader(key, value)
            if chunked:
                conn.putheader("Content-Length", str(len(req.body)))
            conn.endheaders(req.body or None)
            resp = conn.getresponse()
            return resp.status, resp.reason, resp.getheaders(), resp.read()
        finally:
            conn.close()

    def relay(self, status, reason, headers, data, truncate=False):
        self.send_response_only(status, reason)
        length = str(len(data))
        for key, value in headers:
            if key.lower() == "content-length" and self.command == "HEAD":
                length = value
            elif key.lower() not in HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", length)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data[: len(data) // 2] if truncate else data)
        if truncate:
            self.wfile.flush()
            self.hang_up(reset=False)

    def reply(self, status: int, headers: dict, body: bytes) -> None:
        self.send_response_only(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Date", self.date_time_string())
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def hang_up(self, reset: bool) -> None:
        self.close_connection = True
        try:
            if reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def control(self, body: bytes) -> None:
        state, path = self.server.state, self.path.split("?")[0].rstrip("/")
        try:
            if path == CONTROL + "/rules" and self.command == "POST":
                doc = json.loads(body or b"{}")
                with state.lock:
                    if "seed" in doc:
                        state.rng.seed(doc["seed"])
                    new = []
                    for spec in doc.get("rules", []):
                        state.next_id += 1
                        new.append(Rule(spec, state.next_id))
                    state.rules.extend(new)
                return self.json(200, {"rules": [r.describe() for r in new]})
            if path.startswith(CONTROL + "/rules/") and self.command == "DELETE":
                wanted = int(path.rsplit("/", 1)[1])
                with state.lock:
                    gone = [r for r in state.rules if r.id == wanted]
                    state.rules[:] = [r for r in state.rules if r.id != wanted]
                if not gone:
                    return self.json(404, {"error": f"no rule {wanted}"})
                return self.json(200, {"rules": [r.describe() for r in gone]})
            if path == CONTROL + "/rules" and self.command in ("GET", "DELETE"):
                with state.lock:
                    out = [r.describe() for r in state.rules]
                    if self.command == "DELETE":
                        state.rules.clear()
                return self.json(200, {"rules": out})
            if path == CONTROL + "/log" and self.command in ("GET", "DELETE"):
                with state.lock:
                    out = list(state.log)
                    if self.command == "DELETE":
                        state.log.clear()
                return self.json(200, out)
            if path == CONTROL + "/presets" and self.command == "GET":
                return self.json(200, sorted(fault_presets.PRESETS))
            return self.json(404, {"error": f"no control endpoint {self.command} {path}"})
        except (ValueError, TypeError, AttributeError) as exc:
            return self.json(400, {"error": str(exc)})

    def json(self, status: int, doc) -> None:
        self.reply(status, {"Content-Type": "application/json"}, json.dumps(doc).encode())

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("fault_proxy: " + (fmt % args) + "\n")


def render_fault(fault: dict, req: Request):
    """(status, headers, body) of a status/preset fault; an explicit status overrides a preset's."""
    if "preset" in fault:
        status, headers, body = fault_presets.render(fault["preset"], req)
    else:
        status, body = 0, str(fault.get("body", "")).encode("utf-8")
        headers = {"Content-Type": "application/json" if body.startswith(b"{") else "text/xml"}
    status = int(fault.get("status", status))
    headers.update(fault.get("headers") or {})
    return status, headers, body


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--seed", type=int, default=None, help="seed for 'probability'")
    p.add_argument("--upstream-timeout", type=float, default=120.0)
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args(argv)
    upstream = urllib.parse.urlsplit(args.upstream)
    if upstream.scheme != "http" or upstream.hostname not in ("127.0.0.1", "localhost", "::1"):
        p.error("--upstream must be http:// on a loopback address")
    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.state, server.upstream, server.verbose = State(args.seed), upstream, args.verbose
    server.upstream_timeout = args.upstream_timeout
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    conn.request("GET", CONTROL + "/presets")
    conn.getresponse().read()
    conn.close()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    sys.stdout.write(f"READY {url}\n")
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

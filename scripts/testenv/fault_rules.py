"""Rule matching and shared state of fault_proxy.py (see its docstring for the rule format)."""

from __future__ import annotations

import collections
import random
import re
import threading
import urllib.parse

import fault_presets

SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
MATCH_KEYS = {"method", "path", "pathPrefix", "target", "action", "service", "bodyContains"}
FAULT_KEYS = {"status", "body", "headers", "preset", "latencyMs", "drop", "forward", "reset",
              "truncateBody"}


class Request:
    def __init__(self, method, path, headers, body):
        self.method, self.path, self.headers, self.body = method, path, headers, body
        self.path_only, _, query = path.partition("?")
        self.target = self.header("x-amz-target")
        scope = SCOPE.search(self.header("authorization") or "")
        self.service = scope.group(2) if scope else None
        fields = urllib.parse.parse_qs(query)
        if "x-www-form-urlencoded" in (self.header("content-type") or ""):
            fields.update(urllib.parse.parse_qs(body.decode("latin-1")))
        self.action = (fields.get("Action") or [None])[0]

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None


class Rule:
    def __init__(self, spec: dict, rule_id: int):
        self.match = spec.get("match") or {}
        self.fault = spec.get("fault") or {}
        bad = set(self.match) - MATCH_KEYS or set(self.fault) - FAULT_KEYS
        if bad:
            raise ValueError(f"unknown keys {sorted(bad)}")
        if "preset" in self.fault and self.fault["preset"] not in fault_presets.PRESETS:
            raise ValueError(f"unknown preset {self.fault['preset']!r}")
        if not ({"status", "preset", "latencyMs", "drop", "truncateBody"} & set(self.fault)):
            raise ValueError("fault needs status, preset, latencyMs, drop or truncateBody")
        self.id, self.applied = rule_id, 0
        self.times = spec.get("times")
        self.probability = float(spec.get("probability", 1.0))

    def matches(self, req: Request) -> bool:
        m = self.match
        return ((m.get("method") is None or m["method"].upper() == req.method)
                and (m.get("path") is None or m["path"] in (req.path_only, req.path))
                and (m.get("pathPrefix") is None or req.path.startswith(m["pathPrefix"]))
                and all(m.get(k) is None or m[k] == getattr(req, k)
                        for k in ("target", "action", "service"))
                and (m.get("bodyContains") is None
                     or m["bodyContains"].encode("utf-8") in req.body))

    def describe(self) -> dict:
        return {"id": self.id, "match": self.match, "fault": self.fault, "times": self.times,
                "probability": self.probability, "applied": self.applied}


class State:
    def __init__(self, seed):
        self.lock = threading.Lock()
        self.rules: list[Rule] = []
        self.log = collections.deque(maxlen=10000)
        self.rng = random.Random(seed)
        self.next_id = self.seq = 0

    def pick(self, req: Request):
        with self.lock:
            for rule in self.rules:
                if (rule.times is None or rule.applied < rule.times) and rule.matches(req):
                    if rule.probability < 1.0 and self.rng.random() >= rule.probability:
                        continue
                    rule.applied += 1
                    return rule
        return None

    def record(self, entry: dict) -> None:
        with self.lock:
            self.seq += 1
            self.log.append({"seq": self.seq, **entry})


def fault_kind(fault: dict):
    for key in ("preset", "status", "drop", "truncateBody", "latencyMs"):
        if fault.get(key):
            return f"preset:{fault['preset']}" if key == "preset" else key
    return None

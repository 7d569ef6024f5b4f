"""How each lifecycle action ended, for tests: ``GET /moto-api/ranchhand/lifecycle``.

Answers ``{"completed": [{"instanceId", "hook", "group", "result"}], "timedOut": [{"instanceId",
"hook", "group", "transition", "result", "reason": "heartbeat"|"global"}], "heartbeats": {"i-…": n}}``:
an action *timed out* when the sweeper applied its DefaultResult because its heartbeat deadline
(or its global deadline) passed — on real AWS, a lost hook. ``POST /moto-api/reset`` clears it.
Installed by wrapping moto_lifecycle's own functions; moto_lifecycle itself is unchanged.
"""
from __future__ import annotations

import json
import threading
import time

import moto_lifecycle

LOCK = threading.Lock()
EXPLICIT = threading.local()
STATS = {"completed": [], "timedOut": [], "heartbeats": {}}
ROUTE = "/moto-api/ranchhand/lifecycle"


def clear() -> None:
    with LOCK:
        STATS["completed"].clear()
        STATS["timedOut"].clear()
        STATS["heartbeats"].clear()


def _record_finish(action, result: str) -> None:
    entry = {"instanceId": action.instance_id, "hook": action.hook_name, "group": action.group_name, "result": result}
    with LOCK:
        if getattr(EXPLICIT, "completing", False):
            STATS["completed"].append(entry)
        else:
            reason = "global" if time.time() >= action.global_deadline else "heartbeat"
            STATS["timedOut"].append(dict(entry, transition=action.transition, reason=reason))


def install() -> None:
    if getattr(moto_lifecycle, "_ranchhand_stats", False):
        return
    moto_lifecycle._ranchhand_stats = True
    finish, complete, heartbeat = moto_lifecycle.finish, moto_lifecycle.complete, moto_lifecycle.heartbeat

    def counted_finish(backend, action, result):
        if action.token in moto_lifecycle.actions(backend):
            _record_finish(action, result)
        return finish(backend, action, result)

    def explicit_complete(*args, **kwargs):
        EXPLICIT.completing = True
        try:
            return complete(*args, **kwargs)
        finally:
            EXPLICIT.completing = False

    def counted_heartbeat(backend, group_name, hook_name, token, instance_id):
        result = heartbeat(backend, group_name, hook_name, token, instance_id)
        action = moto_lifecycle.find_action(backend, group_name, hook_name, token, instance_id)
        with LOCK:
            STATS["heartbeats"][action.instance_id] = STATS["heartbeats"].get(action.instance_id, 0) + 1
        return result

    moto_lifecycle.finish, moto_lifecycle.complete, moto_lifecycle.heartbeat = counted_finish, explicit_complete, counted_heartbeat
    _install_route()


def _install_route() -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original = DomainDispatcherApplication.__call__

    def call(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == ROUTE and environ.get("REQUEST_METHOD") == "GET":
            with LOCK:
                body = json.dumps(STATS).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        if path == "/moto-api/reset" and environ.get("REQUEST_METHOD") == "POST":
            clear()
        return original(self, environ, start_response)

    DomainDispatcherApplication.__call__ = call

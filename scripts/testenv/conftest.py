"""Shared fixtures: start moto_launcher.py / fault_proxy.py as subprocesses on free ports."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

HERE = Path(__file__).resolve().parent
READY = re.compile(r"^READY (http://127\.0\.0\.1:\d+)$")


class Server:
    """A child process that prints one READY line; ``stop()`` sends SIGTERM, returns rc."""

    def __init__(self, script: str, *args: str, timeout: float = 60):
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, str(HERE / script), *args],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in self.proc.stdout] and None,
                         daemon=True).start()
        self.lines = lines
        try:
            first = lines.get(timeout=timeout).rstrip("\n")
        except queue.Empty:
            self.proc.kill()
            raise RuntimeError(f"{script}: no READY line; stderr: {self.stderr_text()}")
        match = READY.match(first)
        if not match:
            self.proc.kill()
            raise RuntimeError(f"{script}: unexpected first line {first!r}; {self.stderr_text()}")
        self.first_line, self.url = first, match.group(1)

    def stderr_text(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")[-4000:]

    def stop(self, timeout: float = 15) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise


def client(service: str, url: str, **extra):
    return boto3.client(
        service, endpoint_url=url, region_name="us-east-1",
        aws_access_key_id=extra.pop("key", "testing"),
        aws_secret_access_key=extra.pop("secret", "testing"),
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=30),
        **extra)


def post(url: str, body: bytes = b"") -> bytes:
    # text/plain: with urllib's default form type moto's /moto-api/reset-auth sees no body
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.read()


@pytest.fixture(scope="session")
def moto():
    """One lifecycle-enabled moto for the session (URL via .url)."""
    server = Server("moto_launcher.py", "--port", "0")
    yield server
    assert server.stop() == 0, server.stderr_text()


@pytest.fixture
def moto_url(moto):
    post(moto.url + "/moto-api/reset")
    return moto.url


@pytest.fixture(autouse=True)
def _no_proxy_env(monkeypatch):
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

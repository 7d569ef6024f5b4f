#!/usr/bin/env python3
"""Start a real Prometheus (Debian's ``prometheus``) on 127.0.0.1, backfilled from a trace.

    prometheus_launcher.py [--port 0] [--trace CSV] [--start ISO] [--days N]
                           [--metric NAME] [--exit-on-stdin-eof]

The trace (``timestamp,value`` CSV, gaps are absent rows) is written as an OpenMetrics gauge
``NAME{trace="<file stem>"}`` for ``--days`` days from ``--start``, each value stamped at the *end*
of its bucket (where Prometheus would show ``increase(requests[1m])`` for that minute; the trace
stamps the start), and turned into TSDB blocks
with ``promtool tsdb create-blocks-from openmetrics``; Prometheus then serves them with no
scrape targets and a retention long enough to keep 1995. Prints exactly one line,
``READY http://127.0.0.1:<port>``, once ``/-/ready`` answers 200; stops Prometheus and removes
its data on SIGTERM/SIGINT (or when stdin closes, with --exit-on-stdin-eof).
"""
import argparse
import csv
import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TRACE = os.path.join(HERE, "..", "..", "Benchmarks", "capacity", "traces", "nasa_http_1995_1min.csv")


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def write_openmetrics(trace, start, end, metric, bucket, path):
    label = os.path.splitext(os.path.basename(trace))[0]
    count = 0
    with open(trace, newline="") as source, open(path, "w") as out:
        out.write(f"# HELP {metric} Load replayed from {label}.\n# TYPE {metric} gauge\n")
        for row in csv.DictReader(source):
            t = parse_time(row["timestamp"])
            if start <= t < end:
                out.write(f'{metric}{{trace="{label}"}} {row["value"]} {int(t + bucket)}\n')
                count += 1
        out.write("# EOF\n")
    return count


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, process, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"prometheus exited with {process.returncode} before it was ready")
        try:
            with urllib.request.urlopen(url + "/-/ready", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("prometheus not ready after %ss" % timeout)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--trace", default=DEFAULT_TRACE)
    p.add_argument("--start", default="1995-07-01T04:00:00Z")
    p.add_argument("--days", type=float, default=16)
    p.add_argument("--metric", default="ranchhand_trace_load")
    p.add_argument("--bucket-seconds", type=int, default=60, help="the trace's step")
    p.add_argument("--exit-on-stdin-eof", action="store_true")
    a = p.parse_args()

    for tool in ("prometheus", "promtool"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: apt-get install prometheus (scripts/install-test-deps does)")
    work = tempfile.mkdtemp(prefix="ranchhand-prometheus-")
    data = os.path.join(work, "data")
    start = parse_time(a.start)
    samples = write_openmetrics(a.trace, start, start + a.days * 86400, a.metric, a.bucket_seconds,
                                os.path.join(work, "trace.om"))
    subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", "--quiet", os.path.join(work, "trace.om"), data],
                   check=True, stdout=sys.stderr)
    with open(os.path.join(work, "prometheus.yml"), "w") as config:
        config.write("global:\n  scrape_interval: 1m\n")
    port = a.port or free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        ["prometheus", "--config.file", os.path.join(work, "prometheus.yml"), "--storage.tsdb.path", data,
         "--storage.tsdb.retention.time", "100y", "--web.listen-address", f"127.0.0.1:{port}", "--log.level", "warn"],
        stdin=subprocess.DEVNULL, stdout=sys.stderr, stderr=sys.stderr)
    stop = threading.Event()

    def finish(*_):
        stop.set()

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    try:
        wait_ready(url, process)
        print(f"backfilled {samples} samples of {a.metric} from {a.trace}", file=sys.stderr)
        sys.stdout.write(f"READY {url}\n")
        sys.stdout.flush()
        if a.exit_on_stdin_eof:
            threading.Thread(target=lambda: (sys.stdin.buffer.read(), stop.set()), daemon=True).start()
        while not stop.wait(0.5):
            if process.poll() is not None:
                raise SystemExit(f"prometheus exited with {process.returncode}")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

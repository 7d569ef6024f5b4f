#!/usr/bin/env python3
"""Runs a command N times and prints median/p90 wall time and peak RSS of each run.

    measure.py --runs 25 [--stdin FILE] [--label NAME] -- COMMAND [ARGS...]

Wall time is measured around fork/exec/wait with perf_counter; RSS is the child's own ru_maxrss
from wait4 (kilobytes on Linux), so every run is measured on its own. The command must exit 0.
"""
import argparse
import json
import os
import statistics
import sys
import time


def run_once(argv, stdin_path):
    stdin_fd = os.open(stdin_path, os.O_RDONLY) if stdin_path else os.open(os.devnull, os.O_RDONLY)
    devnull = os.open(os.devnull, os.O_WRONLY)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(stdin_fd, 0)
        os.dup2(devnull, 1)
        os.execvp(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(stdin_fd)
    os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{argv[0]} exited with {os.waitstatus_to_exitcode(status)}")
    return elapsed * 1000.0, usage.ru_maxrss / 1024.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--stdin")
    parser.add_argument("--label", default="")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    argv = args.command[1:] if args.command[:1] == ["--"] else args.command
    for _ in range(args.warmup):
        run_once(argv, args.stdin)
    samples = [run_once(argv, args.stdin) for _ in range(args.runs)]
    walls = sorted(s[0] for s in samples)
    rss = [s[1] for s in samples]
    result = {
        "label": args.label or " ".join(argv),
        "runs": args.runs,
        "wallMsMedian": round(statistics.median(walls), 2),
        "wallMsP90": round(walls[int(0.9 * (len(walls) - 1))], 2),
        "wallMsMin": round(walls[0], 2),
        "peakRssMbMax": round(max(rss), 1),
        "peakRssMbMedian": round(statistics.median(rss), 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Start-up benchmark for `ranchhand decode` on the 10-record SQS batch, on the release binary with
# a static Swift stdlib (what ships to nodes and Lambda). Prints numbers; asserts portability.
#   Benchmarks/startup/decode.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-25}"
swift build -c release --static-swift-stdlib --product ranchhand >/dev/null
binary=$(swift build -c release --static-swift-stdlib --show-bin-path)/ranchhand
batch=events/batches/lambda-sqs-10-records.json
"$binary" decode "$batch" | wc -l | grep -qx 10 || { echo "decode did not print 10 events"; exit 1; }
echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
python3 Benchmarks/startup/measure.py --runs "$runs" --label "ranchhand decode (10-record SQS batch, file)" -- "$binary" decode "$batch"
python3 Benchmarks/startup/measure.py --runs "$runs" --stdin "$batch" --label "ranchhand decode - (stdin)" -- "$binary" decode -
Benchmarks/startup/check-portable.sh "$binary"

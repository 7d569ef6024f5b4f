#!/usr/bin/env bash
# Builds the libFuzzer harness for the event decoder and runs it, seeded with events/.
#   Fuzz/run.sh [SECONDS]   (default 600)
# The corpus grows in .build-fuzz/corpus; crashes are written to .build-fuzz/artifacts.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
out=.build-fuzz
mkdir -p "$out/corpus" "$out/artifacts"
find events -name '*.json' -not -name expected.json -exec cp {} "$out/corpus/" \;
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name RanchhandEventsFuzz \
    $(find Sources/RanchhandEvents -name '*.swift') Fuzz/EventDecoderFuzz.swift -o "$out/event-decoder-fuzz"
"$out/event-decoder-fuzz" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$out/artifacts/" "$out/corpus"

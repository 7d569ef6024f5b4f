#!/usr/bin/env bash
# Extracts the real AWS Lambda Runtime Interface Emulator from the aws-sam-cli wheel on PyPI
# (samcli/local/rapid/aws-lambda-rie-<arch>); no Docker, no full SAM install.
#   scripts/testenv/fetch-rie.sh DEST   (prints the binary's path; reuses DEST if present)
set -euo pipefail
dest=${1:?usage: fetch-rie.sh DEST}
if [ -x "$dest" ]; then echo "$dest"; exit 0; fi
# Tests start emulators concurrently: one fetch at a time, and the binary appears by rename, so
# nobody executes a half-written file or writes over one that runs ("Text file busy").
mkdir -p "$(dirname "$dest")"
exec 9>"$dest.lock"
flock 9
if [ -x "$dest" ]; then echo "$dest"; exit 0; fi
case "$(uname -m)" in
  x86_64) arch=x86_64 ;;
  aarch64) arch=arm64 ;;
  *) echo "fetch-rie.sh: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --dest "$work" 'aws-sam-cli==1.170.0' >&2 \
  || python3 -m pip download --quiet --no-deps --dest "$work" aws-sam-cli >&2
wheel=$(find "$work" -name 'aws_sam_cli-*.whl' | head -n 1)
[ -n "$wheel" ] || { echo "fetch-rie.sh: no aws-sam-cli wheel downloaded" >&2; exit 1; }
python3 - "$wheel" "samcli/local/rapid/aws-lambda-rie-$arch" "$dest.partial" <<'PY'
import sys, zipfile, shutil, os
wheel, member, dest = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive, archive.open(member) as source, open(dest, "wb") as target:
    shutil.copyfileobj(source, target)
os.chmod(dest, 0o755)
PY
mv -f "$dest.partial" "$dest"
echo "$dest"

#!/bin/sh
# ranchhand node bootstrap, as EC2 user-data (runs once, as root, at the first boot).
#
# Downloads a pinned ranchhand-bootstrap, checks its sha256, and runs it. The agent does the
# rest (docs/bootstrap.md): Docker or kubelet log rotation, fail2ban, a Rancher join with a
# registration token fetched at boot, the launch lifecycle action, and a systemd unit that runs
# it again at every later boot.
#
# Settings are RANCHHAND_* variables: set them in the lines the launch template puts before this
# script, or in /etc/ranchhand/user-data.env (KEY=value lines; the cloud-config variant writes
# it). NOTHING SECRET BELONGS HERE: user-data is readable by anyone who can describe the instance
# or reach its metadata. The Rancher API token lives in SSM Parameter Store as a SecureString
# under RANCHHAND_SSM_PREFIX; the agent reads it with the instance role.
#
#   RANCHHAND_AGENT_URL     https://…, s3://… (needs the aws CLI) or file://… (tests)
#   RANCHHAND_AGENT_SHA256  the agent's sha256, lower-case hex (required: nothing unverified runs)
#   RANCHHAND_SSM_PREFIX    where the settings are, e.g. /ranchhand/home/
#   other RANCHHAND_*       any agent setting (RANCHHAND_ROLES=worker, …), passed on through
#                           /etc/ranchhand/bootstrap.env, which the boot unit reads too
set -eu

ETC_DIR="${RANCHHAND_ETC_DIR:-/etc/ranchhand}"
LOG_FILE="${RANCHHAND_USER_DATA_LOG:-/var/log/ranchhand-user-data.log}"
AGENT="${RANCHHAND_AGENT_PATH:-/usr/local/bin/ranchhand-bootstrap}"
ATTEMPTS="${RANCHHAND_DOWNLOAD_ATTEMPTS:-10}"
BACKOFF="${RANCHHAND_DOWNLOAD_BACKOFF:-2}"
PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"
export PATH

log() {
    line="$(date -u +%Y-%m-%dT%H:%M:%SZ) ranchhand-user-data: $*"
    printf '%s\n' "$line"
    printf '%s\n' "$line" >>"$LOG_FILE" 2>/dev/null || true
}

die() {
    log "FAILED: $*"
    exit 1
}

# KEY=value lines, RANCHHAND_* only, never evaluated as shell.
load_settings() {
    [ -r "$1" ] || return 0
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in
            '' | '#'*) continue ;;
        esac
        key="${line%%=*}"
        value="${line#*=}"
        case "$key" in
            RANCHHAND_*) ;;
            *) die "$1: '$key' is not a RANCHHAND_* setting" ;;
        esac
        case "$key" in
            *[!A-Z0-9_]*) die "$1: '$key' is not a valid variable name" ;;
        esac
        export "$key=$value"
    done <"$1"
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d ' ' -f 1
    else
        openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
    fi
}

fetch() {
    case "$1" in
        s3://*)
            command -v aws >/dev/null 2>&1 || die "$1 needs the aws CLI; use an https:// URL instead"
            aws s3 cp --only-show-errors "$1" "$2"
            ;;
        *)
            if command -v curl >/dev/null 2>&1; then
                curl -fsSL --connect-timeout 10 --max-time 300 -o "$2" "$1"
            else
                wget -q -T 60 -O "$2" "$1"
            fi
            ;;
    esac
}

download() {
    attempt=1
    delay="$BACKOFF"
    while :; do
        if fetch "$RANCHHAND_AGENT_URL" "$1"; then
            return 0
        fi
        if [ "$attempt" -ge "$ATTEMPTS" ]; then
            return 1
        fi
        log "download attempt $attempt of $ATTEMPTS failed; retrying in ${delay}s"
        sleep "$delay"
        attempt=$((attempt + 1))
        delay=$((delay * 2))
        if [ "$delay" -gt 60 ]; then delay=60; fi
    done
}

load_settings "$ETC_DIR/user-data.env"
[ -z "${RANCHHAND_RANCHER_TOKEN:-}" ] || die "RANCHHAND_RANCHER_TOKEN must never be in user-data: store it in SSM as a SecureString"
[ -n "${RANCHHAND_AGENT_URL:-}" ] || die "set RANCHHAND_AGENT_URL"
expected="$(printf '%s' "${RANCHHAND_AGENT_SHA256:-}" | tr 'A-F' 'a-f')"
case "$expected" in
    '' | *[!0-9a-f]*) die "set RANCHHAND_AGENT_SHA256 to the agent's sha256 (64 hex digits): nothing unverified is run" ;;
esac
[ "${#expected}" -eq 64 ] || die "RANCHHAND_AGENT_SHA256 must be 64 hex digits"

umask 022
mkdir -p "$ETC_DIR" "$(dirname "$AGENT")"
# The agent's settings for this run and for the boot unit (EnvironmentFile=), without the
# downloader's own variables.
env_file="$ETC_DIR/bootstrap.env"
env | grep '^RANCHHAND_' | grep -v -e '^RANCHHAND_AGENT_URL=' -e '^RANCHHAND_AGENT_SHA256=' -e '^RANCHHAND_DOWNLOAD_' \
    -e '^RANCHHAND_USER_DATA_LOG=' -e '^RANCHHAND_ETC_DIR=' >"$env_file.new" || true
mv "$env_file.new" "$env_file"

if [ -x "$AGENT" ] && [ "$(sha256_of "$AGENT")" = "$expected" ]; then
    log "$AGENT is already the pinned version"
else
    log "downloading $RANCHHAND_AGENT_URL"
    partial="$AGENT.download"
    rm -f "$partial"
    download "$partial" || die "could not download $RANCHHAND_AGENT_URL after $ATTEMPTS attempts"
    actual="$(sha256_of "$partial")"
    if [ "$actual" != "$expected" ]; then
        rm -f "$partial"
        die "sha256 mismatch for $RANCHHAND_AGENT_URL: got $actual, expected $expected; not running it"
    fi
    chmod 0755 "$partial"
    mv -f "$partial" "$AGENT"
    log "verified sha256 $actual; installed $AGENT"
fi

log "running $AGENT run"
exec "$AGENT" run

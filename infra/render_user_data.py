#!/usr/bin/env python3
"""Put bootstrap/user-data.sh into the launch templates' UserData.

CloudFormation cannot read a file from the repository, so the script is copied into
infra/cluster.yaml and infra/compute-group.yaml between the marker comments

    # BEGIN user-data: ...
    - |
      <the script>
    # END user-data

as the first item of an ``Fn::Sub`` list. The copy is:

* the script's shebang line;
* three assignments the stack pins (``RANCHHAND_AGENT_URL``, ``RANCHHAND_AGENT_SHA256``,
  ``RANCHHAND_SSM_PREFIX``, filled from the stack's AgentUrl, AgentSha256 and ClusterName by
  ``Fn::Sub``), exported, so the script finds them in its environment;
* the rest of the script with every ``${`` written ``${!`` (``Fn::Sub``'s escape, which it turns
  back into ``${``), so the script's own expansions reach the instance unchanged.

While bootstrap/user-data.sh does not exist, the copy is a stub that exits 1 with a message.

    python3 infra/render_user_data.py           # rewrite the templates
    python3 infra/render_user_data.py --check   # exit 1 if a template is out of date

infra/tests/test_templates.py runs the check, so a change to the script without re-rendering
fails the tests.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bootstrap" / "user-data.sh"
TEMPLATES = [ROOT / "infra" / "cluster.yaml", ROOT / "infra" / "compute-group.yaml"]

BEGIN = re.compile(r"^(?P<indent>\s*)# BEGIN user-data\b")
END = re.compile(r"^\s*# END user-data\b")

HEADER = [
    "# Pinned by the stack (parameters AgentUrl, AgentSha256, ClusterName); bootstrap/user-data.sh follows.",
    "RANCHHAND_AGENT_URL='${AgentUrl}'",
    "RANCHHAND_AGENT_SHA256='${AgentSha256}'",
    "RANCHHAND_SSM_PREFIX='/ranchhand/${ClusterName}/bootstrap/'",
    "export RANCHHAND_AGENT_URL RANCHHAND_AGENT_SHA256 RANCHHAND_SSM_PREFIX",
]
STUB = [
    "#!/usr/bin/env bash",
    "echo 'ranchhand: bootstrap/user-data.sh was missing when this template was rendered;"
    " run infra/render_user_data.py' >&2",
    "exit 1",
]
# EC2 takes at most 16 KB of user data before base64; keep room for the substituted parameters.
MAX_BODY_BYTES = 15 * 1024


def script_lines(script: pathlib.Path = SCRIPT) -> list[str]:
    """The user-data lines as CloudFormation must hold them (Fn::Sub form)."""
    if script.exists():
        lines = script.read_text(encoding="utf-8").splitlines()
        if not lines or not lines[0].startswith("#!"):
            raise SystemExit(f"{script}: the first line must be a shebang (cloud-init runs it as a script)")
        escaped = [line.replace("${", "${!") for line in lines]
        body = [escaped[0], *HEADER, *escaped[1:]]
    else:
        body = [STUB[0], *HEADER, *STUB[1:]]
    size = sum(len(line.encode()) + 1 for line in body)
    if size > MAX_BODY_BYTES:
        raise SystemExit(f"user data is {size} bytes; EC2 takes 16 KB at most (keep it under {MAX_BODY_BYTES})")
    return body


def render(text: str, body: list[str]) -> str:
    """Replaces every BEGIN/END block of a template's text with `body` as a YAML literal list item."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    blocks = 0
    while i < len(lines):
        match = BEGIN.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        indent = match.group("indent")
        end = next((j for j in range(i + 1, len(lines)) if END.match(lines[j])), None)
        if end is None:
            raise SystemExit(f"line {i + 1}: '# BEGIN user-data' without '# END user-data'")
        out.append(lines[i])
        out.append(f"{indent}- |")
        out.extend(f"{indent}  {line}" if line else "" for line in body)
        out.append(lines[end])
        blocks += 1
        i = end + 1
    if blocks == 0:
        raise SystemExit("no '# BEGIN user-data' block")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report out-of-date templates, change nothing")
    parser.add_argument("--script", type=pathlib.Path, default=SCRIPT)
    parser.add_argument("templates", nargs="*", type=pathlib.Path, default=TEMPLATES)
    args = parser.parse_args(argv)
    body = script_lines(args.script)
    stale = []
    for template in args.templates:
        text = template.read_text(encoding="utf-8")
        rendered = render(text, body)
        if rendered == text:
            continue
        stale.append(template)
        if not args.check:
            template.write_text(rendered, encoding="utf-8")
    source = args.script if args.script.exists() else "the stub (no bootstrap/user-data.sh)"
    for template in stale:
        verb = "out of date with" if args.check else "rendered from"
        print(f"{template}: {verb} {source}")
    if args.check and stale:
        print("run: python3 infra/render_user_data.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Helpers for the infra tests: a YAML loader for CloudFormation's short-form tags, template
walking, and the permission registry read from the Swift sources.

The registry is read from Swift *source* with regular expressions (no Swift build in pytest).
That couples this file to two source shapes, both documented in ToolPermissions.swift:

* AWSOperation.swift:   ``public static let <name> = AWSOperation(.<service>, "<Name>", iamPrefix: "<prefix>"``
  and, inside ``requiredIAMAction``, ``case .<name>: "<iam action>"`` overrides;
* ToolPermissions.swift: ``public static let <name> = ToolPermissions(tool: .<case>, operations: [...],
  platform: [...])``, the ``RanchhandTool`` cases with their raw values, and
  ``PlatformPermission.iamActions`` as ``case .<name>: ["<action>", ...]``.

Every parse asserts that it found something, so a reshaped source fails loudly instead of
yielding an empty (and vacuously satisfied) contract.
"""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
AWS_SOURCES = ROOT / "Sources" / "RanchhandClients" / "AWS"
TEMPLATES = sorted(INFRA.glob("*.yaml"))


# ---------------------------------------------------------------- CloudFormation YAML

class CloudFormationLoader(yaml.SafeLoader):
    """SafeLoader that turns ``!Ref x`` into ``{"Ref": x}`` and ``!Sub s`` into ``{"Fn::Sub": s}``
    (and so on for every short-form intrinsic), the same tree the long form gives."""


_SHORT_FORMS = {
    "Ref": "Ref", "Condition": "Condition",
    **{name: f"Fn::{name}" for name in [
        "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join", "Select", "Split",
        "Sub", "Transform", "And", "Equals", "If", "Not", "Or", "ToJsonString", "Length",
    ]},
}


def _construct(key: str):
    def construct(loader: yaml.SafeLoader, node: yaml.Node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if key == "Fn::GetAtt":  # "!GetAtt Resource.Attribute" -> ["Resource", "Attribute"]
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {key: value}
    return construct


for _tag, _key in _SHORT_FORMS.items():
    CloudFormationLoader.add_constructor(f"!{_tag}", _construct(_key))


def load_template(path: pathlib.Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=CloudFormationLoader)


def load_templates() -> dict[str, dict]:
    return {path.name: load_template(path) for path in TEMPLATES}


def resources_of_type(template: dict, kind: str) -> dict[str, dict]:
    return {name: res for name, res in template.get("Resources", {}).items() if res["Type"] == kind}


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def ref_target(value) -> str | None:
    """The logical id a ``Ref`` or ``Fn::GetAtt`` points at, else None."""
    if isinstance(value, dict):
        if "Ref" in value:
            return value["Ref"]
        if "Fn::GetAtt" in value:
            return as_list(value["Fn::GetAtt"])[0]
    return None


def parameter_of(template: dict, value) -> dict | None:
    """The Parameters entry a ``Ref`` names, else None."""
    target = ref_target(value)
    return template.get("Parameters", {}).get(target) if target else None


# ---------------------------------------------------------------- the Swift registry

@dataclass(frozen=True)
class ToolContract:
    tool: str                 # RanchhandTool raw value ("scale-in")
    operations: tuple[str, ...]   # AWSOperation static names
    platform: tuple[str, ...]     # PlatformPermission case names
    operation_actions: frozenset[str]
    platform_actions: frozenset[str]

    @property
    def actions(self) -> frozenset[str]:
        return self.operation_actions | self.platform_actions


def _block(text: str, start: str) -> str:
    """The brace-balanced block that follows the first occurrence of `start`."""
    i = text.index(start)
    i = text.index("{", i)
    depth = 0
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[i + 1:j]
    raise ValueError(f"unbalanced block after {start!r}")


def operation_registry(source: pathlib.Path = AWS_SOURCES / "AWSOperation.swift") -> dict[str, str]:
    """AWSOperation static name -> the IAM action that authorises it (requiredIAMAction)."""
    text = source.read_text(encoding="utf-8")
    ops = {
        name: f"{prefix}:{api}"
        for name, api, prefix in re.findall(
            r'public static let (\w+) = AWSOperation\(\.\w+, "(\w+)", iamPrefix: "([\w-]+)"', text)
    }
    assert len(ops) >= 20, f"{source}: found only {len(ops)} AWSOperation declarations; did their shape change?"
    overrides = dict(re.findall(r'case \.(\w+): "([\w-]+:\w+)"', _block(text, "public var requiredIAMAction")))
    assert overrides, f"{source}: no requiredIAMAction overrides found; did its shape change?"
    unknown = set(overrides) - set(ops)
    assert not unknown, f"{source}: requiredIAMAction names unknown operations {unknown}"
    ops.update(overrides)
    return ops


def tool_contracts(source: pathlib.Path = AWS_SOURCES / "ToolPermissions.swift",
                   registry: dict[str, str] | None = None) -> dict[str, ToolContract]:
    """RanchhandTool raw value -> its declared operations and platform actions."""
    registry = registry if registry is not None else operation_registry()
    text = source.read_text(encoding="utf-8")
    cases = {}
    for name, raw in re.findall(r'case (\w+)(?: = "([\w-]+)")?', _block(text, "public enum RanchhandTool")):
        cases[name] = raw or name
    assert cases, f"{source}: no RanchhandTool cases"
    platform = {
        name: re.findall(r'"([\w-]+:\w+)"', actions)
        for name, actions in re.findall(r"case \.(\w+): \[([^\]]*)\]", _block(text, "public var iamActions"))
    }
    assert platform, f"{source}: no PlatformPermission.iamActions"
    contracts = {}
    pattern = (r"public static let (\w+) = ToolPermissions\(\s*tool: \.(\w+),\s*"
               r"operations: \[([^\]]*)\],\s*platform: \[([^\]]*)\]\s*\)")
    for _, case, ops_text, platform_text in re.findall(pattern, text):
        ops = tuple(re.findall(r"\.(\w+)", ops_text))
        perms = tuple(re.findall(r"\.(\w+)", platform_text))
        unknown_ops = [op for op in ops if op not in registry]
        assert not unknown_ops, f"{source}: {case} lists operations not in AWSOperation.swift: {unknown_ops}"
        unknown_perms = [p for p in perms if p not in platform]
        assert not unknown_perms, f"{source}: {case} lists unknown platform permissions: {unknown_perms}"
        tool = cases[case]
        contracts[tool] = ToolContract(
            tool=tool, operations=ops, platform=perms,
            operation_actions=frozenset(registry[op] for op in ops),
            platform_actions=frozenset(a for p in perms for a in platform[p]))
    missing = set(cases.values()) - set(contracts)
    assert not missing, f"{source}: no ToolPermissions declaration parsed for {missing}; did the shape change?"
    return contracts


# ---------------------------------------------------------------- IAM in templates

@dataclass
class RolePolicy:
    template: str
    role: str
    tool: str | None
    trust: dict
    statements: list[dict]
    managed_policy_arns: list


def role_policies(templates: dict[str, dict]) -> list[RolePolicy]:
    """Every AWS::IAM::Role with every statement that always applies to it (inline Policies and
    unconditional AWS::IAM::Policy / ManagedPolicy resources that name the role)."""
    roles = []
    for name, template in templates.items():
        attached: dict[str, list[dict]] = {}
        for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for policy in resources_of_type(template, kind).values():
                if "Condition" in policy:  # granted only in some deployments: see conditional_policies
                    continue
                props = policy["Properties"]
                for role in props.get("Roles", []):
                    attached.setdefault(ref_target(role), []).extend(as_list(props["PolicyDocument"]["Statement"]))
        for logical, role in resources_of_type(template, "AWS::IAM::Role").items():
            props = role["Properties"]
            statements = [s for p in props.get("Policies", []) for s in as_list(p["PolicyDocument"]["Statement"])]
            statements += attached.get(logical, [])
            roles.append(RolePolicy(
                template=name, role=logical,
                tool=role.get("Metadata", {}).get("Ranchhand", {}).get("Tool"),
                trust=props["AssumeRolePolicyDocument"], statements=statements,
                managed_policy_arns=props.get("ManagedPolicyArns", [])))
    return roles


def conditional_policies(templates: dict[str, dict]) -> list[tuple[str, str, dict]]:
    """(template, logical id, resource) of every IAM policy resource created only under a Condition."""
    return [(name, logical, policy)
            for name, template in templates.items()
            for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
            for logical, policy in resources_of_type(template, kind).items() if "Condition" in policy]


def platform_permissions(source: pathlib.Path = AWS_SOURCES / "ToolPermissions.swift") -> dict[str, list[str]]:
    """PlatformPermission case name -> its IAM actions, as ToolPermissions.swift declares them."""
    text = source.read_text(encoding="utf-8")
    found = {name: re.findall(r'"([\w-]+:\w+)"', actions)
             for name, actions in re.findall(r"case \.(\w+): \[([^\]]*)\]", _block(text, "public var iamActions"))}
    assert found, f"{source}: no PlatformPermission.iamActions"
    return found

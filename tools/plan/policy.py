"""Run the policy pack's very rule objects offline, on plan records, with a stack's config file.

No gRPC server and no Pulumi CLI: this module builds the ResourceValidationArgs and
StackValidationArgs the CLI would build, resolves enforcement levels and parameters like the
CLI does (rule default < "all" < the rule's own entry; schema defaults < configured values),
and collects what the rules report as Verdicts.

Plan record shape (one per registered resource, components and the stack included):
  {"urn", "type", "name", "parent", "custom", "inputs", "outputs", "protect", "dependencies",
   "propertyDependencies", "provider", "deleteBeforeReplace", "replaceOnChanges",
   "ignoreChanges", "retainOnDelete"}
with "[unknown]" for values unknown at plan time and "[secret]" for secrets.
"""

from __future__ import annotations

import asyncio
import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from inspect import isawaitable
from pathlib import Path
from typing import Any, Literal

import jsonschema
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from policies.rules import ALL_POLICIES, PACK_ENFORCEMENT_LEVEL
from policies.rules.lib.params import effective_config

from .compat import UNKNOWN_STRING_VALUE, NotApplicableError, UnknownValueError, unknown_checking_proxy
from .engine import UNKNOWN_MARKER
from .render import table_cell as cell
from .stackfile import ROOT

CONFIG_DIR = ROOT / "policies" / "config"

Level = Literal["mandatory", "advisory", "disabled"]
Kind = Literal["violation", "note"]


@dataclass(frozen=True)
class Verdict:
    """One finding: a violation, or a note (value unknown at plan time, rule not applicable)."""

    policy: str
    level: Level
    urn: str | None
    resource_name: str | None
    resource_type: str | None
    message: str
    kind: Kind


@dataclass(frozen=True)
class PolicySettings:
    level: EnforcementLevel
    config: dict[str, Any]


# --- configuration -------------------------------------------------------------------------


def config_path_for(stack: str) -> Path:
    """The convention shared with CI: policies/config/<stack>.json."""
    return CONFIG_DIR / f"{stack}.json"


def policy_config_for(stack: str, tier: str | None) -> Path:
    """A stack's own policy config, else its tier's: a team's new stack needs no new file."""
    for candidate in (config_path_for(stack), config_path_for(str(tier))):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"no policy config {config_path_for(stack)} nor one for tier '{tier}'")


def load_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise FileNotFoundError(f"no policy pack config at {path}")
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        return {}  # the CLI takes an empty file as no config (analyzer/config.go)
    data = json.loads(text)
    if not isinstance(data, dict):
        raise TypeError(f"{path}: a policy pack config is a JSON object")
    return data


LEVELS = tuple(level.value for level in EnforcementLevel)  # advisory, mandatory, remediate, disabled
# The CLI's own key: ESC environment references, not a rule (pulumi/pulumi pkg/resource/analyzer/config.go)
ENVIRONMENTS = "environments"


def config_problems(policies: Sequence[Policy], raw: Mapping[str, Any]) -> list[str]:
    """Every problem of a policy pack config, each naming its entry: what the CLI refuses (a level
    that is not one, an entry that is neither a level nor an object, a parameter of the wrong type)
    and what it would silently ignore (a rule or a parameter the pack does not have)."""
    by_name = {p.name: p for p in policies}
    problems: list[str] = []
    for name, value in raw.items():
        if name == ENVIRONMENTS:
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                problems.append(f'"{ENVIRONMENTS}": must be a list of ESC environment names')
            continue
        policy = by_name.get(name)
        if policy is None and name != "all":
            close = difflib.get_close_matches(name, list(by_name), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(f'"{name}": no rule of the pack has this name{hint}')
            continue
        if isinstance(value, str):
            level, params = value, {}
        elif isinstance(value, dict):
            params = dict(value)
            level = params.pop("enforcementLevel", None)
        else:
            problems.append(f'"{name}": must be an enforcement level or an object, not {json.dumps(value)}')
            continue
        if level is not None and level not in LEVELS:
            problems.append(f'"{name}": {json.dumps(level)} is not an enforcement level ({", ".join(LEVELS)})')
        if policy is None:  # "all" carries a level only
            problems += [f'"all".{key}: "all" takes only an enforcement level' for key in params]
            continue
        problems += _parameter_problems(policy, params)
    return problems


def _parameter_problems(policy: Policy, given: Mapping[str, Any]) -> list[str]:
    schema = policy.config_schema
    properties = dict(schema.properties) if schema else {}
    problems = [
        f'"{policy.name}".{key}: the rule has no such parameter ({", ".join(sorted(properties)) or "none"})'
        for key in given
        if key not in properties
    ]
    defaults = {k: v["default"] for k, v in properties.items() if "default" in v}
    validator = jsonschema.Draft7Validator(
        {
            "type": "object",
            "properties": properties,
            **({"required": schema.required} if schema and schema.required else {}),
        }
    )
    for error in sorted(validator.iter_errors({**defaults, **given}), key=lambda e: list(e.path)):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path)
        problems.append(f'"{policy.name}"{where}: {error.message}')
    return problems


def _entry(value: Any) -> tuple[EnforcementLevel | None, dict[str, Any]]:
    if isinstance(value, str):
        return EnforcementLevel(value), {}
    props = dict(value)
    level = props.pop("enforcementLevel", None)
    return (EnforcementLevel(level) if level is not None else None), props


def resolve(policies: Sequence[Policy], raw: Mapping[str, Any]) -> dict[str, PolicySettings]:
    """Each policy's enforcement level and parameters, reconciled as the Pulumi CLI does."""
    problems = config_problems(policies, raw)
    if problems:
        # The CLI ignores unknown names silently; offline a typo must not disable a rule unnoticed.
        raise ValueError("the policy pack config has problems: " + "; ".join(problems))
    all_level = _entry(raw["all"])[0] if "all" in raw else None
    settings: dict[str, PolicySettings] = {}
    for policy in policies:
        level = policy.enforcement_level or PACK_ENFORCEMENT_LEVEL
        if all_level is not None:
            level = all_level
        given: dict[str, Any] = {}
        if policy.name in raw:
            own_level, given = _entry(raw[policy.name])
            level = own_level or level
        properties = dict(policy.config_schema.properties) if policy.config_schema else {}
        defaults = {k: v["default"] for k, v in properties.items() if "default" in v}
        settings[policy.name] = PolicySettings(level, effective_config((), {**defaults, **given}))
    return settings


def resolve_enforcement(stack: str, config_path: Path | None = None) -> dict[str, Level]:
    """Policy name -> enforcement level for a stack (remediate counts as mandatory)."""
    settings = resolve(ALL_POLICIES, load_config(config_path or config_path_for(stack)))
    return {name: _level(s.level) for name, s in settings.items()}


def _level(level: EnforcementLevel) -> Level:
    if level == EnforcementLevel.DISABLED:
        return "disabled"
    if level == EnforcementLevel.ADVISORY:
        return "advisory"
    return "mandatory"  # remediate is reported as mandatory by the CLI


# --- plan records -> what the CLI would hand the policies ------------------------------------


def _engine_value(value: Any) -> Any:
    """Offline unknown markers become the engine's sentinels, so reading one raises in the
    rules exactly as in `pulumi preview`."""
    if isinstance(value, str) and value == UNKNOWN_MARKER:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, dict):
        return {k: _engine_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_engine_value(v) for v in value]
    return value


def _props(values: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return unknown_checking_proxy(_engine_value(dict(values or {})))


def _stack_props(record: Mapping[str, Any]) -> Mapping[str, Any]:
    # The CLI hands stack policies the final outputs, and azure-native outputs echo the inputs.
    # Offline outputs come from the mock engine and may be sparse: lay them over the inputs,
    # keeping a known input where the output is unknown.
    merged = dict(record.get("inputs") or {})
    for key, value in (record.get("outputs") or {}).items():
        if value == UNKNOWN_MARKER and key in merged:
            continue
        merged[key] = value
    return _props(merged)


def _options(record: Mapping[str, Any]) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=bool(record.get("protect", False)),
        ignore_changes=list(record.get("ignoreChanges") or []),
        delete_before_replace=record.get("deleteBeforeReplace"),
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=record.get("parent"),
    )


def _provider(record: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]]) -> PolicyProviderResource | None:
    reference = record.get("provider") or ""
    urn = reference.rsplit("::", 1)[0] if "::" in reference else reference
    provider = by_urn.get(urn)
    if provider is None:
        return None
    return PolicyProviderResource(provider["type"], _props(provider.get("inputs")), urn, provider["name"])


def stack_resources(records: Sequence[Mapping[str, Any]]) -> list[PolicyResource]:
    """The PolicyResource graph a stack policy sees (parents and dependencies linked)."""
    by_urn = {r["urn"]: r for r in records}
    resources = {
        r["urn"]: PolicyResource(
            r["type"], _stack_props(r), r["urn"], r["name"], _options(r), _provider(r, by_urn), None, [], {}
        )
        for r in records
    }
    for record in records:
        resource = resources[record["urn"]]
        parent = record.get("parent")
        if parent in resources:
            resource.parent = resources[parent]
        resource.dependencies = [resources[d] for d in record.get("dependencies") or [] if d in resources]
        resource.property_dependencies = {
            prop: [resources[d] for d in urns if d in resources]
            for prop, urns in (record.get("propertyDependencies") or {}).items()
        }
    return list(resources.values())


def _judged_by_resource_rules(record: Mapping[str, Any]) -> bool:
    # Components, the stack and providers are not cloud resources (rules also filter by type).
    return record.get("custom", True) is not False and not str(record["type"]).startswith("pulumi:")


# --- evaluation --------------------------------------------------------------------------


def _run(policy: Policy, args: Any, report: Any) -> None:
    result = policy.validate(args, report)  # type: ignore[attr-defined]
    if isawaitable(result):
        asyncio.run(_await(result))


async def _await(result: Any) -> None:
    await result


def evaluate(resources: list[dict[str, Any]], stack: str, config_path: Path | None = None) -> list[Verdict]:
    """Evaluate every policy of the pack on a stack's plan records.

    `config_path` defaults to policies/config/<stack>.json (the file CI passes to
    `--policy-pack-config`). Disabled policies do not run, as with the CLI.
    """
    records = list(resources)
    by_urn = {r["urn"]: r for r in records}
    settings = resolve(ALL_POLICIES, load_config(config_path or config_path_for(stack)))
    verdicts: list[Verdict] = []
    graph: list[PolicyResource] | None = None

    for policy in ALL_POLICIES:
        setting = settings[policy.name]
        if setting.level == EnforcementLevel.DISABLED:
            continue
        level = _level(setting.level)

        def add(
            message: str, urn: str | None, kind: Kind = "violation", policy: Policy = policy, level: Level = level
        ) -> None:
            record = by_urn.get(urn) if urn else None
            verdicts.append(
                Verdict(
                    policy=policy.name,
                    level=level if kind == "violation" else "advisory",
                    urn=urn,
                    resource_name=record["name"] if record else None,
                    resource_type=record["type"] if record else None,
                    message=message,
                    kind=kind,
                )
            )

        if isinstance(policy, ResourceValidationPolicy):
            for record in filter(_judged_by_resource_rules, records):
                args = ResourceValidationArgs(
                    record["type"],
                    _props(record.get("inputs")),
                    record["urn"],
                    record["name"],
                    _options(record),
                    _provider(record, by_urn),
                    setting.config,
                    {},
                )
                urn = record["urn"]
                try:
                    _run(policy, args, lambda message, _urn=None, urn=urn: add(message, urn))
                except UnknownValueError as err:
                    add(err.message, urn, "note")
                except NotApplicableError as err:
                    add(f"not applicable: {err.reason or 'policy does not apply'}", urn, "note")
        elif isinstance(policy, StackValidationPolicy):
            graph = graph if graph is not None else stack_resources(records)
            stack_args = StackValidationArgs(graph, setting.config, {})
            try:
                _run(policy, stack_args, lambda message, urn=None: add(message, urn))
            except UnknownValueError as err:
                add(err.message, None, "note")
            except NotApplicableError as err:
                add(f"not applicable: {err.reason or 'policy does not apply'}", None, "note")
    return verdicts


# --- reporting ---------------------------------------------------------------------------


def has_mandatory_failures(verdicts: Iterable[Verdict]) -> bool:
    return any(v.kind == "violation" and v.level == "mandatory" for v in verdicts)


def format_table(verdicts: Iterable[Verdict]) -> str:
    """A Markdown table (rule, resource, level, message): readable as text, rendered on GitHub."""
    rows = ["| rule | resource | level | message |", "|---|---|---|---|"]
    for v in verdicts:
        resource = f"{v.resource_name} ({v.resource_type})" if v.resource_name else "(stack)"
        level = v.level if v.kind == "violation" else "note"
        rows.append(f"| {cell(v.policy)} | {cell(resource)} | {level} | {cell(v.message)} |")
    return "\n".join(rows)


def summarize(verdicts: Sequence[Verdict]) -> str:
    """A one-line count followed by the table (or a line saying nothing was found)."""
    mandatory = sum(v.kind == "violation" and v.level == "mandatory" for v in verdicts)
    advisory = sum(v.kind == "violation" and v.level == "advisory" for v in verdicts)
    notes = sum(v.kind == "note" for v in verdicts)
    head = f"Policy pack: {mandatory} mandatory violation(s), {advisory} advisory violation(s), {notes} note(s)."
    if not verdicts:
        return head
    return f"{head}\n\n{format_table(verdicts)}"

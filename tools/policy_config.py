"""Generate the policy pack's per-tier config files and its rule catalogue from their one source.

Each rule declares its enforcement level per tier (`Levels`) and where each parameter's value
comes from (`Param`: the rule, or a setting); the settings' tier defaults (components/settings)
give the caps. From those this tool writes:

- policies/config/<tier>.json: what `pulumi preview --policy-pack-config` takes and the offline
  plan reads (a stack without a file of its own uses its tier's);
- the generated blocks of policies/README.md: the rule catalogue, the parameters per tier, and
  where staging's levels differ from prod's.

`python -m tools.policy_config` rewrites what is stale (`make docs` runs it); `--check` exits 1
naming the stale files and writes nothing (the tests run the same comparison).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from components.settings.tiers import TIER_DEFAULTS
from policies.rules import ALL_POLICIES, ALL_RULES, BASELINE
from policies.rules.lib.params import Param
from policies.rules.lib.rule import Rule
from policies.rules.lib.tiers import TIERS
from tools.docs import replace_block
from tools.plan.policy import CONFIG_DIR, resolve
from tools.plan.stackfile import ROOT

README = ROOT / "policies" / "README.md"
COMMAND = "make docs"  # (python -m tools.policy_config)
_SHORT = {"mandatory": "M", "advisory": "A", "disabled": "-"}


class GenerationError(Exception):
    """A declaration the generator cannot turn into a config file (named in the message)."""


def _check_tiers() -> None:
    if set(TIERS) != set(TIER_DEFAULTS):
        raise GenerationError(
            f"the pack's tiers ({', '.join(TIERS)}) differ from the settings' ({', '.join(TIER_DEFAULTS)}): "
            "policies/rules/lib/tiers.py and components/settings/tiers.py must list the same"
        )


def setting_value(rule: Rule, param: Param, tier: str) -> Any:
    """The tier default of the stack-file key a parameter names (`compute.maxNodesPerCluster`)."""
    node: Any = TIER_DEFAULTS[tier]
    for part in str(param.setting).split("."):
        if not isinstance(node, dict) or part not in node:
            raise GenerationError(
                f"{rule.rule_id} {param.name}: tier {tier} has no default for ml-platform:{param.setting}"
            )
        node = node[part]
    return node


def param_value(rule: Rule, param: Param, tier: str) -> Any:
    if param.tiers is not None:
        return param.tiers.of(tier)
    if param.setting is not None:
        return setting_value(rule, param, tier)
    return param.fallback


def tier_config(tier: str) -> dict[str, Any]:
    """A tier's config file: every rule with its level, and the parameters that vary by tier."""
    document: dict[str, Any] = {"all": BASELINE.of(tier).value}
    for rule in ALL_RULES:
        entry: dict[str, Any] = {"enforcementLevel": rule.levels.of(tier).value}
        for param in rule.params:
            if param.per_tier:
                entry[param.name] = param_value(rule, param, tier)
        document[rule.name] = entry
    try:
        resolve(ALL_POLICIES, document)  # the offline evaluator's checks: schemas, known rules
    except Exception as error:
        raise GenerationError(f"policies/config/{tier}.json would be invalid: {error}") from error
    return document


def config_files() -> dict[Path, str]:
    _check_tiers()
    return {CONFIG_DIR / f"{tier}.json": json.dumps(tier_config(tier), indent=2) + "\n" for tier in TIERS}


# --- the README's generated blocks --------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    return str(value)


def catalogue() -> str:
    rows = [
        [
            rule.rule_id,
            f"`{rule.name}`" + (" (stack)" if rule.is_stack_rule else ""),
            rule.summary,
            rule.sources,
            *(_SHORT[rule.levels.of(tier).value] for tier in TIERS),
        ]
        for rule in ALL_RULES
    ]
    return _table(["id", "rule name", "what it checks", "sources", *TIERS], rows)


def _source(param: Param) -> str:
    if param.setting is not None:
        return f"settings: `ml-platform:{param.setting}` (tier default)"
    if param.tiers is not None:
        return "the rule, per tier"
    return "the rule's default (not in the config files)"


def _per_tier(rule: Rule, param: Param) -> list[str]:
    shown = [_show(param_value(rule, param, tier)) for tier in TIERS]
    return [shown[0], *("same" if s == shown[0] else s for s in shown[1:])]


def parameters() -> str:
    rows = [
        [
            rule.rule_id,
            f"`{param.name}`",
            str(param.schema.get("description", "")),
            *_per_tier(rule, param),
            _source(param),
        ]
        for rule in ALL_RULES
        for param in rule.params
    ]
    return _table(["rule", "parameter", "meaning", *TIERS, "value from"], rows)


def staging_levels() -> str:
    rows = [
        [rule.rule_id, _SHORT[rule.levels.prod.value], _SHORT[rule.levels.staging.value], rule.levels.why]
        for rule in ALL_RULES
        if rule.levels.staging != rule.levels.prod
    ]
    return _table(["rule", "prod", "staging", "why"], rows)


def render_readme(readme: str) -> str:
    readme = replace_block(readme, "rule-catalogue", catalogue())
    readme = replace_block(readme, "rule-parameters", parameters())
    return replace_block(readme, "staging-levels", staging_levels())


def generated() -> dict[Path, str]:
    """Every generated file and the text it must have."""
    return {**config_files(), README: render_readme(README.read_text())}


def main(argv: list[str]) -> int:
    try:
        wanted = generated()
    except GenerationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    stale = [path for path, text in wanted.items() if not path.is_file() or path.read_text() != text]
    if "--check" in argv:
        if stale:
            names = ", ".join(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in stale)
            print(f"stale generated policy files: {names}: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    for path in stale:
        path.write_text(wanted[path])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The pack as a whole: its rule catalogue, its entry point, and what it may import."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import yaml
from pulumi_policy import Policy

import policies.rules
from policies.rules import ALL_POLICIES, ALL_RULES, FAMILIES, RULE_MODULES
from policies.rules.lib.rule import Rule
from tests.policies.rule_cases import SERVICES, ResourceCase, StackCase, unset_passes

PACK = Path(policies.rules.__file__).resolve().parents[1]
NAME = re.compile(rf"^({'|'.join(f.lower() for f in FAMILIES)})-\d{{2}}(-[a-z0-9]+)+$")


def rule_id(policy: Policy) -> str:
    return policy.description.split(":", 1)[0]


def test_all_rules_is_every_rule_defined_in_the_rule_modules() -> None:
    found: list[Rule] = []
    for info in pkgutil.iter_modules(policies.rules.__path__):
        module = importlib.import_module(f"policies.rules.{info.name}")
        found += [v for v in vars(module).values() if isinstance(v, Rule)]
    assert {id(r) for r in found} == {id(r) for r in ALL_RULES}
    assert len(ALL_RULES) == len({id(r) for r in ALL_RULES})
    assert [r.policy for r in ALL_RULES] == ALL_POLICIES
    assert sorted(m.__name__.rsplit(".", 1)[-1] for m in RULE_MODULES) == sorted(
        info.name for info in pkgutil.iter_modules(policies.rules.__path__) if not info.ispkg
    )


def test_rules_are_listed_in_checklist_order_whichever_module_holds_them() -> None:
    ids = [r.rule_id for r in ALL_RULES]
    families = list(dict.fromkeys(i.split("-")[0] for i in ids))
    assert families == list(FAMILIES)
    assert ids == sorted(ids, key=lambda i: (FAMILIES.index(i.split("-")[0]), int(i.split("-")[1])))
    # STK-06 lives in iam.py, yet is listed after STK-05 (stack.py) and before STK-07 (network.py)
    assert ids.index("STK-05") < ids.index("STK-06") < ids.index("STK-07")


def test_names_are_unique_kebab_case_and_prefixed_by_their_checklist_id() -> None:
    names = [p.name for p in ALL_POLICIES]
    assert len(names) == len(set(names))
    for policy in ALL_POLICIES:
        assert NAME.match(policy.name), policy.name
        assert policy.name.startswith(rule_id(policy).lower() + "-"), policy.name


def test_each_service_test_module_lists_the_checklist_rows_of_its_rules() -> None:
    for rules, tests in SERVICES:
        assert set(tests.CHECKLIST) == {r.rule_id for r in rules.RULES}, tests.__name__


def test_descriptions_cite_id_and_sources_exactly_as_the_checklist() -> None:
    for rules, tests in SERVICES:
        for rule in rules.RULES:
            sources = tests.CHECKLIST[rule.rule_id]
            assert rule.policy.description == f"{rule.rule_id}: {rule.summary} Sources: {sources}.", rule.name
            if rule.rule_id.startswith("STK-"):  # the checklist's stack rules have no external source
                assert (rule.is_stack_rule, sources) == (True, "custom stack rule"), rule.name


def test_every_rule_has_a_passing_and_a_failing_case_in_its_service_tests() -> None:
    for rules, tests in SERVICES:
        names = {r.name for r in rules.RULES}
        assert {c.policy for c in tests.CASES} <= names, f"{tests.__name__} has cases of other modules' rules"
        for rule in rules.RULES:
            mine = [c for c in tests.CASES if c.policy == rule.name]
            kind = StackCase if rule.is_stack_rule else ResourceCase
            assert all(isinstance(c, kind) for c in mine), rule.name
            assert any(c.fails_with is None for c in mine), f"{rule.name}: no passing case"
            assert any(c.fails_with is not None for c in mine), f"{rule.name}: no failing case"


def test_a_rule_passes_an_unset_property_only_where_azures_default_is_secure() -> None:
    """Azure's default for an unset property is often the insecure one (publicNetworkAccess is
    Enabled): every property a rule reads in a passing case must make it fail when left out, or
    be listed in its service's UNSET_IS_SECURE with the reason the default is safe there."""
    for rules, tests in SERVICES:
        names = {r.name for r in rules.RULES}
        found = {
            (case.policy, path)
            for case in tests.CASES
            if isinstance(case, ResourceCase) and case.fails_with is None and case.policy in names
            for path in unset_passes(case)
        }
        assert found == set(getattr(tests, "UNSET_IS_SECURE", {})), tests.__name__


def test_each_rule_defaults_to_its_prod_level() -> None:
    for rule in ALL_RULES:
        assert rule.policy.enforcement_level == rule.levels.prod, rule.name


def test_a_rule_explains_each_staging_level_that_differs_from_prod() -> None:
    for rule in ALL_RULES:
        assert bool(rule.levels.why) == (rule.levels.staging != rule.levels.prod), rule.name


def test_every_parameter_default_is_valid_for_its_schema_and_only_settings_have_none() -> None:
    import jsonschema

    for rule in ALL_RULES:
        schema = rule.policy.config_schema
        assert (schema is None) == (not rule.params), rule.name
        for param in rule.params:
            full = schema.properties[param.name] if schema else {}
            assert ("default" in full) == (param.setting is None), f"{rule.name}.{param.name}"
            if "default" in full:
                jsonschema.validate(full["default"], full)
            for _tier, value in param.tiers.items() if param.tiers else ():
                jsonschema.validate(value, full)


def test_main_only_builds_the_pack_from_all_policies() -> None:
    tree = ast.parse((PACK / "__main__.py").read_text())
    body = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    imports = [n for n in body if isinstance(n, ast.ImportFrom)]
    calls = [n for n in body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
    assert len(imports) + len(calls) == len(body), "nothing but imports and the pack"
    assert {(i.module, a.name) for i in imports for a in i.names} >= {
        ("pulumi_policy", "PolicyPack"),
        ("rules", "ALL_POLICIES"),
    }
    assert len(calls) == 1
    call = calls[0].value
    assert isinstance(call, ast.Call)
    assert isinstance(call.func, ast.Name)
    assert call.func.id == "PolicyPack"
    policies_arg = {k.arg: k.value for k in call.keywords}["policies"]
    assert isinstance(policies_arg, ast.Name)
    assert policies_arg.id == "ALL_POLICIES"


def test_no_other_module_constructs_the_pack() -> None:
    for path in PACK.rglob("*.py"):
        if path.name == "__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
                name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
                assert name != "PolicyPack", path


# What the CLI runs may only use what policies/requirements.txt installs, and the pack itself.
RUNTIME = {"pulumi_policy", "__future__"} | set(sys.stdlib_module_names)


def outside_imports(path: Path, pack: Path) -> list[str]:
    """The imports of a pack file that reach outside the pack (or that work only one way).

    The CLI runs the pack with `pack` on sys.path (the rules are the top-level package `rules`),
    the offline plan imports it as `policies.rules`: so __main__.py imports `rules` absolutely,
    and everything under rules/ imports the pack relatively, never above rules/.
    """
    parts = path.relative_to(pack).parts
    in_rules = parts[0] == "rules"
    depth = len(parts) - 1  # packages between the pack and the file: rules/lib/x.py -> 2
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            if not in_rules or node.level > depth:
                found.append(f"{'.' * node.level}{node.module or ''} (above rules/)")
        elif isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            if top not in RUNTIME and not (top == "rules" and not in_rules):
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] not in RUNTIME]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):
            found.append("a dynamic import")
    return found


def test_the_pack_imports_nothing_outside_itself() -> None:
    files = [p for p in PACK.rglob("*.py") if p != PACK / "__init__.py"]  # (that one: offline only)
    assert {p.relative_to(PACK).parts[0] for p in files} == {"__main__.py", "rules"}
    offenders = {str(p.relative_to(PACK)): outside_imports(p, PACK) for p in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_props_reads_pulumi_policys_internals() -> None:
    # The pack's one fence: pulumi_policy.proxy (unknown values) is read in lib/props.py only,
    # and nothing in the pack uses a private name of pulumi_policy.
    users = {}
    for path in PACK.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pulumi_policy"):
                assert not any(a.name.startswith("_") for a in node.names), path
                if node.module != "pulumi_policy":
                    users.setdefault(str(path.relative_to(PACK)), set()).add(node.module)
    assert users == {"rules/lib/props.py": {"pulumi_policy.proxy"}}


def test_the_import_check_catches_what_would_break_the_standalone_pack(tmp_path: Path) -> None:
    (tmp_path / "rules" / "lib").mkdir(parents=True)
    bad = tmp_path / "rules" / "lib" / "bad.py"
    bad.write_text(
        "import yaml\n"
        "from components.settings.tiers import TIER_DEFAULTS\n"
        "from tools.plan import compat\n"
        "from ...tools import x\n"
        "from rules.lib import props\n"
        "from . import props as ok\n"
        "from .. import ml as fine\n"
        "import importlib\n"
        "importlib.import_module('components')\n"
    )
    assert outside_imports(bad, tmp_path) == [
        "yaml",
        "components.settings.tiers",
        "tools.plan",
        "...tools (above rules/)",
        "rules.lib",
        "a dynamic import",
    ]
    main = tmp_path / "__main__.py"
    main.write_text("from rules import ALL_POLICIES\nfrom .rules import x\n")
    assert outside_imports(main, tmp_path) == [".rules (above rules/)"]


def test_the_cli_entry_point_registers_every_rule(tmp_path: Path) -> None:
    # Run __main__.py the way `pulumi-analyzer-policy-python` does (runpy.run_path on the
    # pack directory), with PolicyPack replaced by a recorder so no gRPC server starts.
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import runpy, sys, pulumi_policy\n"
        "class Recorder:\n"
        "    def __init__(self, name, policies, enforcement_level=None, **_):\n"
        "        print(name, enforcement_level.value)\n"
        "        print('\\n'.join(f'{p.name} {p.enforcement_level.value}' for p in policies))\n"
        "pulumi_policy.PolicyPack = Recorder\n"
        "runpy.run_path(sys.argv[1], run_name='__main__')\n"
    )
    out = subprocess.run(
        [sys.executable, str(probe), str(PACK)], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout.split()
    assert out[:2] == ["azure-ml-platform", "mandatory"]
    assert out[2:] == [word for r in ALL_RULES for word in (r.name, r.levels.prod.value)]


def test_policy_project_file_declares_the_python_runtime() -> None:
    project = yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text())
    runtime = project["runtime"]
    assert (runtime if isinstance(runtime, str) else runtime["name"]) == "python"
    assert project["description"]
    requirements = (PACK / "requirements.txt").read_text().split()
    assert {r.split("==")[0] for r in requirements if "==" in r} == {"pulumi", "pulumi-policy"}


def test_the_cli_runs_the_pack_in_the_virtualenv_make_venv_builds() -> None:
    """Pulumi's policy project file: `runtime: {name: python, options: {virtualenv: <path>}}`, "Path to
    a Python virtual environment to use when running the policy pack"; the Python language host
    resolves it relative to the pack's directory (pulumi-language-python: "Resolve virtualenv path
    relative to root"). Without it the CLI runs the system python3, which lacks pulumi_policy."""
    runtime = yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text())["runtime"]
    assert runtime["name"] == "python"
    virtualenv = (PACK / runtime["options"]["virtualenv"]).resolve()
    makefile = (PACK.parent / "Makefile").read_text()
    venv = re.search(r"^VENV\s*\?=\s*(\S+)", makefile, re.MULTILINE)
    assert venv is not None
    assert virtualenv == (PACK.parent / venv.group(1)).resolve()
    # and make builds that virtualenv from the plan's set first, which holds the pack's own requirements
    assert "$(BOOTSTRAP) $(VENV) requirements-plan.txt" in makefile
    assert "-r policies/requirements.txt" in (PACK.parent / "requirements-plan.txt").read_text()

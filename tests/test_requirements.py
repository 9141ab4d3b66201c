"""The requirements files say what each set is for: requirements-plan.txt holds what the offline
plan imports (and nothing it does not), every file pins exactly and names no package index."""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable
from importlib.metadata import distribution, packages_distributions
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PLAN_REQUIREMENTS = ROOT / "requirements-plan.txt"
REQUIREMENTS = sorted([*ROOT.glob("requirements*.txt"), ROOT / "policies" / "requirements.txt"])
# The code `python -m tools.plan` runs: the plan itself, the program and the policy pack's rules.
PLAN_CODE = ("tools/plan", "components", "policies", "__main__.py")
FIRST_PARTY = {"tools", "components", "policies", "rules", "__main__"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path: Path) -> Iterable[str]:
    for line in path.read_text().splitlines():
        if stripped := line.split("#", 1)[0].strip():
            yield stripped


def pins(path: Path, *, follow: bool = True) -> dict[str, str]:
    """name -> version of a requirements file (and of the files it includes with -r)."""
    found: dict[str, str] = {}
    for line in requirement_lines(path):
        if line.startswith("-r "):
            if follow:
                found |= pins(path.parent / line.removeprefix("-r ").strip())
        else:
            name, _, version = line.partition("==")
            found[canonical(name)] = version
    return found


def closure(names: Iterable[str]) -> set[str]:
    """The distributions installing `names` brings in (their Requires-Dist, markers evaluated)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = canonical(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for spec in distribution(name).requires or []:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def imported_modules(paths: Iterable[Path]) -> set[str]:
    """Dotted names of the third-party modules the files import (at any depth, in functions too)."""
    found: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
    return {m for m in found if m.split(".")[0] not in FIRST_PARTY and m.split(".")[0] not in sys.stdlib_module_names}


def distributions_of(modules: Iterable[str]) -> dict[str, str]:
    """module -> the distribution that installs it (for a shared namespace like `google`, the one
    whose files hold the module's own folder)."""
    by_top = packages_distributions()
    owners: dict[str, str] = {}
    for module in modules:
        candidates = by_top.get(module.split(".")[0], [])
        if len(candidates) > 1:
            folder = "/".join(module.split(".")[:2])
            candidates = [
                c for c in candidates if any(str(f).startswith(folder + "/") for f in distribution(c).files or [])
            ]
        assert len(candidates) == 1, f"{module}: installed by {candidates or 'nothing'}"
        owners[module] = canonical(candidates[0])
    return owners


def plan_files() -> list[Path]:
    return [
        p for entry in PLAN_CODE for p in ([ROOT / entry] if entry.endswith(".py") else (ROOT / entry).rglob("*.py"))
    ]


def not_installed_by(modules: Iterable[str], requirements: Path) -> dict[str, str]:
    """The modules (-> their distribution) that installing `requirements` would not bring in."""
    installed = closure(pins(requirements))
    return {m: d for m, d in distributions_of(modules).items() if d not in installed}


def test_the_plan_imports_nothing_that_its_requirements_do_not_install() -> None:
    modules = imported_modules(plan_files())
    assert {"jsonschema", "pulumi_azure_native", "pulumi_policy", "yaml"} <= {m.split(".")[0] for m in modules}
    assert not_installed_by(modules, PLAN_REQUIREMENTS) == {}


def test_the_plan_requirements_pin_nothing_the_plan_does_not_import() -> None:
    used = set(distributions_of(imported_modules(plan_files())).values())
    assert set(pins(PLAN_REQUIREMENTS, follow=False)) <= used


def test_the_check_names_an_import_the_plan_requirements_would_miss(tmp_path: Path) -> None:
    # requests is installed here (check-jsonschema, a dev tool, needs it), but not by the plan's set
    module = tmp_path / "uses_requests.py"
    module.write_text("def fetch():\n    import requests.adapters\n")
    assert not_installed_by(imported_modules([module]), PLAN_REQUIREMENTS) == {"requests.adapters": "requests"}
    assert not_installed_by(imported_modules([module]), ROOT / "requirements-dev.txt") == {}


def test_the_dev_and_examples_sets_are_what_their_headers_say() -> None:
    dev, plan = pins(ROOT / "requirements-dev.txt"), pins(PLAN_REQUIREMENTS)
    assert plan.items() <= dev.items()  # the tests run the plan
    assert {"pytest", "ruff", "pyright"} <= set(dev) - set(plan)
    # azure-ai-ml lives in its own venv: nothing the plan or the tests install comes with it
    assert set(pins(ROOT / "requirements-examples.txt")) == {"azure-ai-ml"}
    assert set(pins(ROOT / "requirements-bootstrap.txt")) == {"uv"}


def test_every_requirement_is_an_exact_pin_and_no_file_names_an_index() -> None:
    exact = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*==[0-9][0-9A-Za-z.+!-]*$")
    for path in REQUIREMENTS:
        for line in requirement_lines(path):
            assert line.startswith("-r ") or exact.match(line), f"{path.name}: {line}"
            if line.startswith("-r "):
                assert (path.parent / line.removeprefix("-r ").strip()).is_file(), f"{path.name}: {line}"
    for path in [*REQUIREMENTS, ROOT / "Makefile", ROOT / "tools" / "bootstrap.py", ROOT / ".ci" / "run"]:
        assert "://" not in path.read_text(), f"{path.relative_to(ROOT)} names an address"

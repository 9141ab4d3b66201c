"""No import cycle among the project's own modules: components/, tools/, policies/ and __main__.py.

The graph is read from the source with `ast`, nothing is imported. Every import statement is an
edge, wherever it stands: at module level, under `if TYPE_CHECKING:` (two modules that name each
other's types still need each other) and inside functions. A function-local import runs late
enough not to fail, but the dependency is the same; the project's lazy imports (compute's inference
branch, the plan CLI) point one way, so counting them costs nothing and keeps a lazy import from
hiding a cycle.

An import is an edge to the one module it names: `from a.b import c` to `a.b.c` when that is a
module, else to `a.b`. The parent packages Python initialises on the way are not edges: a package
`__init__` that re-exports its submodules (components/settings) would otherwise "cycle" with every
submodule that imports a sibling. The policy pack runs with policies/ on sys.path (`from rules
import ...`), so inside policies/ a top-level name is tried as `policies.<name>` too.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from tools.plan.stackfile import ROOT

PACKAGES = ("components", "tools", "policies")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    files = [path for package in packages for path in sorted((root / package).rglob("*.py"))]
    if (root / "__main__.py").is_file():
        files.append(root / "__main__.py")
    return {module_name(path, root): path for path in files}


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _resolve(name: str, importer: str, modules: dict[str, Path]) -> str | None:
    """The project module an absolute name refers to (itself or its closest enclosing module)."""
    top = name.partition(".")[0]
    if importer.startswith("policies.") and top not in modules and f"policies.{top}" in modules:
        name = f"policies.{name}"  # the pack's own sys.path root: `from rules import ...`
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in modules:
            return prefix
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `module` imports, anywhere in its source."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(module, path).split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join([*base, *([node.module] if node.module else [])])
            else:
                stem = node.module or ""
            # `from pkg import sub` names the submodule when there is one, else pkg itself
            names = [f"{stem}.{alias.name}" for alias in node.names]
        for name in names:
            target = _resolve(name, module, modules)
            if target is not None and target != module:
                found.add(target)
    return found


def import_graph(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    modules = project_modules(root, packages)
    return {module: imports_of(module, path, modules) for module, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path that returns to its start) per strongly connected group of modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                connect(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            group: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_cycle_in(group, graph) for group in groups]


def _cycle_in(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for successor in sorted(graph[node] & group):
                if successor == start:
                    return [*paths[node], start]
                if successor not in paths:
                    paths[successor] = [*paths[node], successor]
                    following.append(successor)
        frontier = following
    raise AssertionError(f"no cycle through {start} in {sorted(group)}")


def test_the_projects_modules_import_each_other_without_a_cycle() -> None:
    graph = import_graph(ROOT)
    assert {"__main__", "components.platform", "policies.rules", "tools.plan.engine"} <= set(graph)
    assert "components.settings.stack" in graph["components.settings.loader"]  # edges are found
    found = [" -> ".join(cycle) for cycle in cycles(graph)]
    assert found == [], "import cycles:\n" + "\n".join(found)


def write(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))


def test_a_cycle_through_a_type_checking_import_is_found_and_named(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "components/__init__.py": "",
            "components/a.py": "from .b import B\n",
            "components/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from components.c import C\n",
            "components/c.py": "from . import a\n",
        },
    )
    assert cycles(import_graph(tmp_path, ("components",))) == [
        ["components.a", "components.b", "components.c", "components.a"]
    ]


def test_a_function_local_import_counts_and_a_re_exporting_package_does_not_cycle(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "components/__init__.py": "",
            # the settings pattern: the package re-exports a submodule that imports its sibling
            "components/settings/__init__.py": "from .stack import Stack\n",
            "components/settings/stack.py": "from .base import Base\n",
            "components/settings/base.py": "Base = object\n",
            "components/x.py": "from components.settings import Stack\n",
        },
    )
    assert cycles(import_graph(tmp_path, ("components",))) == []
    write(tmp_path, {"components/settings/base.py": "def late():\n    from components.x import Stack\n"})
    assert cycles(import_graph(tmp_path, ("components",))) == [
        [
            "components.settings",
            "components.settings.stack",
            "components.settings.base",
            "components.x",
            "components.settings",
        ]
    ]


def test_the_policy_packs_own_root_resolves_inside_policies(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "policies/__init__.py": "",
            "policies/__main__.py": "from rules import ALL\n",
            "policies/rules/__init__.py": "from . import stack\nALL = []\n",
            "policies/rules/stack.py": "from policies.__main__ import x\n",
        },
    )
    graph = import_graph(tmp_path, ("policies",))
    assert graph["policies.__main__"] == {"policies.rules"}
    assert cycles(graph) == [["policies.__main__", "policies.rules", "policies.rules.stack", "policies.__main__"]]

"""The cases a service's test module lists for its rules, and how each is judged.

A `ResourceCase` runs a resource rule on one resource's props, as the CLI wraps them; a
`StackCase` runs a stack rule on the secure platform (policy_fixtures.secure_platform) changed by
one function of the records. `fails_with` None: the rule must report nothing; else a fragment one
of its messages must contain. tests/policies/test_policy_pack.py checks that every rule has a
passing and a failing case in the test module of its service.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any, NamedTuple

from policies.rules import RULE_MODULES
from tests.policies.policy_fixtures import Change, by_name, find, run_resource, run_stack, secure_platform
from tools.plan.compat import UNKNOWN_STRING_VALUE, UnknownValueError


def _strip_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_none(v) for k, v in value.items() if v is not None}
    return value


class ResourceCase(NamedTuple):
    policy: str
    kind: str
    props: dict[str, Any]
    fails_with: str | None  # None: must pass; else a fragment the message must contain
    config: dict[str, Any] | None = None

    def check(self) -> None:
        messages = run_resource(by_name(self.policy), self.kind, _strip_none(self.props), self.config)
        if self.fails_with is None:
            assert messages == []
        else:
            assert any(self.fails_with in m for m in messages), messages


class StackCase(NamedTuple):
    policy: str
    change: Change | None  # None: the secure platform as is
    fails_with: str | None
    config: dict[str, Any] | None = None
    on: tuple[str, ...] = ()  # resources the findings point at (empty: the stack itself)

    def check(self) -> None:
        records = secure_platform()
        if self.change is not None:
            records = self.change(records)
        found = run_stack(by_name(self.policy), records, self.config)
        if self.fails_with is None:
            assert found == []
            return
        matching = [(m, u) for m, u in found if self.fails_with in m]
        assert matching, found
        expected = {find(records, name)["urn"] for name in self.on} if self.on else {None}
        assert {u for _, u in matching} == expected


Case = ResourceCase | StackCase


def _leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif path:
        yield path


def _with(props: dict[str, Any], path: tuple[str, ...], value: Any = None, *, drop: bool = False) -> dict[str, Any]:
    changed = copy.deepcopy(props)
    target = changed
    for key in path[:-1]:
        target = target[key]
    if drop:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


def unset_passes(case: ResourceCase) -> set[str]:
    """The properties of a passing case that its rule reads, yet still passes without.

    A property is read when making it unknown makes the rule raise (the way the CLI's proxy
    reports an unknown value); dropping it then must make the rule fail, unless Azure's default
    for it is secure too (the service's UNSET_IS_SECURE says why)."""
    props = _strip_none(case.props)
    policy = by_name(case.policy)
    found = set()
    for path in _leaves(props):
        try:
            run_resource(policy, case.kind, _with(props, path, UNKNOWN_STRING_VALUE), case.config)
            continue  # the rule does not read it
        except UnknownValueError:
            pass
        if not run_resource(policy, case.kind, _with(props, path, drop=True), case.config):
            found.add(".".join(path))
    return found


def case_id(case: Case) -> str:
    return f"{case.policy}-{case.fails_with or 'ok'}"


def service_tests(rules: ModuleType) -> ModuleType:
    """The test module of a rule module: tests/policies/test_<service>.py (its CHECKLIST rows,
    the SDK names its rules READ, its CASES)."""
    return importlib.import_module(f"tests.policies.test_{rules.__name__.rsplit('.', 1)[-1]}")


SERVICES = [(rules, service_tests(rules)) for rules in RULE_MODULES]

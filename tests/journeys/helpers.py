"""Plan records to evaluate journeys on, and copies of them with a grant or a path taken away."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from tests.planning import Resources
from tools.plan.journeys.azure import ROLE_IDS
from tools.plan.journeys.evaluate import evaluate
from tools.plan.journeys.model import JourneyResult, StepResult

Records = list[dict[str, Any]]


def journeys(res: Resources, records: Records | None = None) -> list[JourneyResult]:
    return evaluate(res.records if records is None else records, res.plan.outputs)


def journey(results: Iterable[JourneyResult], key: str, actor: str | None = None) -> JourneyResult:
    found = [r for r in results if r.key == key and (actor is None or r.actor == actor)]
    assert len(found) == 1, f"expected one {key} for {actor}, found {[(r.key, r.actor) for r in found]}"
    return found[0]


def step(result: JourneyResult, needs: str, on: str, who: str = "") -> StepResult:
    """The one step of a journey whose needs, target and who start with the words given."""
    found = [s for s in result.steps if s.needs.startswith(needs) and s.on.startswith(on) and s.who.startswith(who)]
    assert len(found) == 1, f"expected one step {needs!r} on {on!r}, found {[(s.needs, s.on) for s in found]}"
    return found[0]


def without(records: Records, urn: str) -> Records:
    """The records without one resource and everything that depends on it (as Azure would lack them)."""
    gone = {urn}
    while True:
        more = {r["urn"] for r in records if r["urn"] not in gone and gone & set(r.get("dependencies") or [])}
        if not more:
            return [r for r in records if r["urn"] not in gone]
        gone |= more


def changed(records: Records, urn: str, change: Callable[[dict[str, Any]], None]) -> Records:
    """A deep copy of the records with one record's inputs changed in place by `change`."""
    copied = copy.deepcopy(records)
    for record in copied:
        if record["urn"] == urn:
            change(record["inputs"])
    return copied


def named(records: Records, name: str) -> dict[str, Any]:
    found = [r for r in records if r["name"] == name]
    assert len(found) == 1, f"expected one record named {name}"
    return found[0]


SUBSCRIPTION = "/subscriptions/00000000-0000-0000-0000-000000000000"


def role_id(role: str) -> str:
    return f"{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/{ROLE_IDS[role]}"

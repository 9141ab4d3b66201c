"""The one evaluator: every journey of definitions.py on one stack's plan records and outputs.

`evaluate(records, outputs)` gives one JourneyResult per journey and actor; a journey the stack
does not claim is listed once, unchecked, with the reason. vocabulary.py resolves the words of the
definitions, checks.py and paths.py judge the steps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .azure import PRIVATE_DNS_ZONES
from .checks import SETTINGS, check_role
from .definitions import JOURNEYS
from .facts import PlanFacts
from .model import Journey, JourneyResult, Step, StepResult
from .paths import Outcome, reach_host, reach_resource
from .vocabulary import ACTORS, WHEN, Actor, account_of, on_targets, who_principal, who_vantage


class _Evaluation:
    def __init__(self, facts: PlanFacts, journeys: Iterable[Journey]) -> None:
        self.facts = facts
        self.journeys = {j.key: j for j in journeys}
        self.results: dict[str, list[JourneyResult]] = {}

    def journey(self, key: str) -> list[JourneyResult]:
        if key not in self.results:
            self.results[key] = self._evaluate(self.journeys[key])
        return self.results[key]

    def _evaluate(self, journey: Journey) -> list[JourneyResult]:
        name = f"{journey.key} {journey.title}"
        actors, why = ACTORS[journey.actors](self.facts)
        if journey.needed_when is not None:
            needed, why = WHEN[journey.needed_when](self.facts)
            if not needed:
                return [JourneyResult(journey.key, name, None, False, f"not claimed: {why}")]
        if journey.claimed_when is not None:
            claimed, reason = WHEN[journey.claimed_when](self.facts)
            if not claimed:
                needed = f"needed ({why}), but " if journey.needed_when is not None else ""
                return [JourneyResult(journey.key, name, None, False, f"not claimed: {needed}{reason}")]
            why = f"{why}; {reason}" if journey.needed_when is not None else reason
        if not actors:
            return [JourneyResult(journey.key, name, None, False, f"not claimed: {why}")]
        results = []
        for actor in actors:
            claim = f"claimed: {actor.label}: {why}" if actor.principal else f"claimed: {why}"
            if actor.read_only:
                claim += " (read-only: Reader on the workspace)"
            result = JourneyResult(journey.key, name, actor.label if actor.principal else None, True, claim)
            for step in journey.steps:
                result.steps += self._step(step, actor)
            results.append(result)
        return results

    def _step(self, step: Step, actor: Actor) -> list[StepResult]:
        if step.when is not None and not WHEN[step.when](self.facts)[0]:
            return []
        if step.kind == "journey":
            return [self._after(step)]
        targets = on_targets(self.facts, step.on, actor)
        results = []
        for target in targets:
            needs = step.needs_read_only if actor.read_only and step.needs_read_only else step.needs
            if step.kind == "role":
                principal = who_principal(self.facts, step.who, actor)
                needs = target.role or needs
                outcome = check_role(self.facts, principal, needs, target)
                who = principal.label if principal else step.who
            elif step.kind == "path":
                vantage = who_vantage(self.facts, step.who, actor)
                who = vantage.label
                if target.host is not None:
                    outcome = reach_host(self.facts, vantage, target.host)
                    needs = f"reach {target.host}"
                elif target.arm_id is None:
                    outcome = Outcome(False, target.missing or "no such resource in the plan")
                else:
                    group = target.group or step.needs
                    arm_id = account_of(target) if target.group else target.arm_id
                    outcome = reach_resource(self.facts, vantage, arm_id, group, associated=target.associated)
                    needs = f"reach '{group}'" + (
                        f" (DNS {', '.join(PRIVATE_DNS_ZONES[group])})" if group in PRIVATE_DNS_ZONES else ""
                    )
            else:
                who = step.who
                outcome = Outcome(False, target.missing) if target.missing else SETTINGS[step.needs](self.facts, target)
            results.append(_result(step, who, needs, target.label, outcome))
        return results

    def _after(self, step: Step) -> StepResult:
        journey = self.journeys[step.needs]
        others = self.journey(step.needs)
        needed = journey.needed_when is None or WHEN[journey.needed_when](self.facts)[0]
        if not needed:
            outcome = Outcome(True, f"{step.needs} is not needed: {others[0].claim.removeprefix('not claimed: ')}")
        elif not others[0].claimed:
            outcome = Outcome(False, f"{step.needs} is needed but {others[0].claim}")
        else:
            broken = [r for r in others if not r.ok]
            outcome = Outcome(not broken, f"{step.needs} is broken" if broken else f"{step.needs} holds")
        return _result(step, step.who, f"{step.needs} holds", step.on, outcome)

    def all(self) -> list[JourneyResult]:
        return [result for key in self.journeys for result in self.journey(key)]


def _result(step: Step, who: str, needs: str, on: str, outcome: Outcome) -> StepResult:
    detail = outcome.detail if outcome.ok else f"{outcome.detail}: {step.why}" if step.why else outcome.detail
    return StepResult(
        step.kind, who, needs, on, outcome.ok, step.source, detail, outcome.assumes, sorted(set(outcome.evidence))
    )


def evaluate(
    records: Iterable[Mapping[str, Any]],
    outputs: Mapping[str, Any] | None = None,
    journeys: Iterable[Journey] = JOURNEYS,
) -> list[JourneyResult]:
    """Every journey on one stack's plan records and outputs (plan.json's `resources` and `outputs`)."""
    return _Evaluation(PlanFacts(records, outputs), journeys).all()


def has_broken_claims(results: Iterable[JourneyResult]) -> bool:
    return any(result.broken for result in results)

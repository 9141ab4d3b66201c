"""What a journey is made of (definitions.py writes them as data) and what checking one gives.

A journey is a list of steps. A step says who needs what on which resource, and the Microsoft page
that says so:
- `role`: a role assignment (`needs` the role; a role that includes its permissions also counts);
- `path`: a network path from `who` (a client, a compute's nodes) to `on` (`needs`: the
  private-link group, e.g. `blob`, or a host name);
- `setting`: a property the journey depends on (`needs` names it, the evaluator knows each one);
- `journey`: another journey holds where it is needed (a journey the stack needs but does not
  claim, such as building an image without package egress, fails the step).

`who` and `on` are words of a small vocabulary (the evaluator's WHO and ON tables) that the
evaluator resolves against the plan records; `when` names a condition under which the step applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

StepKind = Literal["role", "path", "setting", "journey"]


@dataclass(frozen=True)
class Step:
    kind: StepKind
    who: str
    needs: str
    on: str
    source: str
    # what fails without it, in the words a user would see it (shown in the plan)
    why: str = ""
    when: str | None = None
    # role steps for an actor with read-only access (Reader on the workspace) need this instead
    needs_read_only: str | None = None


@dataclass(frozen=True)
class Journey:
    key: str
    title: str
    # who walks it: a word of the evaluator's ACTORS table (one journey per actor found)
    actors: str
    steps: tuple[Step, ...]
    # conditions (the evaluator's WHEN table): when the journey is needed at all, and when the stack
    # claims it can do it (a journey needed but not claimed fails the steps that depend on it)
    needed_when: str | None = None
    claimed_when: str | None = None


@dataclass
class StepResult:
    kind: StepKind
    who: str
    needs: str
    on: str
    ok: bool
    source: str
    detail: str
    # what the plan cannot see and the step takes for granted (a client inside the VNet...)
    assumes: str | None = None
    # the URNs of the records that make the step hold (taking one away breaks it)
    evidence: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "kind": self.kind,
            "who": self.who,
            "needs": self.needs,
            "on": self.on,
            "ok": self.ok,
            "source": self.source,
            "detail": self.detail,
            "evidence": self.evidence,
        }
        if self.assumes:
            document["assumes"] = self.assumes
        return document


@dataclass
class JourneyResult:
    key: str
    name: str
    actor: str | None
    claimed: bool
    claim: str
    steps: list[StepResult] = field(default_factory=list)

    @property
    def ok(self) -> bool | None:
        """None when the stack does not claim the journey (nothing was checked)."""
        return all(step.ok for step in self.steps) if self.claimed else None

    @property
    def broken(self) -> bool:
        return self.claimed and not self.ok

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "actor": self.actor,
            "claimed": self.claimed,
            "claim": self.claim,
            "ok": self.ok,
            "steps": [step.to_json() for step in self.steps],
        }


# --- how definitions.py writes steps --------------------------------------------------------


def role(
    who: str, needs: str, *, on: str, source: str, why: str, when: str | None = None, read_only: str | None = None
) -> Step:
    """`who` needs the role `needs` on `on` (or, with read-only access, the role `read_only`)."""
    return Step("role", who, needs, on, source, why, when, read_only)


def path(who: str, to: str, *, on: str, source: str, why: str, when: str | None = None) -> Step:
    """`who` reaches `on`: its private-link group `to` (blob, amlworkspace...) or, for hosts, `on` itself."""
    return Step("path", who, to, on, source, why, when)


def setting(needs: str, *, on: str, source: str, why: str, who: str = "Azure ML", when: str | None = None) -> Step:
    """A property `needs` of `on` that the journey depends on."""
    return Step("setting", who, needs, on, source, why, when)


def after(journey: str, *, on: str, source: str, why: str) -> Step:
    """Another journey holds, or is not needed here."""
    return Step("journey", "Azure ML", journey, on, source, why)

"""Per-tier declarations: a rule's enforcement level, and a parameter's value, in each tier.

The tiers are the settings' (components/settings: dev, staging, prod). The pack runs standalone
and cannot import them; tools/policy_config.py, which generates policies/config/<tier>.json from
these declarations, checks that the two lists agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Generic, TypeVar

from pulumi_policy import EnforcementLevel

MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY
DISABLED = EnforcementLevel.DISABLED

T = TypeVar("T")


@dataclass(frozen=True)
class Tiers(Generic[T]):
    """One value per tier."""

    dev: T
    staging: T
    prod: T

    @classmethod
    def every(cls, value: T) -> Tiers[T]:
        return cls(value, value, value)

    def of(self, tier: str) -> T:
        if tier not in TIERS:
            raise KeyError(f"unknown tier {tier!r} (tiers: {', '.join(TIERS)})")
        return getattr(self, tier)  # type: ignore[no-any-return]

    def items(self) -> Iterator[tuple[str, T]]:
        return ((tier, self.of(tier)) for tier in TIERS)


TIERS: tuple[str, ...] = tuple(f.name for f in fields(Tiers))


@dataclass(frozen=True)
class Levels(Tiers[EnforcementLevel]):
    """A rule's enforcement level per tier. Its prod level is the pack's default for the rule
    (what `pulumi preview --policy-pack policies` uses without a config file). `why` says why
    staging differs from prod, where it does (the rule catalogue shows it)."""

    why: str = ""

    def __post_init__(self) -> None:
        for tier, level in self.items():
            if not isinstance(level, EnforcementLevel):
                raise TypeError(f"{tier}: {level!r} is not an EnforcementLevel")

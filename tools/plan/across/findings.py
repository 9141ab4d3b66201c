"""What a check across environments reports: a violation names both stacks and the subject."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    """`check` failed between stack `first` and stack `second` (the less strict one first, or the
    publisher first for the registry) on `subject`: a rule, a property, a destination, a registry."""

    check: str
    first: str
    second: str
    subject: str
    message: str


@dataclass(frozen=True)
class Note:
    """Something the checks did not compare, and why (never a failure)."""

    check: str
    message: str

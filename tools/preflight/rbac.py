"""Whether a set of Azure RBAC permissions allows an action (pure).

learn.microsoft.com/azure/role-based-access-control/role-definitions: `*` is a wildcard in
Actions and NotActions, matching is case-insensitive, and NotActions subtract from the Actions of
the same permission ("NotActions ... aren't a deny rule"): an action is allowed when one
permission entry has a matching Action and no matching NotAction. The permissions API returns one
entry per role the caller holds at the scope (inherited ones included). Deny assignments and role
assignment conditions are not evaluated here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Permission:
    actions: tuple[str, ...]
    not_actions: tuple[str, ...] = ()


@cache
def _pattern(wildcard: str) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(part) for part in wildcard.split("*")) + "$", re.IGNORECASE)


def _matches(patterns: Sequence[str], action: str) -> bool:
    return any(_pattern(p).match(action) for p in patterns)


def allows(permissions: Iterable[Permission], action: str) -> bool:
    return any(_matches(p.actions, action) and not _matches(p.not_actions, action) for p in permissions)

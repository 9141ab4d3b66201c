"""The pull-request gate over a diff: what a change destroys, unprotects or opens.

Destructive (the plan exits 1 unless acknowledged): a data-bearing resource replaced or deleted,
`protect` removed from a resource that stays, a protected resource deleted, a management lock
deleted. Acknowledged by `ml-platform:allowDestroy: [<name>...]` in the stack file (the reviewed
change itself) or by the pull request's `allow-destroy` label (`--allow-destroy`).

Warnings (shown, never failing): a role assignment deleted, and public network access opened on a
resource that stays (PUBLIC_ACCESS). Whether a stack may be open is the policy pack's call per tier
(a mandatory rule fails the plan already); whether a grant may go is the access model's, and a
journey the stack claims fails the plan when its grant is gone. The gate only makes both visible.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .compare import Entry, Record
from .paths import flatten

DESTRUCTIVE = "destructive"
WARNING = "warning"

LOCK_TYPES = frozenset(
    {
        "azure-native:authorization:ManagementLockByScope",
        "azure-native:authorization:ManagementLockAtResourceGroupLevel",
        "azure-native:authorization:ManagementLockAtResourceLevel",
        "azure-native:authorization:ManagementLockAtSubscriptionLevel",
    }
)
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"


@dataclass(frozen=True)
class Closed:
    """An input (the last steps of its path) whose `closed` value the base had and the head lost."""

    suffix: str
    closed: Any
    what: str


# What "public network access opened" checks, on every resource in both plans. A value removed
# counts as opened: Azure's default for each of these is the open one.
PUBLIC_ACCESS = (
    Closed("publicNetworkAccess", "Disabled", "public network access no longer Disabled"),
    Closed("networkRuleSet.defaultAction", "Deny", "firewall default action no longer Deny"),
    Closed("networkAcls.defaultAction", "Deny", "firewall default action no longer Deny"),
    Closed("allowBlobPublicAccess", False, "anonymous blob access allowed"),
    Closed("allowPublicAccessWhenBehindVnet", False, "public access behind the VNet allowed"),
    Closed("enableNodePublicIp", False, "compute nodes get public IPs"),
    Closed("remoteLoginPortPublicAccess", "Disabled", "SSH port open to the internet"),
    Closed("managedNetwork.isolationMode", "AllowOnlyApprovedOutbound", "outbound no longer approved-only"),
    Closed("apiServerAccessProfile.enablePrivateCluster", True, "AKS API server no longer private"),
)


def _flag(kind: str, level: str, detail: str) -> dict[str, Any]:
    return {"kind": kind, "level": level, "detail": detail}


def _ends_with(path: str, suffix: str) -> bool:
    return path == suffix or path.endswith("." + suffix)


def _opened(base: Record, head: Record) -> Iterator[dict[str, Any]]:
    old, new = flatten(base.get("inputs") or {}), flatten(head.get("inputs") or {})
    for path, value in old.items():
        for check in PUBLIC_ACCESS:
            if _ends_with(path, check.suffix) and value == check.closed and new.get(path) != check.closed:
                after = "removed" if path not in new else repr(new[path])
                yield _flag("public-access-opened", WARNING, f"{path}: {check.closed!r} -> {after} ({check.what})")


def annotate(entries: list[Entry], base: list[Record], head: list[Record]) -> None:
    """Add `flags` to every entry (an empty list where nothing is flagged)."""
    base_by_urn = {r["urn"]: r for r in base}
    head_by_urn = {r["urn"]: r for r in head}
    for entry in entries:
        flags: list[dict[str, Any]] = []
        op = entry["op"]
        old = base_by_urn.get(entry.get("aliasOf", entry["urn"]))
        new = head_by_urn.get(entry["urn"]) if op != "delete" else None
        if entry["stateful"] and op in ("replace", "delete"):
            flags.append(_flag(f"stateful-{op}", DESTRUCTIVE, f"data-bearing {entry['type']} {op}d: its data is lost"))
        if old is not None and old["protect"]:
            if new is not None and not new["protect"]:
                flags.append(_flag("protect-removed", DESTRUCTIVE, "protect removed: `pulumi destroy` could delete it"))
            if op == "delete":
                flags.append(_flag("protected-delete", DESTRUCTIVE, "a protected resource deleted"))
        if op == "delete" and entry["type"] in LOCK_TYPES:
            flags.append(_flag("lock-removed", DESTRUCTIVE, "a CanNotDelete lock removed"))
        if op == "delete" and entry["type"] == ROLE_ASSIGNMENT:
            flags.append(_flag("grant-removed", WARNING, "a role assignment removed"))
        if old is not None and new is not None:
            flags += _opened(old, new)
        entry["flags"] = flags


@dataclass(frozen=True)
class Verdict:
    blocking: list[Entry]  # entries with a destructive flag nobody acknowledged
    stale: list[str]  # allowDestroy names that match no destructive change

    @property
    def failed(self) -> bool:
        return bool(self.blocking or self.stale)


def destructive(entry: Entry) -> bool:
    return any(flag["level"] == DESTRUCTIVE for flag in entry["flags"])


def judge(entries: list[Entry], allow_destroy: Iterable[str], label: bool) -> Verdict:
    """Mark each destructive flag `acknowledged` (by allowDestroy or the label) and say what blocks.

    A name in allowDestroy that matches no destructive change fails too: left in the stack file, it
    would wave through the next destruction of that name without anyone reviewing it."""
    allowed = set(allow_destroy)
    blocking: list[Entry] = []
    for entry in entries:
        if not destructive(entry):
            continue
        by = "allowDestroy" if entry["name"] in allowed else "label" if label else None
        for flag in entry["flags"]:
            if flag["level"] == DESTRUCTIVE:
                flag["acknowledged"] = by
        if by is None:
            blocking.append(entry)
    names = {e["name"] for e in entries if destructive(e)}
    return Verdict(blocking, [name for name in allow_destroy if name not in names])

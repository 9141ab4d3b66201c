"""Compare two offline plans of one stack resource by resource: what `pulumi preview` would do.

Each resource URN in either plan gets one entry: `op` (create, update, replace, delete, same), the
input paths that differ, the reasons for a replacement and whether the resource holds data. Only
inputs are compared: outputs are the mock engine's stand-ins for what Azure returns. A value
unknown at plan time ("[unknown]") cannot be compared: its path is listed under `unknown`, never
as a change. Secrets are the same placeholder on both sides, so a changed secret does not show.
Paths under the resource's `ignoreChanges` are left out, as Pulumi leaves them out.
"""

from __future__ import annotations

from typing import Any

from ..engine import UNKNOWN_MARKER
from ..mocks import ARM_CHILD_TYPES, ARM_GRANDCHILD_TYPES, NAME_INPUTS
from .creation_time import creation_time_paths
from .paths import covers, flatten
from .stateful import is_stateful

Record = dict[str, Any]
Entry = dict[str, Any]
_MISSING = object()

# Inputs that make up a resource's ARM id, beside its own name: the PUT goes to the id's URL, so
# another value is another resource (REST API: the URI parameters of each "Create Or Update", e.g.
# https://learn.microsoft.com/rest/api/aks/agent-pools/create-or-update). The parents' names are
# the mock engine's (tools/plan/mocks.py), so the two never disagree about what an id is made of.
_ID_INPUTS = frozenset(
    {"resourceGroupName", "scope", "resourceUri"}
    | {parent_input for _, parent_input, _ in ARM_CHILD_TYPES.values()}
    | {parent_input for _, parent_input, _, _ in ARM_GRANDCHILD_TYPES.values()}
    | {"workspaceName", "accountName", "vaultName", "registryName", "clusterName"}
)


def name_input(type_token: str) -> str:
    """The input that holds the Azure name (as the mock engine reads it: mocks.azure_name)."""
    type_name = type_token.rsplit(":", 1)[-1]
    return NAME_INPUTS.get(type_token, type_name[:1].lower() + type_name[1:] + "Name")


def _id_inputs(type_token: str) -> frozenset[str]:
    return _ID_INPUTS | {name_input(type_token)}


def _changes(old: dict[str, Any], new: dict[str, Any], head: Record) -> tuple[list[str], list[str]]:
    """(changed input paths, paths unknown on either side), sorted, from the flattened inputs."""
    ignored = head.get("ignoreChanges") or []
    changed: list[str] = []
    unknown: list[str] = []
    for path in sorted(old.keys() | new.keys()):
        if path == "" or any(covers(pattern, path) for pattern in ignored):
            continue
        before, after = old.get(path, _MISSING), new.get(path, _MISSING)
        if before == after:
            continue
        (unknown if UNKNOWN_MARKER in (before, after) else changed).append(path)
    return changed, unknown


def _replace_reasons(
    old: dict[str, Any], new: dict[str, Any], head: Record, changed: list[str]
) -> list[dict[str, str]]:
    reasons: list[dict[str, str]] = []
    id_inputs = _id_inputs(head["type"])
    rows = creation_time_paths(head["type"])
    declared = head.get("replaceOnChanges") or []
    for path in changed:
        top = path.split(".", 1)[0].split("[", 1)[0]
        if top in id_inputs and path == top:
            reasons.append({"kind": "name", "path": path, "why": "the Azure name or ARM id changed"})
            continue
        pattern = next((p for p in declared if covers(p, path)), None)
        if pattern is not None:
            reasons.append({"kind": "replaceOnChanges", "path": path, "why": f"replaceOnChanges: {pattern}"})
            continue
        row = next((r for r in rows if covers(r.path, path) and r.refuses(old.get(path), new.get(path))), None)
        if row is not None:
            reasons.append({"kind": "creationTime", "path": path, "why": f"{row.why} ({row.source})"})
    return reasons


def _entry(record: Record, op: str, changed: list[str], reasons: list[dict[str, str]]) -> Entry:
    return {
        "urn": record["urn"],
        "name": record["name"],
        "type": record["type"],
        "op": op,
        "changed": changed,
        "reasons": reasons,
        "stateful": is_stateful(record["type"]),
    }


def diff_records(base: list[Record], head: list[Record]) -> list[Entry]:
    """One entry per URN of either plan: the head's resources in plan order, then those only the
    base has. A head resource whose `aliases` name a base URN is that resource, moved."""
    base_by_urn = {r["urn"]: r for r in base}
    matched: dict[str, Record] = {}  # head URN -> its base record
    for record in head:
        if record["urn"] in base_by_urn:
            matched[record["urn"]] = base_by_urn[record["urn"]]
        else:
            alias = next((a for a in record.get("aliases") or [] if a in base_by_urn), None)
            if alias is not None:
                matched[record["urn"]] = base_by_urn[alias]
    kept = {r["urn"] for r in matched.values()}

    entries: list[Entry] = []
    for record in head:
        old = matched.get(record["urn"])
        if old is None:
            entries.append(_entry(record, "create", [], []))
            continue
        before, after = flatten(old.get("inputs") or {}), flatten(record.get("inputs") or {})
        changed, unknown = _changes(before, after, record)
        reasons = _replace_reasons(before, after, record, changed)
        op = "replace" if reasons else "update" if changed else "same"
        entry = _entry(record, op, changed, reasons)
        if old["urn"] != record["urn"]:
            entry["aliasOf"] = old["urn"]
        if unknown:
            entry["unknown"] = unknown
        entries.append(entry)
    entries += [_entry(r, "delete", [], []) for r in base if r["urn"] not in kept]
    _pair_moves(entries)
    return entries


def _pair_moves(entries: list[Entry]) -> None:
    """A resource whose type or parent changed has a new URN: without an alias Pulumi deletes the old
    one and creates the new one. Where one delete and one create share a Pulumi name, say so on both."""
    by_name: dict[str, dict[str, list[Entry]]] = {}
    for entry in entries:
        if entry["op"] in ("create", "delete"):
            by_name.setdefault(entry["name"], {}).setdefault(entry["op"], []).append(entry)
    for ops in by_name.values():
        created, deleted = ops.get("create", []), ops.get("delete", [])
        if len(created) != 1 or len(deleted) != 1:
            continue
        new, old = created[0], deleted[0]
        what = "type" if new["type"] != old["type"] else "parent"
        why = f"the {what} changed, so the URN did: Pulumi deletes {old['urn']} and creates {new['urn']} (no alias)"
        for entry in (new, old):
            entry["reasons"].append({"kind": "urn", "path": what, "why": why})

"""The stack as a graph: find resources by type and follow references between them.

A stack rule sees every resource with its outputs (the CLI calls AnalyzeStack on final outputs)
plus its dependencies. A reference such as a workspace's `storageAccount` is followed, in order,
by (1) the ARM id in the value against each resource's `id`, (2) the property dependencies the
engine records for that input, (3) the Azure name when the target's id is not known yet. Only
when none of these can tell and the value itself is unknown does the lookup raise
UnknownValueError, which the Guard turns into a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy import PolicyResource

from .catalog import (
    BLOB_SERVICE,
    NAME_INPUT,
    PRIVATE_ENDPOINT,
    RESOURCE_GROUP,
    STORAGE_ACCOUNT,
)
from .props import UNKNOWN, UnknownValueError, as_list, known_str, peek, read, unknown, unknown_error
from .view import Finding, Guard, Report, Resource

_RG_IN_ID = re.compile(r"/resourcegroups/([^/]+)", re.IGNORECASE)
_DIAG_IN_ID = re.compile(r"/providers/microsoft\.insights/diagnosticsettings/[^/]+$", re.IGNORECASE)


def _norm(arm_id: str) -> str:
    return arm_id.rstrip("/").casefold()


class Stack:
    """What a stack check sees: every resource (as the same Resource view a resource rule gets),
    the rule's effective config, and lookups between resources."""

    def __init__(self, resources: Sequence[PolicyResource], config: Mapping[str, Any]) -> None:
        self.config = config
        self.guard = Guard()
        # one view per resource, so lookups hand back the very objects `of_type` lists
        views = {
            id(r): Resource(
                r.resource_type, r.name, r.urn, r.props, config, self.guard, label=r.name, protect=r.opts.protect
            )
            for r in resources
        }
        for r in resources:
            views[id(r)].property_dependencies = {
                prop: [views[id(d)] for d in deps if id(d) in views]
                for prop, deps in (r.property_dependencies or {}).items()
            }
        self.resources = [views[id(r)] for r in resources]

    # --- selection -----------------------------------------------------------------------

    def of_type(self, *types: str) -> list[Resource]:
        wanted = set(types)
        return [r for r in self.resources if r.type in wanted]

    def each(self, resources: Iterable[Resource], check: Callable[[Resource], Iterable[Report]]) -> Iterator[Finding]:
        """Run `check` per resource (its plain messages are about that resource); an unknown
        value skips that resource only (a note)."""
        for resource in resources:
            for item in self.guard.run(check(resource), label=resource.name):
                yield item if isinstance(item, Finding) else resource.finding(item)

    def index(self, resources: Iterable[Resource], record: Callable[[Resource], None]) -> bool:
        """Run `record` per resource to build a lookup (which settings target what...).

        Returns False when some resource could not be read (noted): the lookup is then
        incomplete, and "nothing found" must become a note (see `undecided`), not a violation.
        """
        complete = True
        for resource in resources:
            try:
                record(resource)
            except UnknownValueError as err:
                self.guard.note(err, resource.name)
                complete = False
        return complete

    @staticmethod
    def undecided(resource: Resource, what: str) -> UnknownValueError:
        return unknown(f"{resource.name}: {what} can't be told while some references are unknown")

    # --- identity ------------------------------------------------------------------------

    @staticmethod
    def arm_id(resource: Resource) -> str | None:
        return known_str(resource.peek("id"))

    @staticmethod
    def azure_name(resource: Resource) -> str | None:
        name = known_str(resource.peek("name"))
        if name:
            return name
        name_input = NAME_INPUT.get(resource.type)
        return known_str(resource.peek(name_input)) if name_input else None

    @staticmethod
    def _deps(resource: Resource, prop: str, types: Sequence[str]) -> list[Resource]:
        return [d for d in resource.property_dependencies.get(prop, []) if d.type in types]

    def by_arm_id(self, value: str, types: Sequence[str], *, prefix: bool = False) -> list[Resource]:
        """Resources of `types` whose id is `value` (or, with prefix, a parent of it)."""
        wanted = _norm(value)
        found = []
        for candidate in self.of_type(*types):
            cid = self.arm_id(candidate)
            if cid is None:
                continue
            if _norm(cid) == wanted or (prefix and wanted.startswith(_norm(cid) + "/")):
                found.append(candidate)
        if found:
            return found
        # Targets created in this deployment have no id yet in preview: fall back on the name.
        last = wanted.rsplit("/", 1)[-1]
        return [
            c for c in self.of_type(*types) if self.arm_id(c) is None and (self.azure_name(c) or "").casefold() == last
        ]

    # --- references ----------------------------------------------------------------------

    def refs(
        self,
        resource: Resource,
        prop: str,
        types: Sequence[str],
        path: str | None = None,
        *,
        prefix: bool = False,
    ) -> list[Resource]:
        """Resources of `types` that `prop` (an ARM id input, read at `path`) refers to.

        A known value is matched on ids (or names); only an unknown one falls back on the
        property dependencies. [] when unset or pointing outside the stack; raises
        UnknownValueError when neither can tell.
        """
        value = resource.peek(path or prop)
        text = known_str(value)
        if text:
            return self.by_arm_id(text, types, prefix=prefix)
        deps = self._deps(resource, prop, types)
        if deps:
            return deps
        if value is UNKNOWN:
            raise unknown_error(path or prop)
        return []

    def parent(self, child: Resource, name_prop: str, types: Sequence[str]) -> list[Resource]:
        """The resource(s) of `types` that `child` is nested under (compute -> workspace...).

        Found by the property dependency of the parent-name input, by the child's ARM id
        starting with the parent's, or by the parent's Azure name (same resource group).
        """
        deps = self._deps(child, name_prop, types)
        if deps:
            return deps
        child_id = self.arm_id(child)
        if child_id:
            by_id = self.by_arm_id(child_id, types, prefix=True)
            by_id = [p for p in by_id if self.arm_id(p)]
            if by_id:
                return by_id
        name = child.peek(name_prop)
        if known_str(name):
            child_rg = self.rg_name(child)
            return [
                p
                for p in self.of_type(*types)
                if (self.azure_name(p) or "").casefold() == str(name).casefold()
                and (child_rg is None or self.rg_name(p) in (None, child_rg))
            ]
        if name is UNKNOWN:
            raise unknown_error(name_prop)
        return []

    def rg_name(self, resource: Resource) -> str | None:
        """The resource group name of a resource, lower-cased, if it can be told."""
        if resource.type == RESOURCE_GROUP:
            own = self.azure_name(resource)
            return own.casefold() if own else None
        deps = self._deps(resource, "resourceGroupName", [RESOURCE_GROUP])
        if deps:
            name = self.azure_name(deps[0])
            if name:
                return name.casefold()
        rid = self.arm_id(resource)
        match = _RG_IN_ID.search(rid) if rid else None
        if match:
            return match.group(1).casefold()
        direct = known_str(resource.peek("resourceGroupName"))
        return direct.casefold() if direct else None

    def resource_group(self, resource: Resource) -> Resource | None:
        deps = self._deps(resource, "resourceGroupName", [RESOURCE_GROUP])
        if deps:
            return deps[0]
        name = self.rg_name(resource)
        if name is None:
            return None
        for group in self.of_type(RESOURCE_GROUP):
            if self.rg_name(group) == name:
                return group
        return None

    def diagnostic_target(self, setting: Resource, types: Sequence[str]) -> list[Resource]:
        """The resource a diagnostic setting is attached to (its `resourceUri`).

        `resourceUri` is an input only; in the CLI the setting's own id, which starts with the
        target's id, stands in for it. Sub-resources (blobServices/default) map to the account.
        """
        uri = known_str(setting.peek("resourceUri"))
        if uri is None:
            own = self.arm_id(setting)
            if own and _DIAG_IN_ID.search(own):
                uri = _DIAG_IN_ID.sub("", own)
        if uri:
            return self.by_arm_id(uri, types, prefix=True)
        deps = self._deps(setting, "resourceUri", types)
        if STORAGE_ACCOUNT in types:
            # Storage logs are set on the blob service, which depends on the account.
            for service in self._deps(setting, "resourceUri", [BLOB_SERVICE]):
                deps += self.parent(service, "accountName", [STORAGE_ACCOUNT])
        if deps:
            return deps
        if setting.peek("resourceUri") is UNKNOWN:
            raise unknown_error("resourceUri")
        return []

    def points_to(self, value: Any, target: Resource) -> bool:
        """Whether an ARM id value designates `target` (by id, or by name before it has one)."""
        text = known_str(value)
        if text is None:
            return False
        target_id = self.arm_id(target)
        if target_id:
            return _norm(text) == _norm(target_id)
        name = self.azure_name(target)
        return bool(name) and _norm(text).rsplit("/", 1)[-1] == str(name).casefold()

    def private_endpoint_groups(self, target: Resource) -> set[str]:
        """Sub-resources (groupIds, lower-cased) that private endpoints in the stack open to
        `target`: e.g. {"blob", "file"} for a storage account."""
        groups: set[str] = set()
        for endpoint in self.of_type(PRIVATE_ENDPOINT):
            for prop in ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections"):
                deps = self._deps(endpoint, prop, [target.type])
                for connection in as_list(endpoint.get(prop)):
                    service = peek(connection, "privateLinkServiceId")
                    hit = self.points_to(service, target) or (
                        known_str(service) is None and any(d is target for d in deps)
                    )
                    if hit:
                        groups.update(g.casefold() for g in as_list(read(connection, "groupIds")) if isinstance(g, str))
        return groups

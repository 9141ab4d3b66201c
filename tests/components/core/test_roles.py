"""The role catalogue (components/core/roles.py) against the role table of azure-facts.md, parsed at test time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from components.core.roles import BUILTIN_ROLES
from components.settings.access import DATA_ROLES, NEVER_FROM_SETTINGS, REGISTRY_USER, WORKSPACE_ROLES
from components.workspace.identity import USER_ASSIGNED_ROLES
from tools.plan.stackfile import ROOT

FACTS = ROOT / "docs" / "reference" / "azure-facts.md"
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Catalogued roles the facts table does not list yet, each with the reason it is catalogued.
NOT_IN_FACTS = {
    "Key Vault Crypto Service Encryption User": "customer-managed keys (network/encryption feature)",
    "Azure AI Enterprise Network Connection Approver": "managed-network private endpoints, user-assigned identity",
    "Storage File Data Privileged Reader": "read-only default storage (access.principals.<key>.defaultStorage)",
    "Key Vault Crypto Officer": "the deployer creates the customer-managed key on an RBAC vault",
}


def facts_file(path: Path = FACTS) -> Path:
    """The repository's copy of the reference facts (docs/reference/azure-facts.md)."""
    if not path.is_file():
        pytest.fail(f"azure-facts.md not found: expected {path}")
    return path


def facts_roles() -> dict[str, str]:
    text = facts_file().read_text()
    section = text.split("## Built-in role definition IDs", 1)[1].split("\n## ", 1)[0]
    roles: dict[str, str] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and (guid := GUID.search(cells[1])):
            # "Azure AI Developer (hubs only)" -> "Azure AI Developer"
            roles[re.sub(r"\s*\(.*\)$", "", cells[0])] = guid.group(0)
    assert len(roles) >= 15, "the role table of azure-facts.md did not parse"
    return roles


def test_every_catalogued_guid_matches_the_facts_table() -> None:
    facts = facts_roles()
    for role, guid in BUILTIN_ROLES.items():
        if role in facts:
            assert guid == facts[role], role


def test_the_catalogue_holds_no_role_the_facts_table_lacks_except_the_listed_ones() -> None:
    assert set(BUILTIN_ROLES) - set(facts_roles()) == set(NOT_IN_FACTS)


def test_every_role_the_platform_grants_or_refuses_is_catalogued_and_in_the_facts() -> None:
    facts = facts_roles()
    used = {*WORKSPACE_ROLES, *DATA_ROLES.values(), REGISTRY_USER, *NEVER_FROM_SETTINGS}
    used |= {role for roles in USER_ASSIGNED_ROLES.values() for role in roles}
    for role in used:
        assert role in BUILTIN_ROLES, role
        assert role in facts, role


def test_catalogue_guids_are_lowercase_and_unique() -> None:
    assert all(GUID.fullmatch(guid) for guid in BUILTIN_ROLES.values())
    assert len(set(BUILTIN_ROLES.values())) == len(BUILTIN_ROLES)


def test_a_missing_facts_file_fails_with_a_clear_message_instead_of_skipping(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"azure-facts.md not found: expected .*missing\.md"):
        facts_file(tmp_path / "missing.md")

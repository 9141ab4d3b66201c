"""The role catalogue (components/core/roles.py) against the role table of azure-facts.md, parsed at test time."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.core.roles import BUILTIN_ROLES
from components.settings.access import DATA_ROLES, NEVER_FROM_SETTINGS, REGISTRY_USER, WORKSPACE_ROLES
from components.workspace.identity import USER_ASSIGNED_ROLES
from tests.azure_roles import GUID, NOT_IN_FACTS, ROLE_GUIDS, facts_file, facts_roles


def test_every_catalogued_guid_is_microsofts() -> None:
    """Against the facts table, and Microsoft's GUIDs written in tests/azure_roles.py for the rest."""
    assert set(BUILTIN_ROLES) <= set(ROLE_GUIDS)
    for role, guid in BUILTIN_ROLES.items():
        assert guid == ROLE_GUIDS[role], role


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

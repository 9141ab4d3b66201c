"""Built-in role GUIDs as Microsoft publishes them, for tests to check the platform's role
catalogue (components/core/roles.py) against, never the catalogue itself.

Most come from the role table of docs/reference/azure-facts.md, parsed here; the ones that table
does not list yet are written below with their Microsoft source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools.plan.stackfile import ROOT

FACTS = ROOT / "docs" / "reference" / "azure-facts.md"
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# learn.microsoft.com/azure/role-based-access-control/built-in-roles (the "Security" and "AI +
# machine learning" tables; "Storage" for the file-data reader)
NOT_IN_FACTS = {
    "Key Vault Crypto Service Encryption User": "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    "Key Vault Crypto Officer": "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
    "Azure AI Enterprise Network Connection Approver": "b556d68e-0be0-4f35-a333-ad7ee1ce17ea",
    "Storage File Data Privileged Reader": "b8eda974-7b85-4f76-af95-65846b26df6d",
}


def facts_file(path: Path = FACTS) -> Path:
    """The repository's copy of the reference facts (docs/reference/azure-facts.md)."""
    if not path.is_file():
        pytest.fail(f"azure-facts.md not found: expected {path}")
    return path


def facts_roles(path: Path = FACTS) -> dict[str, str]:
    text = facts_file(path).read_text()
    section = text.split("## Built-in role definition IDs", 1)[1].split("\n## ", 1)[0]
    roles: dict[str, str] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and (guid := GUID.search(cells[1])):
            # "Azure AI Developer (hubs only)" -> "Azure AI Developer"
            roles[re.sub(r"\s*\(.*\)$", "", cells[0])] = guid.group(0)
    assert len(roles) >= 15, "the role table of azure-facts.md did not parse"
    return roles


ROLE_GUIDS: dict[str, str] = {**facts_roles(), **NOT_IN_FACTS}
ROLE_NAMES: dict[str, str] = {guid: name for name, guid in ROLE_GUIDS.items()}

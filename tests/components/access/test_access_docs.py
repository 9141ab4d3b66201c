"""The access model (docs/data-and-access.md) is generated from the stack files: it must never drift from them."""

from __future__ import annotations

from tools.access_table import access_model


def test_access_model_lists_each_stacks_grants() -> None:
    table = access_model(["dev", "prod"])
    assert "| dev | `dataScientists` | Group | AzureML Data Scientist | workspace |" in table
    assert "| prod | `dataScientists` | Group | Reader | workspace |" in table
    assert "| prod | `deployPipeline` | ServicePrincipal | AzureML Data Scientist | workspace |" in table
    assert (
        "| prod | workspace identity (UserAssigned) | ServicePrincipal | Contributor | workspace (right after it) |"
        in table
    )
    assert "| prod | `dataScientists` | Group | AzureML Data Scientist |" not in table

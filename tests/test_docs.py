"""The README's settings reference is generated from the models: it must never drift."""

from tools.docs import README, reference, render


def test_readme_settings_reference_is_current() -> None:
    current = README.read_text()
    assert render(current) == current, "README.md settings reference is stale: run `make docs`"


def test_reference_lists_every_top_level_section_and_its_tier_defaults() -> None:
    table = reference()
    for key in ("`tier`", "`network.mode`", "`storage.sku`", "`registry.mode`"):
        assert key in table
    storage_row = next(line for line in table.splitlines() if line.startswith("| `storage.sku`"))
    assert storage_row.endswith('| `"Standard_LRS"` | `"Standard_ZRS"` | `"Standard_GZRS"` |')

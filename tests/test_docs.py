"""The README's settings reference and access model are generated: they must never drift."""

from tools.docs import README, reference, render


def test_readme_generated_blocks_are_current() -> None:
    current = README.read_text()
    assert render(current) == current, "README.md generated blocks are stale: run `make docs`"


def test_reference_lists_every_top_level_section_and_its_tier_defaults() -> None:
    table = reference()
    for key in ("`tier`", "`network.mode`", "`storage.sku`", "`registry.mode`"):
        assert key in table
    storage_row = next(line for line in table.splitlines() if line.startswith("| `storage.sku`"))
    assert storage_row.endswith('| `"Standard_LRS"` | `"Standard_ZRS"` | `"Standard_GZRS"` |')

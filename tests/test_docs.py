"""The README's settings reference and access model are generated: they must never drift."""

from pathlib import Path

import pytest

from tools import docs
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


def test_docs_check_exits_1_on_a_stale_readme_and_leaves_it_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / "README.md"
    text = README.read_text().replace("| `storage.sku` |", "| `storage.skuu` |")
    stale.write_text(text)
    monkeypatch.setattr(docs, "README", stale)
    assert docs.main(["--check"]) == 1
    assert stale.read_text() == text
    assert docs.main([]) == 0  # without --check it rewrites the blocks
    assert docs.main(["--check"]) == 0

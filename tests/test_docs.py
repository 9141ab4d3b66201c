"""The settings reference and access model in docs/ are generated: they must never drift."""

import shutil
from pathlib import Path

import pytest

from tools import docs
from tools.docs import GENERATED, ROOT, reference, stale


def test_docs_generated_blocks_are_current() -> None:
    assert not stale(), "generated blocks are stale: run `make docs`"


def test_reference_lists_every_top_level_section_and_its_tier_defaults() -> None:
    table = reference()
    for key in ("`tier`", "`network.mode`", "`storage.sku`", "`registry.mode`"):
        assert key in table
    storage_row = next(line for line in table.splitlines() if line.startswith("| `storage.sku`"))
    assert storage_row.endswith('| `"Standard_LRS"` | `"Standard_ZRS"` | `"Standard_GZRS"` |')


def test_docs_check_exits_1_on_a_stale_file_names_it_and_leaves_it_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for relative in GENERATED:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, tmp_path / relative)
    settings = tmp_path / "docs" / "settings.md"
    text = settings.read_text().replace("| `storage.sku` |", "| `storage.skuu` |")
    settings.write_text(text)
    assert docs.main(["--check"], root=tmp_path) == 1
    assert capsys.readouterr().err.splitlines() == [
        "docs/settings.md: generated blocks are out of date: run `make docs`"
    ]
    assert settings.read_text() == text
    assert docs.main([], root=tmp_path) == 0  # without --check it rewrites the blocks
    assert docs.main(["--check"], root=tmp_path) == 0
    assert settings.read_text() == (ROOT / "docs" / "settings.md").read_text()

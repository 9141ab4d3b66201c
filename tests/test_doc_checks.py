"""The README stays short with its two commands on top; every relative link in the README,
CONTRIBUTING.md and docs/ points at a file and heading that exist."""

from __future__ import annotations

from pathlib import Path

from tools.doc_checks import README_MAX_BYTES, anchors, broken_links, problems, readme_problems, slug

COMMANDS = "```sh\nmake plan STACK=prod   # offline plan\nmake test              # checks\n```\n"


def test_the_repositorys_docs_have_no_problem() -> None:
    assert problems() == []


def test_a_readme_of_exactly_the_limit_passes_and_one_byte_more_fails() -> None:
    at_limit = COMMANDS + "x" * (README_MAX_BYTES - len(COMMANDS.encode()))
    assert len(at_limit.encode()) == README_MAX_BYTES
    assert readme_problems(at_limit) == []
    (problem,) = readme_problems(at_limit + "x")
    assert problem.startswith(f"README.md is {README_MAX_BYTES + 1} bytes")


def test_the_commands_must_end_within_the_first_2_kb() -> None:
    commands = "\nmake plan STACK=prod\nmake test"
    filler = "x" * (2048 - len(commands))
    assert len((filler + commands).encode()) == 2048
    assert readme_problems(filler + commands + "\n") == []  # "make test" ends on the last byte
    assert readme_problems("x" + filler + commands + "\n") == ["README.md: `make test` is not in its first 2048 bytes"]
    late = "x" * 2048 + commands + "\n"
    assert readme_problems(late) == [
        "README.md: `make plan STACK=` is not in its first 2048 bytes",
        "README.md: `make test` is not in its first 2048 bytes",
    ]


def test_a_command_mentioned_mid_sentence_does_not_count() -> None:
    assert readme_problems("Run make test and make plan STACK=dev.\n") == [
        "README.md: `make plan STACK=` is not in its first 2048 bytes",
        "README.md: `make test` is not in its first 2048 bytes",
    ]


def test_headings_get_githubs_anchors() -> None:
    assert slug("Access model (`components/access.py`, `ml-platform:access`)") == (
        "access-model-componentsaccesspy-ml-platformaccess"
    )
    assert slug("Checking an Azure property against Microsoft's docs") == (
        "checking-an-azure-property-against-microsofts-docs"
    )
    assert slug("See [the plan](offline-plan.md) first") == "see-the-plan-first"
    text = "# Title\n## Notes\n```sh\n# not a heading\n```\n## Notes\n"
    assert anchors(text) == {"title", "notes", "notes-1"}


def test_broken_files_and_anchors_are_reported_and_the_rest_is_not(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "b.md").write_text("# B\n## There\n")
    page = tmp_path / "docs" / "a.md"
    page.write_text(
        "# A\n"
        "[ok](b.md#there), [file](b.md), [here](#a), [web](https://example.invalid/x.md),\n"
        "[wrapped\ntext](../docs/b.md), [dir](.)\n"
        "[missing](missing.md), [no anchor](b.md#nowhere), [self](#nowhere)\n"
        "`[in code](gone.md)`\n"
        "```\n[in a block](gone.md)\n```\n"
    )
    assert broken_links(page, tmp_path) == [
        "docs/a.md: link to missing.md: no such file",
        "docs/a.md: link to b.md#nowhere: no heading with that anchor",
        "docs/a.md: link to #nowhere: no heading with that anchor",
    ]

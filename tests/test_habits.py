"""The developer habits: commit hooks that need no network, and a Makefile that lists its targets."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_every_commit_hook_is_local_and_runs_a_program_of_the_project() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert [repo["repo"] for repo in config["repos"]] == ["local"]  # nothing fetched at commit time
    assert {hook["id"] for hook in hooks} >= {"ruff-check", "ruff-format", "docs-check"}
    for hook in hooks:
        assert hook["language"] == "system", hook["id"]
        program = shlex.split(hook["entry"])[0]
        assert program.startswith(".venv/bin/"), hook["id"]
        assert (ROOT / program).is_file(), f"{hook['id']}: {program} (make venv)"


def test_make_help_lists_every_commented_target() -> None:
    makefile = (ROOT / "Makefile").read_text()
    commented = re.findall(r"^([a-z][a-z-]*):.*## ", makefile, re.MULTILINE)
    assert {"help", "fmt", "plan", "test", "docs"} <= set(commented)
    listed = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert [line.split()[0] for line in listed.stdout.splitlines()] == commented

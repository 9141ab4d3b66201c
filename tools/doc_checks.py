"""Checks of the hand-written docs: the README stays short with its two commands on top, and every
relative link in the README, CONTRIBUTING.md and docs/ points at a file (and heading) that exists.

`python -m tools.doc_checks` prints every problem and exits 1 if there is one (the tests run the
same checks).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README_MAX_BYTES = 15_000
# The two commands a newcomer needs, each at the start of a line within the README's first 2 KB.
README_COMMANDS = ("make plan STACK=", "make test")
README_COMMANDS_WITHIN = 2048

_FENCE = re.compile(r"^(```|~~~)")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
# [text](target) or ![alt](target), with an optional "title"; text may hold `code` and line breaks
_LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^()\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_INLINE_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def readme_problems(text: str) -> list[str]:
    problems = []
    size = len(text.encode())
    if size > README_MAX_BYTES:
        problems.append(f"README.md is {size} bytes, over {README_MAX_BYTES}: move reference into docs/")
    head = text.encode()[:README_COMMANDS_WITHIN].decode(errors="ignore")
    starts = [line.lstrip() for line in head.splitlines()]
    for command in README_COMMANDS:
        if not any(line.startswith(command) for line in starts):
            problems.append(f"README.md: `{command}` is not in its first {README_COMMANDS_WITHIN} bytes")
    return problems


def _prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks (code in them is not markdown)."""
    lines, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        lines.append("" if fenced else line)
    return lines


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = _INLINE_LINK.sub(r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every heading anchor of a markdown file; a repeated heading gets -1, -2... as on GitHub."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for line in _prose_lines(text):
        match = _HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(text: str) -> list[str]:
    """The link targets of a markdown file, outside code blocks and code spans."""
    prose = "\n".join(_prose_lines(text))
    return _LINK.findall(_CODE_SPAN.sub("", prose))


def broken_links(path: Path, root: Path = ROOT) -> list[str]:
    """Each relative link of `path` whose file, or heading in that file, does not exist."""
    problems = []
    name = path.relative_to(root) if path.is_relative_to(root) else path
    for target in links(path.read_text()):
        if _SCHEME.match(target):
            continue  # https:, mailto: ... are not this repository's files
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            problems.append(f"{name}: link to {target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text()):
            problems.append(f"{name}: link to {target}: no heading with that anchor")
    return problems


def doc_files(root: Path = ROOT) -> list[Path]:
    return [root / "README.md", root / "CONTRIBUTING.md", *sorted((root / "docs").rglob("*.md"))]


def problems(root: Path = ROOT) -> list[str]:
    found = readme_problems((root / "README.md").read_text())
    for path in doc_files(root):
        found += broken_links(path, root)
    return found


def main() -> int:
    found = problems()
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

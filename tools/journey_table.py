"""docs/offline-plan.md's table of the users' journeys, rendered from their definitions
(tools/plan/journeys/definitions.py), so a step added or changed shows up in the docs by `make docs`."""

from __future__ import annotations

from tools.plan.journeys.definitions import JOURNEYS


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def journey_table() -> str:
    lines = [
        "| journey | claimed by | step | who | needs | on | only when | why | source |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for journey in JOURNEYS:
        claimed = " and ".join(c for c in (journey.needed_when, journey.claimed_when) if c) or journey.actors
        for number, step in enumerate(journey.steps, 1):
            needs = step.needs + (f" (read-only: {step.needs_read_only})" if step.needs_read_only else "")
            if step.kind == "path":
                needs = "a path" if step.needs == "host" else f"a path to {step.needs}"
            title = f"**{journey.key}** {journey.title}" if number == 1 else ""
            cells = [title, claimed if number == 1 else "", f"{number} {step.kind}", step.who, needs, step.on]
            cells += [step.when or "", step.why, f"[{_page(step.source)}]({step.source})"]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def _page(url: str) -> str:
    """The page's last path segment and anchor: `how-to-managed-network#configure-image-builds`."""
    return url.rstrip("/").rsplit("/", 1)[-1]

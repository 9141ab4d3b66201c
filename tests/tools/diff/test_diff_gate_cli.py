"""The gate through the plan command: a removed data lake fails the plan (exit 1) until the stack
file's allowDestroy or the pull request's label acknowledges it; bad --base input is exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools.plan.__main__ import main as plan_main
from tools.plan.cost.prices import TABLE
from tools.plan.stackfile import stack_file

LAKE = "mlp-data-account-lake"


def dev_without_the_lake(path: Path, **extra: Any) -> Path:
    """dev's stack file without the `lake` account, its two datastores and the grants on them."""
    document = yaml.safe_load(stack_file("dev").read_text())
    config = document["config"]
    del config["ml-platform:data"]["accounts"]["lake"]
    for store in ("raw", "curated"):
        del config["ml-platform:data"]["datastores"][store]
        for principal in config["ml-platform:access"]["principals"].values():
            principal.get("datastores", {}).pop(store, None)
    config.update({f"ml-platform:{k}": v for k, v in extra.items()})
    path.write_text(yaml.safe_dump(document))
    return path


def dev_with(path: Path, **extra: Any) -> Path:
    document = yaml.safe_load(stack_file("dev").read_text())
    document["config"].update({f"ml-platform:{k}": v for k, v in extra.items()})
    path.write_text(yaml.safe_dump(document))
    return path


def run(tmp: Path, base: Path, stack_file_path: Path, *flags: str) -> tuple[int, list[dict[str, Any]], str]:
    out = tmp / "out"
    code = plan_main(
        [
            "--stack",
            "dev",
            "--stack-file",
            str(stack_file_path),
            "--base",
            str(base),
            "--out",
            str(out),
            "--quiet",
            *flags,
        ]
    )
    entries = json.loads((out / "dev" / "diff.json").read_text())
    return code, entries, (out / "dev" / "summary.md").read_text()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("base")
    assert plan_main(["--stack", "dev", "--out", str(out), "--quiet"]) == 0
    return out / "dev"  # a folder holding plan.json


@pytest.fixture(scope="module")
def removed(base: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, list[dict[str, Any]], str]:
    tmp = tmp_path_factory.mktemp("removed")
    return run(tmp, base, dev_without_the_lake(tmp / "Pulumi.dev.yaml"))


def destroyed(entries: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in entries if any(f["level"] == "destructive" for f in e["flags"])]


def test_a_removed_data_lake_is_a_stateful_delete_that_fails_the_plan(
    removed: tuple[int, list[dict[str, Any]], str],
) -> None:
    code, entries, summary = removed
    assert code == 1
    lake = next(e for e in entries if e["name"] == LAKE)
    assert (lake["op"], lake["stateful"]) == ("delete", True)
    assert lake["flags"][0] == {
        "kind": "stateful-delete",
        "level": "destructive",
        "detail": "data-bearing azure-native:storage:StorageAccount deleted: its data is lost",
        "acknowledged": None,
    }
    # its containers and datastores go with it; its grants are warnings
    assert {"mlp-data-container-lake-raw", "mlp-data-datastore-raw"} <= set(destroyed(entries))
    grants = [e for e in entries if e["op"] == "delete" and e["type"].endswith("RoleAssignment")]
    assert grants
    assert all(f["kind"] == "grant-removed" and f["level"] == "warning" for g in grants for f in g["flags"])
    assert summary.startswith("## Changes: `dev` against")
    assert "Destructive changes not acknowledged" in summary
    assert f"`{LAKE}`" in summary
    assert summary.index("## Changes") < summary.index("<details><summary>Full plan</summary>")


def test_the_same_change_with_allow_destroy_passes(
    base: Path, removed: tuple[int, list[dict[str, Any]], str], tmp_path: Path
) -> None:
    names = destroyed(removed[1])
    assert LAKE in names
    code, entries, summary = run(tmp_path, base, dev_without_the_lake(tmp_path / "s.yaml", allowDestroy=names))
    assert code == 0
    assert all(f["acknowledged"] == "allowDestroy" for e in entries for f in e["flags"] if f["level"] == "destructive")
    assert "not acknowledged" not in summary


def test_the_label_acknowledges_every_destructive_change(base: Path, tmp_path: Path) -> None:
    code, entries, _ = run(tmp_path, base, dev_without_the_lake(tmp_path / "s.yaml"), "--allow-destroy")
    assert code == 0
    assert {f["acknowledged"] for e in entries for f in e["flags"] if f["level"] == "destructive"} == {"label"}


def test_an_allow_destroy_name_that_matches_nothing_fails(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, entries, summary = run(tmp_path, base, dev_with(tmp_path / "s.yaml", allowDestroy=["mlp-workspace-storage"]))
    assert code == 1
    assert {e["op"] for e in entries} == {"same"}
    assert (
        "ml-platform:allowDestroy[0]: 'mlp-workspace-storage' matches no destructive change" in capsys.readouterr().err
    )
    assert "names no destructive change" in summary


def test_without_base_no_diff_is_written_and_allow_destroy_is_not_checked(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = dev_with(tmp_path / "s.yaml", allowDestroy=["anything"])
    assert plan_main(["--stack", "dev", "--stack-file", str(path), "--out", str(out), "--quiet"]) == 0
    assert not (out / "dev" / "diff.json").exists()
    assert (out / "dev" / "summary.md").read_text().startswith("## Offline plan: `dev`")


def test_a_base_of_another_stack_is_bad_input(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert plan_main(["--stack", "prod", "--base", str(base), "--out", str(tmp_path)]) == 2
    assert "a plan of stack 'dev', not of 'prod'" in capsys.readouterr().err
    assert not (tmp_path / "prod").exists()  # nothing planned


@pytest.mark.parametrize(
    ("content", "problem"),
    [("{", "not a readable plan.json"), ('{"stack": "dev"}', "no list of resources")],
)
def test_an_unreadable_base_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, problem: str
) -> None:
    (tmp_path / "plan.json").write_text(content)
    assert plan_main(["--stack", "dev", "--base", str(tmp_path / "plan.json"), "--out", str(tmp_path)]) == 2
    assert problem in capsys.readouterr().err


def test_allow_destroy_flag_needs_a_base(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        plan_main(["--stack", "dev", "--allow-destroy"])
    assert exit_.value.code == 2
    assert "give --base" in capsys.readouterr().err


def test_the_summary_shows_what_the_change_does_to_the_cost_ceiling(base: Path, tmp_path: Path) -> None:
    """Bob's compute instance removed: the ceiling drops by one DS11_v2 for a month (prices.json's
    row, 730 hours), shown between the diff and the folded plan; an instance holds no data, so the
    gate passes."""
    document = yaml.safe_load(stack_file("dev").read_text())
    compute = document["config"]["ml-platform:compute"]
    compute["instances"] = [i for i in compute["instances"] if i["name"] != "mlp-dev-ci-bob"]
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(yaml.safe_dump(document))
    code, entries, summary = run(tmp_path, base, path)
    assert code == 0
    assert [e["op"] for e in entries if e["name"].endswith("mlp-dev-ci-bob")] == ["delete"]
    prices = {r["id"]: r["usd"] for r in json.loads(TABLE.read_text())["rows"]}
    drop = prices["vm/westeurope/Standard_DS11_v2"] * 730
    line = next(line for line in summary.splitlines() if line.startswith("Cost ceiling:"))
    assert line.endswith(f"(-${drop:,.2f})"), line
    assert summary.index("## Changes") < summary.index("Cost ceiling:") < summary.index("Full plan")

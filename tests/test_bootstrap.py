"""tools/bootstrap.py: pip's configuration reaches uv the way pip reads it, what uv would not be
told about sends the install to pip, and the bytecode step compiles what the program can load."""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

import pytest

from tools.bootstrap import (
    BOOTSTRAP_REQUIREMENTS,
    UntranslatableError,
    azure_services,
    compile_bytecode,
    find_uv,
    pinned_version,
    pip_config,
    uv_environment,
)

LISTING = """\
global.find-links='/srv/global-wheels'
global.extra-index-url='file:///srv/a/simple file:///srv/b/simple'
global.cert='/etc/ca.pem'
install.find-links='/srv/install-wheels'
freeze.timeout='5'
:env:.find-links='/srv/env-wheels /srv/more-wheels'
:env:.constraint='/etc/c1.txt /etc/c2.txt'
:env:.disable-pip-version-check='1'
"""


def test_pip_config_takes_env_over_install_over_global_and_ignores_other_commands() -> None:
    options = pip_config(LISTING)
    assert options == {
        "find-links": "/srv/env-wheels /srv/more-wheels",
        "extra-index-url": "file:///srv/a/simple file:///srv/b/simple",
        "cert": "/etc/ca.pem",
        "constraint": "/etc/c1.txt /etc/c2.txt",
        "disable-pip-version-check": "1",
    }
    assert pip_config("install.find-links='/srv/install-wheels'\nglobal.find-links='/srv/g'\n") == {
        "find-links": "/srv/install-wheels"
    }


def test_uv_gets_each_list_in_its_own_separator_and_pips_best_match_across_indexes() -> None:
    env = uv_environment(pip_config(LISTING), environ={})
    assert env["UV_FIND_LINKS"] == "/srv/env-wheels,/srv/more-wheels"  # uv: comma-separated
    assert env["UV_EXTRA_INDEX_URL"] == "file:///srv/a/simple file:///srv/b/simple"  # space-separated
    assert env["UV_CONSTRAINT"] == "/etc/c1.txt /etc/c2.txt"
    assert env["SSL_CERT_FILE"] == "/etc/ca.pem"
    assert env["UV_INDEX_STRATEGY"] == "unsafe-best-match"
    assert env["UV_PYTHON_DOWNLOADS"] == "never"
    assert "UV_INDEX_URL" not in env  # pip's default index is uv's default index


def test_one_index_keeps_uvs_own_strategy_and_false_flags_set_nothing() -> None:
    env = uv_environment({"index-url": "file:///srv/mirror/simple", "no-index": "false", "pre": "0"}, environ={})
    assert env == {"UV_INDEX_URL": "file:///srv/mirror/simple", "UV_PYTHON_DOWNLOADS": "never"}
    assert uv_environment({"no-index": "yes"}, environ={})["UV_NO_INDEX"] == "1"


def test_a_uv_variable_already_set_wins_over_the_translation() -> None:
    env = uv_environment({"find-links": "/srv/wheels"}, environ={"UV_FIND_LINKS": "/mine"})
    assert "UV_FIND_LINKS" not in env


def test_an_option_uv_would_not_be_told_about_is_named() -> None:
    with pytest.raises(UntranslatableError, match="keyring-provider, only-binary"):
        uv_environment({"only-binary": ":all:", "keyring-provider": "import", "cert": "/etc/ca.pem"}, environ={})


def test_the_bootstrap_pins_one_exact_uv_and_installer_pip_skips_it() -> None:
    version = pinned_version(BOOTSTRAP_REQUIREMENTS, "uv")
    assert version.count(".") == 2
    assert all(part.isdigit() for part in version.split("."))
    assert find_uv("python3", {"INSTALLER": "pip"}) == (None, "INSTALLER=pip")


def test_a_uv_pip_cannot_install_sends_the_install_to_pip_saying_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    requirements = tmp_path / "requirements-bootstrap.txt"
    requirements.write_text("uv==0.0.0\n")  # no such release
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # and no registry asked: pip fails at once, offline
    uv, why = find_uv(sys.executable, {}, requirements, tmp_path / "tools")
    assert uv is None
    assert why.startswith("pip could not install uv 0.0.0: ")
    assert not any((tmp_path / "tools").glob("uv-0.0.0*"))  # nothing half-installed is left


def test_azure_services_are_read_from_the_code_in_every_import_form(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("from pulumi_azure_native import network as n, storage\n")
    (tmp_path / "pkg" / "b.py").write_text("def f():\n    import pulumi_azure_native.keyvault\n")
    (tmp_path / "c.py").write_text("from pulumi_azure_native.monitor import DiagnosticSetting\nimport pulumi\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "d.py").write_text("from pulumi_azure_native import aad\n")
    assert azure_services(tmp_path) == ["keyvault", "monitor", "network", "storage"]


def test_the_programs_own_services_include_the_ones_every_stack_loads() -> None:
    assert {"machinelearningservices", "storage", "keyvault", "authorization"} <= set(azure_services())


def test_bytecode_is_written_for_used_services_and_everything_else_but_not_for_unused_services(
    tmp_path: Path,
) -> None:
    site = Path(sysconfig.get_paths(vars={"base": str(tmp_path), "platbase": str(tmp_path)})["purelib"])
    sources = {
        "pulumi_azure_native/__init__.py": True,
        "pulumi_azure_native/network/vnet.py": True,
        "pulumi_azure_native/aad/__init__.py": True,
        "pulumi_azure_native/aad/domain.py": False,
        "yaml/loader.py": True,
    }
    for relative in sources:
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text("X = 1\n")
    compile_bytecode(tmp_path, ["network"])
    compiled = {
        relative: any((site / relative).parent.joinpath("__pycache__").glob(Path(relative).stem + ".*.pyc"))
        for relative in sources
    }
    assert compiled == sources

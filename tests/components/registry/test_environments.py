"""The environment folders the shared stack publishes: read once, every broken file named."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.registry.environments import FOLDER, floating, published_environments
from components.settings import SettingsError

SPEC = """$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json
name: {name}
version: "{version}"
image: {image}
conda_file: conda.yml
"""
PINNED = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20260715.v1"


def write(root: Path, name: str, version: str, spec: str | None = None, conda: bool = True) -> Path:
    folder = root / name / version
    folder.mkdir(parents=True)
    text = spec if spec is not None else SPEC.format(name=name, version=version, image=PINNED)
    (folder / "environment.yml").write_text(text)
    if conda:
        (folder / "conda.yml").write_text("name: x\ndependencies: [python=3.11]\n")
    return folder


def test_the_shipped_folders_are_published_with_their_conda_text() -> None:
    found = published_environments("test")
    assert [(e.name, e.version) for e in found] == [
        ("nyc-taxi-serve", "1"),
        ("nyc-taxi-serve", "2"),
        ("nyc-taxi-train", "1"),
        ("nyc-taxi-train", "2"),
    ]
    for environment in found:
        assert environment.conda_file == (FOLDER / environment.name / environment.version / "conda.yml").read_text()
        assert environment.uri("mlr-x") == (
            f"azureml://registries/mlr-x/environments/{environment.name}/versions/{environment.version}"
        )


def test_a_new_version_is_a_new_folder(tmp_path: Path) -> None:
    write(tmp_path, "serve", "1")
    write(tmp_path, "serve", "2")
    assert [e.version for e in published_environments("test", tmp_path)] == ["1", "2"]


def test_every_broken_file_is_named_in_one_error(tmp_path: Path) -> None:
    write(tmp_path, "good", "1")
    write(tmp_path, "renamed", "1", SPEC.format(name="other", version="1", image=PINNED))
    write(tmp_path, "moved", "3", SPEC.format(name="moved", version="2", image=PINNED))
    write(tmp_path, "noconda", "1", conda=False)
    unset = SPEC.format(name="noimage", version="1", image=PINNED).replace("image:", "# image:")
    write(tmp_path, "noimage", "1", unset)
    write(tmp_path, "built", "1", SPEC.format(name="built", version="1", image=PINNED) + "build: {path: ./context}\n")
    with pytest.raises(SettingsError) as caught:
        published_environments("shared", tmp_path)
    keys = caught.value.keys
    assert keys == [
        f"{tmp_path.name}/built/1/environment.yml: build",
        f"{tmp_path.name}/moved/3/environment.yml: version",
        f"{tmp_path.name}/noconda/1/environment.yml: conda_file",
        f"{tmp_path.name}/noimage/1/environment.yml: image",
        f"{tmp_path.name}/renamed/1/environment.yml: name",
    ]
    assert caught.value.stack == "shared"


@pytest.mark.parametrize(
    ("image", "floats"),
    [
        ("mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", True),
        ("mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04", True),
        ("myregistry.azurecr.io:5000/base", True),  # the port is the host's, not a tag
        (PINNED, False),
        ("myregistry.azurecr.io:5000/base:2025.07", False),
        ("mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04@sha256:" + "0" * 64, False),
        ("mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest@sha256:" + "0" * 64, False),
    ],
)
def test_an_image_floats_without_a_dated_tag_or_a_digest(image: str, floats: bool) -> None:
    assert floating(image) is floats


def test_the_newest_version_must_pin_its_image_and_older_ones_stay_as_published(tmp_path: Path) -> None:
    floats = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest"
    write(tmp_path, "serve", "1", SPEC.format(name="serve", version="1", image=floats))
    write(tmp_path, "serve", "2")
    assert [e.version for e in published_environments("shared", tmp_path)] == ["1", "2"]

    write(tmp_path, "serve", "10", SPEC.format(name="serve", version="10", image=floats))  # 10 > 2, not "10" < "2"
    with pytest.raises(SettingsError) as caught:
        published_environments("shared", tmp_path)
    assert caught.value.keys == [f"{tmp_path.name}/serve/10/environment.yml: image"]
    assert "floats" in str(caught.value)

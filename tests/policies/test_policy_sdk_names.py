"""The type tokens and camelCase property names the rules read exist in the installed
pulumi-azure-native SDK (wire names come from the SDK's @pulumi.getter declarations)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache

import pulumi
import pytest

from policies.rules.lib import catalog
from policies.rules.lib.taggable import TAGGABLE, TAGGABLE_MODULES
from tests.policies.rule_cases import SERVICES

MODULE = "pulumi_azure_native"


def _class(module: str, name: str) -> type:
    return getattr(importlib.import_module(f"{MODULE}.{module}"), name)  # type: ignore[no-any-return]


@cache
def wire_names(module: str, class_name: str) -> frozenset[str]:
    cls = _class(module, class_name)
    return frozenset(getattr(v.fget, "_pulumi_name", k) for k, v in vars(cls).items() if isinstance(v, property))


def split(token: str) -> tuple[str, str]:
    _, module, name = token.split(":")
    return module, name


TOKENS = sorted(
    v for k, v in vars(catalog).items() if k.isupper() and isinstance(v, str) and v.startswith("azure-native:")
)


@pytest.mark.parametrize("token", TOKENS)
def test_type_tokens_exist_in_the_sdk(token: str) -> None:
    module, name = split(token)
    source = inspect.getsource(_class(module, name))
    assert f"'{token}'" in source


def sdk_taggable(module: str) -> set[str]:
    """Resource types of an SDK module whose Args take `tags` as a map (Azure tags)."""
    package = importlib.import_module(f"{MODULE}.{module}")
    # pulumi's lazy module loads on the first attribute access; importing a submodule before that
    # leaves the package without some of its names (then `_class` fails in whichever test follows)
    hasattr(package, "__all__")
    found = set()
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith(("_", "get_", "list_")):
            continue
        source = importlib.import_module(f"{MODULE}.{module}.{info.name}")
        for name, cls in vars(source).items():
            args = getattr(source, f"{name}Args", None)
            if not (
                inspect.isclass(cls)
                and issubclass(cls, pulumi.CustomResource)
                and cls.__module__ == source.__name__
                and args is not None
            ):
                continue
            tags = inspect.signature(args.__init__).parameters.get("tags")
            if tags is not None and "Mapping" in str(tags.annotation):
                found.add(f"azure-native:{module}:{name}")
    return found


@pytest.mark.parametrize("module", sorted(TAGGABLE_MODULES))
def test_the_taggable_table_matches_the_sdk(module: str) -> None:
    table = {t for t in TAGGABLE if t.split(":")[1] == module}
    sdk = sdk_taggable(module)
    assert table == sdk, f"add {sorted(sdk - table)}, remove {sorted(table - sdk)}"


def test_the_platform_types_are_classified() -> None:
    assert {
        catalog.ML_WORKSPACE,
        catalog.STORAGE_ACCOUNT,
        catalog.KEY_VAULT,
        catalog.REGISTRY,
        catalog.AKS_CLUSTER,
        catalog.AKS_POOL,
        catalog.RESOURCE_GROUP,
        catalog.PRIVATE_ENDPOINT,
    } <= TAGGABLE
    assert (
        not {
            catalog.ML_DATASTORE,
            catalog.BLOB_CONTAINER,
            catalog.ROLE_ASSIGNMENT,
            catalog.DIAGNOSTIC_SETTING,
            catalog.K8S_EXTENSION,
        }
        & TAGGABLE
    )
    assert {split(t)[0] for t in TOKENS} <= TAGGABLE_MODULES


# (SDK module, input class, the wire names the rules read): each service's test module lists those
# of its rules.
READ = [entry for _, tests in SERVICES for entry in tests.READ]


@pytest.mark.parametrize(("module", "class_name", "names"), READ, ids=[f"{m}.{c}" for m, c, _ in READ])
def test_property_names_read_by_the_rules_exist(module: str, class_name: str, names: set[str]) -> None:
    assert names - wire_names(module, class_name) == set()


def test_name_inputs_exist() -> None:
    for token, name_input in catalog.NAME_INPUT.items():
        module, name = split(token)
        assert name_input in wire_names(module, name + "Args"), token

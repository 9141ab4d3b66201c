"""The data lakes a stack creates: storage accounts built like the default one (secure_storage_account),
with globally unique names and the private-link groups their datastores are reached through."""

from __future__ import annotations

from components.core.naming import Names
from components.settings.data import DataAccountSettings, DataSettings
from components.settings.errors import Problem, SettingsError
from components.settings.workspace import StorageSettings
from components.workspace.storage import StorageSpec


def lake_names(settings: DataSettings, names: Names) -> dict[str, str]:
    """Globally unique account names; two keys must not shorten to the same name."""
    lakes = {key: names.global_alnum(f"dl{key}") for key, a in settings.accounts.items() if a.created}
    seen: dict[str, str] = {}
    for key, account_name in lakes.items():
        if seen.setdefault(account_name, key) != key:
            raise SettingsError(
                names.stack,
                [Problem(f"ml-platform:data.accounts.{key}", f"shortens to the same name as {seen[account_name]}")],
            )
    return lakes


def lake_spec(
    account: DataAccountSettings,
    account_name: str,
    storage_settings: StorageSettings,
    *,
    public_network_access: str,
    ip_rules: tuple[str, ...],
) -> StorageSpec:
    return StorageSpec(
        account_name=account_name,
        sku=account.sku or storage_settings.sku,
        public_network_access=public_network_access,
        blob_soft_delete_days=storage_settings.blob_soft_delete_days,
        # Azure Storage does not support blob versioning on HNS accounts
        versioning=storage_settings.versioning and not account.hierarchical_namespace,
        hierarchical_namespace=account.hierarchical_namespace,
        ip_rules=ip_rules,
    )


def private_link_groups(account: DataAccountSettings) -> tuple[str, ...]:
    """file too: a lake may hold file-share datastores (and policy STK-07 asks blob + file of accounts)."""
    return ("blob", "file", "dfs") if account.hierarchical_namespace else ("blob", "file")

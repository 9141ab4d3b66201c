"""The base every settings model shares: camelCase keys as in the stack file, no unknown keys."""

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class SettingsModel(BaseModel):
    """Immutable, strict about unknown keys (a typo is an error, not a silent default)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
    )


def problem(key: str, message: str) -> ValueError:
    """A cross-field error that names the offending key below the model it is raised in.

    Pydantic only knows the location of the model a model-validator runs on; the loader turns
    the ``key: `` prefix back into a full key path such as ``compute.clusters[1].maxNodes``.
    """
    return ValueError(f"{key}: {message}")

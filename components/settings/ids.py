"""Entra object ids: the one check for every setting that names a user, group or service principal."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

# A GUID in its 8-4-4-4-12 hex form (ASCII hex digits only).
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_object_id(value: str) -> bool:
    """A GUID that can name a principal: the all-zero GUID is the nil UUID (RFC 9562), a
    placeholder that no Entra object has, so Azure answers PrincipalNotFound for it."""
    return bool(_GUID.fullmatch(value)) and not set(value) <= {"0", "-"}


def _object_id(value: str) -> str:
    if not is_object_id(value):
        raise ValueError(f"'{value}' is not an Entra object id (a GUID, not all zeros)")
    return value


ObjectId = Annotated[str, AfterValidator(_object_id)]

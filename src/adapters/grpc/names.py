"""Resource names (``apps/{app}``, ``apps/{app}/shops/{shop}`` …) parsed at the edge."""

from __future__ import annotations

import re

from domain.errors import InvalidArgument
from domain.ids import AppId

_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}"
_APP = re.compile(rf"apps/({_SEGMENT})")


def app_name(app_id: str) -> str:
    return f"apps/{app_id}"


def parse_app_name(name: str, field: str = "name") -> AppId:
    if not name:
        raise InvalidArgument(field, "is required (apps/{app})")
    match = _APP.fullmatch(name)
    if match is None:
        raise InvalidArgument(field, f"{name!r} is not an app name (apps/{{app}})")
    return AppId(match.group(1))

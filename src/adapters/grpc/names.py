"""Resource names (``apps/{app}``, ``apps/{app}/shops/{shop}`` …) built and parsed at the edge."""

from __future__ import annotations

import re

from domain.errors import InvalidArgument
from domain.ids import AppId, ShopId, TaskId

_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}"
_APP = re.compile(rf"apps/({_SEGMENT})")
_SHOP = re.compile(rf"apps/({_SEGMENT})/shops/({_SEGMENT})")
_TASK = re.compile(rf"apps/({_SEGMENT})/tasks/({_SEGMENT})")


def app_name(app_id: str) -> str:
    return f"apps/{app_id}"


def shop_name(app_id: str, shop_id: str) -> str:
    return f"apps/{app_id}/shops/{shop_id}"


def task_name(app_id: str, task_id: str) -> str:
    return f"apps/{app_id}/tasks/{task_id}"


def _match(pattern: re.Pattern[str], name: str, field: str, shape: str) -> re.Match[str]:
    if not name:
        raise InvalidArgument(field, f"is required ({shape})")
    match = pattern.fullmatch(name)
    if match is None:
        raise InvalidArgument(field, f"{name!r} is not a name of the form {shape}")
    return match


def parse_app_name(name: str, field: str = "name") -> AppId:
    return AppId(_match(_APP, name, field, "apps/{app}").group(1))


def parse_shop_name(name: str, field: str = "name") -> tuple[AppId, ShopId]:
    match = _match(_SHOP, name, field, "apps/{app}/shops/{shop}")
    return AppId(match.group(1)), ShopId(match.group(2))


def parse_task_name(name: str, field: str = "name") -> tuple[AppId, TaskId]:
    match = _match(_TASK, name, field, "apps/{app}/tasks/{task}")
    return AppId(match.group(1)), TaskId(match.group(2))

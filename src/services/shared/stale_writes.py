"""Optimistic writes: a transaction that lost a race to another writer starts over from a fresh read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from domain.errors import StaleWrite

T = TypeVar("T")

WRITE_ATTEMPTS = 3
"""How often a write is tried from a fresh read while another writer keeps getting in first."""


async def retry_stale(
    write: Callable[[], Awaitable[T]],
    *,
    attempts: int = WRITE_ATTEMPTS,
    also: tuple[type[Exception], ...] = (),
) -> T:
    """``write()``, called again while it raises ``StaleWrite`` (or one of ``also``, races that a
    fresh read resolves as well); the last attempt's error propagates.

    ``write`` must open its own unit of work, so each attempt reads afresh.
    """
    retried: tuple[type[Exception], ...] = (StaleWrite, *also)
    for _ in range(1, attempts):
        try:
            return await write()
        except retried:
            continue
    return await write()

"""Per-call correlation id, shared by the access log and the error edge."""

from __future__ import annotations

import contextvars
import secrets

_correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("mcc_correlation_id", default="-")

CORRELATION_HEADER = "x-request-id"


def new_correlation_id(offered: str | None) -> str:
    # Accept a caller's id only when it is short and printable, so it cannot pollute log lines.
    if offered and len(offered) <= 64 and offered.isprintable() and " " not in offered:
        return offered
    return secrets.token_hex(8)


def set_correlation_id(value: str) -> contextvars.Token[str]:
    return _correlation_id.set(value)


def reset_correlation_id(token: contextvars.Token[str]) -> None:
    _correlation_id.reset(token)


def correlation_id() -> str:
    return _correlation_id.get()

"""The deadline of the call being served, for waits deep below the edge (a database pool checkout).

The gRPC edge sets it from the caller's deadline; code that may wait for a shared resource asks
``wait_budget()`` how long it may still wait so the call fails honestly before its caller gives up.
"""

from __future__ import annotations

import contextvars
import time

# Time left for the answer to travel back, after a wait gave up.
ANSWER_MARGIN_SECONDS = 0.05

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("mcc_call_deadline", default=None)


def set_call_deadline(time_remaining: float | None) -> contextvars.Token[float | None]:
    """``time_remaining``: seconds until the caller's deadline (``None``: the caller set none)."""
    deadline = None if time_remaining is None else time.monotonic() + time_remaining
    return _deadline.set(deadline)


def reset_call_deadline(token: contextvars.Token[float | None]) -> None:
    _deadline.reset(token)


def wait_budget() -> float | None:
    """Seconds a wait may still take in this call (at least 0); ``None`` outside a call with a deadline."""
    deadline = _deadline.get()
    if deadline is None:
        return None
    return max(0.0, deadline - time.monotonic() - ANSWER_MARGIN_SECONDS)

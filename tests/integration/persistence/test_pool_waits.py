"""A database connection is waited for at most the pool timeout, and never past the deadline of
the call being served, so a busy pool fails the call while its caller still listens."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import exc

from adapters.call_deadline import reset_call_deadline, set_call_deadline
from adapters.persistence.engine import create_engine


async def test_a_checkout_waits_no_longer_than_the_call_deadline(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/pool.db", pool_size=1, pool_timeout=30)
    try:
        held = [await engine.connect().start() for _ in range(2)]  # the pool and its overflow
        token = set_call_deadline(0.3)
        started = time.monotonic()
        try:
            with pytest.raises(exc.TimeoutError):
                await engine.connect().start()
        finally:
            reset_call_deadline(token)
        assert time.monotonic() - started < 2
        for connection in held:
            await connection.close()
    finally:
        await engine.dispose()


async def test_outside_a_call_the_pool_timeout_bounds_the_wait(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/pool.db", pool_size=1, pool_timeout=0.2)
    try:
        held = [await engine.connect().start() for _ in range(2)]
        started = time.monotonic()
        with pytest.raises(exc.TimeoutError):
            await engine.connect().start()
        assert time.monotonic() - started < 2
        for connection in held:
            await connection.close()
    finally:
        await engine.dispose()

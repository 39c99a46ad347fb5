"""Readiness: the database answers and is at this build's migration head."""

from __future__ import annotations

import socket

from adapters.inbound_http.readiness import DatabaseReadiness
from adapters.persistence.engine import create_engine
from adapters.persistence.migrator import head_revision, upgrade_to_head


async def test_ready_only_once_the_database_is_at_the_migration_head(empty_engine) -> None:  # type: ignore[no-untyped-def]
    readiness = DatabaseReadiness(empty_engine)
    assert await readiness.problem() == f"database at migration none, this build needs {head_revision()}"
    await upgrade_to_head(empty_engine)
    assert await readiness.problem() is None


async def test_an_unreachable_database_is_not_ready_and_the_reason_shows_no_url() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = create_engine(f"postgresql+psycopg://postgres:s3cret@127.0.0.1:{port}/x")
    try:
        assert await DatabaseReadiness(engine).problem() == "database unreachable"
    finally:
        await engine.dispose()

"""Readiness: the database answers and is at this build's migration head."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.migrator import current_revision, head_revision

log = logging.getLogger("mcc.http")

CHECK_TIMEOUT_SECONDS = 5.0


class DatabaseReadiness:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def problem(self) -> str | None:
        """None when ready; else why not, in words safe to show (no URL, no password)."""
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                current = await current_revision(self._engine)
        except Exception as error:
            log.warning("readiness check: database unreachable (%s)", type(error).__name__)
            return "database unreachable"
        head = head_revision()
        if current != head:
            return f"database at migration {current or 'none'}, this build needs {head}"
        return None

"""Client request ids: a mutating call repeated with its ``request_id`` replays the first call's result.

The id is recorded (``uow.completed_requests``) in the same transaction as the change it names, so
a retry after a lost reply finds it and does nothing again. An id the app already used for another
operation or subject is refused (``RequestIdReused``, INVALID_ARGUMENT on ``request_id``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from domain.errors import RequestIdReused
from domain.ids import AppId
from domain.ports import CompletedRequest, UnitOfWork


@dataclass(frozen=True)
class ClientRequest:
    """One call of ``operation`` (the RPC's name) on ``subject`` (the resource or scope it changes),
    carrying the client's optional retry key. ``details`` are the call's own values (an update's
    mask and new values), so the id repeated with other values is refused too."""

    app_id: AppId
    request_id: str | None
    operation: str
    subject: str
    details: str = ""

    @property
    def recorded_subject(self) -> str:
        """The subject as stored: with a short digest of the details when there are any."""
        if not self.details:
            return self.subject
        return f"{self.subject}#{hashlib.sha256(self.details.encode()).hexdigest()[:16]}"

    async def replayed(self, uow: UnitOfWork) -> CompletedRequest | None:
        """The first call's record when this very call was done before; None for a first call (or
        no ``request_id``). ``RequestIdReused`` when the id was used for another call."""
        if self.request_id is None:
            return None
        done = await uow.completed_requests.find(self.app_id, self.request_id)
        if done is None:
            return None
        if (done.operation, done.subject) != (self.operation, self.recorded_subject):
            raise RequestIdReused()
        return done

    async def record(self, uow: UnitOfWork, at: datetime, result: str | None = None) -> None:
        """Remembers the call in ``uow``'s transaction; ``result`` names what it produced (e.g. the
        task it started) when a replay cannot find that from the subject alone."""
        if self.request_id is None:
            return
        await uow.completed_requests.record(
            CompletedRequest(self.app_id, self.request_id, self.operation, self.recorded_subject, at, result)
        )

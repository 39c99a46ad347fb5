"""An order's cancellation as TikTok and the seller left it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class CancellationState(Enum):
    NONE = "NONE"
    REQUESTED = "REQUESTED"
    """The buyer asked; the seller must answer before the deadline."""
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    SELLER_CANCELLED = "SELLER_CANCELLED"


@dataclass(frozen=True)
class Cancellation:
    state: CancellationState = CancellationState.NONE
    cancel_id: str | None = None
    response_deadline: datetime | None = None
    reason: str = ""
    request_time: datetime | None = None
    resolve_time: datetime | None = None

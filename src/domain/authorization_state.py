"""One-time OAuth states: what a started authorization or installation remembers until its callback.

The caller gets the state itself; we keep only its SHA-256, so a leaked table cannot be replayed.
A state is valid for a limited time and is consumed by the first callback that presents it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from domain.errors import InvalidArgument, PreconditionFailed
from domain.ids import AppId, ShopId
from domain.shop import DisplayName, Region

STATE_BYTES = 32
# A TikTok authorization code lives 30 minutes, a SHOPLINE one 10; the state need not outlive it.
TIKTOK_STATE_LIFETIME = timedelta(minutes=30)
SHOPLINE_STATE_LIFETIME = timedelta(minutes=10)
# SHOPLINE signs its redirects with a millisecond timestamp and rejects skews above 10 minutes.
CALLBACK_MAX_SKEW = timedelta(minutes=10)


def state_hash(state: str) -> str:
    """The key under which a state is stored (hex SHA-256 of its text)."""
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PendingAuthorization:
    """A started TikTok shop authorization (``StartAuthorization``) waiting for its callback."""

    app_id: AppId
    region: Region
    display_name: DisplayName | None
    shop_to_reauthorize: ShopId | None
    created_at: datetime
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


@dataclass(frozen=True)
class PendingInstallation:
    """A started SHOPLINE installation (``StartInstallation``) waiting for its OAuth callback."""

    store_handle: str
    redirect_uri: str
    created_at: datetime
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


PendingOAuth = PendingAuthorization | PendingInstallation


def callback_is_fresh(timestamp_ms: int, now: datetime) -> bool:
    """A signed redirect's timestamp lies within the allowed skew of our clock."""
    skew_ms = abs(int(now.timestamp() * 1000) - timestamp_ms)
    return skew_ms <= CALLBACK_MAX_SKEW // timedelta(milliseconds=1)


# --- Errors (raised by services and state stores) -------------------------------------------


class AuthorizationStateInvalid(PreconditionFailed):
    """Unknown, expired and already used states are one error, so probing learns nothing."""

    reason = "AUTHORIZATION_STATE_INVALID"

    def __init__(self) -> None:
        super().__init__(
            "state", "the state is unknown, expired or already used; start the authorization again"
        )


class CallbackSignatureInvalid(InvalidArgument):
    reason = "CALLBACK_SIGNATURE_INVALID"

    def __init__(self) -> None:
        super().__init__("sign", "the signature does not match the callback parameters")


class CallbackTimestampStale(InvalidArgument):
    reason = "CALLBACK_TIMESTAMP_STALE"

    def __init__(self) -> None:
        super().__init__("timestamp", "more than 10 minutes away from server time")


# --- Ports ----------------------------------------------------------------------------------


@runtime_checkable
class AuthorizationStateStore(Protocol):
    """Pending OAuth states keyed by ``state_hash``; lives in the unit of work's transaction."""

    async def put(self, state_hash: str, pending: PendingOAuth) -> None: ...

    async def take(self, state_hash: str, now: datetime) -> PendingOAuth:
        """Removes and returns the state atomically, so only one caller ever gets it.

        ``AuthorizationStateInvalid`` when it is unknown, already taken or expired at ``now``.
        """
        ...


@runtime_checkable
class SecureRandom(Protocol):
    def token_urlsafe(self, nbytes: int) -> str:
        """``nbytes`` bytes from a cryptographically secure source, as URL-safe text."""
        ...

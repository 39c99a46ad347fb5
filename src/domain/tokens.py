"""Credentials and their refresh policy: TikTok shop tokens and SHOPLINE app tokens.

Expiries are absolute instants; every state is derived from a ``now`` the caller passes in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from domain.errors import TokenRevoked
from domain.events import RecordsEvents, ShoplineTokenRefreshed, TikTokTokenRefreshed, TikTokTokenRevoked
from domain.ids import AppId, ShopId
from domain.secret import Secret

DEFAULT_REFRESH_WINDOW = timedelta(hours=48)
GRANT_EXPIRY_WARNING = timedelta(days=30)
# Refresh a SHOPLINE token 90 % into its lifetime (integer arithmetic: no float rounding).
SHOPLINE_REFRESH_AT_PERCENT = 90


class TokenState(Enum):
    VALID = "VALID"
    EXPIRING_SOON = "EXPIRING_SOON"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"


@dataclass(frozen=True)
class TikTokGrant:
    """A token pair from TikTok's token endpoints; expiries are absolute (TikTok's ``*_expire_in``)."""

    access_token: Secret
    access_expires_at: datetime
    refresh_token: Secret
    refresh_expires_at: datetime
    open_id: str = ""
    seller_name: str = ""
    seller_base_region: str = ""
    granted_scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShoplineGrant:
    access_token: Secret
    expires_at: datetime
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TikTokTokenLifetime:
    """When a shop's TikTok credentials end: all a status view needs, and no token value."""

    access_expires_at: datetime
    refresh_expires_at: datetime
    revoked_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def needs_reauthorization(self, now: datetime) -> bool:
        if self.revoked:
            return True
        return now >= self.access_expires_at and now >= self.refresh_expires_at

    def expiring_soon(self, now: datetime) -> bool:
        """The grant (the refresh token) ends within 30 days: the seller should re-authorize."""
        return not self.needs_reauthorization(now) and self.refresh_expires_at - now <= GRANT_EXPIRY_WARNING

    def state(self, now: datetime) -> TokenState:
        if self.revoked:
            return TokenState.REVOKED
        if self.needs_reauthorization(now):
            return TokenState.EXPIRED
        if self.expiring_soon(now):
            return TokenState.EXPIRING_SOON
        return TokenState.VALID


class TikTokToken(RecordsEvents):
    """The credentials of one shop."""

    def __init__(
        self,
        *,
        shop_id: ShopId,
        access_token: Secret,
        access_expires_at: datetime,
        refresh_token: Secret,
        refresh_expires_at: datetime,
        issued_at: datetime,
        revoked_at: datetime | None = None,
    ) -> None:
        """Rebuilds a token from stored state; ``issue`` creates one from a grant."""
        self._shop_id = shop_id
        self._access_token = access_token
        self._access_expires_at = access_expires_at
        self._refresh_token = refresh_token
        self._refresh_expires_at = refresh_expires_at
        self._issued_at = issued_at
        self._revoked_at = revoked_at
        self._events = []

    @classmethod
    def issue(cls, shop_id: ShopId, grant: TikTokGrant, now: datetime) -> TikTokToken:
        return cls(
            shop_id=shop_id,
            access_token=grant.access_token,
            access_expires_at=grant.access_expires_at,
            refresh_token=grant.refresh_token,
            refresh_expires_at=grant.refresh_expires_at,
            issued_at=now,
        )

    @property
    def shop_id(self) -> ShopId:
        return self._shop_id

    @property
    def access_token(self) -> Secret:
        return self._access_token

    @property
    def refresh_token(self) -> Secret:
        return self._refresh_token

    @property
    def access_expires_at(self) -> datetime:
        return self._access_expires_at

    @property
    def refresh_expires_at(self) -> datetime:
        return self._refresh_expires_at

    @property
    def issued_at(self) -> datetime:
        return self._issued_at

    @property
    def revoked_at(self) -> datetime | None:
        return self._revoked_at

    @property
    def revoked(self) -> bool:
        return self._revoked_at is not None

    @property
    def lifetime(self) -> TikTokTokenLifetime:
        return TikTokTokenLifetime(self._access_expires_at, self._refresh_expires_at, self._revoked_at)

    # --- policy -----------------------------------------------------------------------------

    def access_valid(self, now: datetime) -> bool:
        return not self.revoked and now < self._access_expires_at

    def refresh_valid(self, now: datetime) -> bool:
        return not self.revoked and now < self._refresh_expires_at

    def refresh_due(self, now: datetime, window: timedelta = DEFAULT_REFRESH_WINDOW) -> bool:
        """The access token ends within ``window`` and the refresh token can still renew it."""
        return self.refresh_valid(now) and self._access_expires_at - now <= window

    def needs_reauthorization(self, now: datetime) -> bool:
        return self.lifetime.needs_reauthorization(now)

    def expiring_soon(self, now: datetime) -> bool:
        """The grant (the refresh token) ends within 30 days: the seller should re-authorize."""
        return self.lifetime.expiring_soon(now)

    def state(self, now: datetime) -> TokenState:
        return self.lifetime.state(now)

    # --- commands ---------------------------------------------------------------------------

    def refreshed(self, grant: TikTokGrant, now: datetime) -> None:
        """Both tokens are replaced together: the old refresh token may already be void."""
        if self.revoked:
            raise TokenRevoked(f"shops/{self._shop_id}/token", "a revoked token cannot be refreshed")
        self._access_token = grant.access_token
        self._access_expires_at = grant.access_expires_at
        self._refresh_token = grant.refresh_token
        self._refresh_expires_at = grant.refresh_expires_at
        self._issued_at = now
        self._record(TikTokTokenRefreshed(self._shop_id, now))

    def reject_refresh(self, now: datetime) -> None:
        """TikTok refused the refresh token as invalid: only a new authorization helps."""
        if not self.revoked:
            self._revoked_at = now
            self._record(TikTokTokenRevoked(self._shop_id, now))

    def reissue(self, grant: TikTokGrant, now: datetime) -> None:
        """A re-authorization replaces the credentials whatever state they were in."""
        self._revoked_at = None
        self.refreshed(grant, now)

    def grant_ends_by(self, end: datetime) -> bool:
        """TikTok announced when the authorization ends: an announcement can only bring the
        grant's end nearer (a later one would outlive the refresh token we hold). True when it
        changed."""
        if end >= self._refresh_expires_at:
            return False
        self._refresh_expires_at = end
        return True

    def __repr__(self) -> str:
        return (
            f"TikTokToken(shop_id={self._shop_id!r}, "
            f"access_expires_at={self._access_expires_at.isoformat()}, "
            f"refresh_expires_at={self._refresh_expires_at.isoformat()}, revoked={self.revoked})"
        )


class ShoplineToken(RecordsEvents):
    """The access token of one app's SHOPLINE store (about 10 h; renewed with the app signature)."""

    def __init__(
        self,
        *,
        app_id: AppId,
        access_token: Secret,
        issued_at: datetime,
        expires_at: datetime,
        revoked_at: datetime | None = None,
    ) -> None:
        self._app_id = app_id
        self._access_token = access_token
        self._issued_at = issued_at
        self._expires_at = expires_at
        self._revoked_at = revoked_at
        self._events = []

    @classmethod
    def issue(cls, app_id: AppId, grant: ShoplineGrant, now: datetime) -> ShoplineToken:
        return cls(app_id=app_id, access_token=grant.access_token, issued_at=now, expires_at=grant.expires_at)

    @property
    def app_id(self) -> AppId:
        return self._app_id

    @property
    def access_token(self) -> Secret:
        return self._access_token

    @property
    def issued_at(self) -> datetime:
        return self._issued_at

    @property
    def expires_at(self) -> datetime:
        return self._expires_at

    @property
    def revoked_at(self) -> datetime | None:
        return self._revoked_at

    @property
    def revoked(self) -> bool:
        return self._revoked_at is not None

    @property
    def refresh_at(self) -> datetime:
        """90 % into the token's lifetime."""
        lifetime = self._expires_at - self._issued_at
        return self._issued_at + lifetime * SHOPLINE_REFRESH_AT_PERCENT // 100

    def expired(self, now: datetime) -> bool:
        return now >= self._expires_at

    def refresh_due(self, now: datetime) -> bool:
        return not self.revoked and now >= self.refresh_at

    def state(self, now: datetime) -> TokenState:
        if self.revoked:
            return TokenState.REVOKED
        if self.expired(now):
            return TokenState.EXPIRED
        if self.refresh_due(now):
            return TokenState.EXPIRING_SOON
        return TokenState.VALID

    def refreshed(self, grant: ShoplineGrant, now: datetime) -> None:
        if self.revoked:
            raise TokenRevoked(f"apps/{self._app_id}/token", "a revoked token cannot be refreshed")
        self._access_token = grant.access_token
        self._issued_at = now
        self._expires_at = grant.expires_at
        self._record(ShoplineTokenRefreshed(self._app_id, now))

    def revoke(self, now: datetime) -> None:
        """The app was uninstalled or SHOPLINE refused the token."""
        if not self.revoked:
            self._revoked_at = now

    def reissue(self, grant: ShoplineGrant, now: datetime) -> None:
        self._revoked_at = None
        self.refreshed(grant, now)

    def __repr__(self) -> str:
        return (
            f"ShoplineToken(app_id={self._app_id!r}, expires_at={self._expires_at.isoformat()}, "
            f"revoked={self.revoked})"
        )

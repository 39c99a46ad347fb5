"""Seller grants, authorization codes and tokens (reference §1).

Codes are single use and live 30 minutes. Access tokens live 7 days; refresh tokens as long as
the grant. Expiries are reported as absolute Unix times. A refresh rotates both tokens: the old
refresh token stops working at once; the old access token keeps working until its own expiry.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from sandbox.tiktok import errors

CODE_LIFETIME_S = 30 * 60
ACCESS_TOKEN_LIFETIME_S = 7 * 86_400
GRANT_LIFETIME_S = 365 * 86_400

DEFAULT_SCOPES = (
    "seller.authorization.info",
    "seller.shop.info",
    "seller.product.basic",
    "seller.product.write",
    "seller.order.info",
    "seller.fulfillment.basic",
    "seller.return_refund.basic",
    "seller.logistics",
)


@dataclass(slots=True)
class AuthCode:
    grant_id: str
    issued_at: float
    used: bool = False


@dataclass(slots=True)
class Grant:
    id: str
    open_id: str
    seller_name: str
    region: str
    shop_ids: tuple[str, ...]
    expires_at: int
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    revoked: bool = False
    access_tokens: list[str] = field(default_factory=list)


@dataclass(slots=True)
class AccessToken:
    grant_id: str
    expires_at: int


@dataclass(slots=True)
class RefreshToken:
    grant_id: str
    expires_at: int


class AuthRegistry:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.codes: dict[str, AuthCode] = {}
        self.grants: dict[str, Grant] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self._grant_counter = 0

    def grant(self, shop_ids: tuple[str, ...], seller_name: str, region: str) -> tuple[Grant, str]:
        """A seller consents for `shop_ids`: returns the grant and a fresh authorization code."""
        self._grant_counter += 1
        grant_id = f"grant-{self._grant_counter}"
        open_id = str(7_010_736_057_180_325_000 + self._grant_counter)
        grant = Grant(grant_id, open_id, seller_name, region, shop_ids, int(self._clock()) + GRANT_LIFETIME_S)
        self.grants[grant_id] = grant
        return grant, self.issue_code(grant_id)

    def issue_code(self, grant_id: str) -> str:
        code = f"ROW_{secrets.token_urlsafe(24)}"
        self.codes[code] = AuthCode(grant_id, self._clock())
        return code

    def exchange_code(self, code: str) -> tuple[Grant, str, AccessToken, str, RefreshToken]:
        record = self.codes.get(code)
        now = self._clock()
        if record is None or record.used or now - record.issued_at >= CODE_LIFETIME_S:
            raise errors.error(errors.INVALID_AUTH_CODE)
        record.used = True
        grant = self.grants[record.grant_id]
        if grant.revoked:
            raise errors.error(errors.INVALID_AUTH_CODE)
        return (grant, *self._mint(grant))

    def refresh(self, refresh_token: str) -> tuple[Grant, str, AccessToken, str, RefreshToken]:
        record = self.refresh_tokens.get(refresh_token)
        if record is None:
            raise errors.error(errors.NO_AUTH_RECORD)
        grant = self.grants[record.grant_id]
        if grant.revoked:
            raise errors.error(errors.NO_AUTH_RECORD)
        if self._clock() >= record.expires_at:
            raise errors.error(errors.REFRESH_TOKEN_EXPIRED)
        del self.refresh_tokens[refresh_token]
        return (grant, *self._mint(grant))

    def _mint(self, grant: Grant) -> tuple[str, AccessToken, str, RefreshToken]:
        now = int(self._clock())
        access_text = f"ROW_{secrets.token_urlsafe(48)}"
        refresh_text = f"ROW_{secrets.token_urlsafe(40)}"
        access = AccessToken(grant.id, now + ACCESS_TOKEN_LIFETIME_S)
        refresh = RefreshToken(grant.id, grant.expires_at)
        self.access_tokens[access_text] = access
        self.refresh_tokens[refresh_text] = refresh
        grant.access_tokens.append(access_text)
        return access_text, access, refresh_text, refresh

    def authenticate(self, token: str | None) -> Grant:
        record = self.access_tokens.get(token or "")
        if record is None:
            raise errors.error(errors.INVALID_TOKEN)
        grant = self.grants[record.grant_id]
        if grant.revoked:
            raise errors.error(errors.INVALID_TOKEN)
        if self._clock() >= record.expires_at:
            raise errors.error(errors.EXPIRED_TOKEN)
        return grant

    def expire_access_tokens(self, shop_id: str | None = None) -> int:
        """Make every access token (of grants covering `shop_id`, when given) expired now."""
        now = int(self._clock())
        count = 0
        for record in self.access_tokens.values():
            grant = self.grants[record.grant_id]
            if shop_id is None or shop_id in grant.shop_ids:
                record.expires_at = min(record.expires_at, now)
                count += 1
        return count

    def expire_refresh_tokens(self, shop_id: str | None = None) -> int:
        now = int(self._clock())
        count = 0
        for record in self.refresh_tokens.values():
            grant = self.grants[record.grant_id]
            if shop_id is None or shop_id in grant.shop_ids:
                record.expires_at = min(record.expires_at, now)
                count += 1
        return count

    def revoke(self, shop_id: str | None = None, grant_id: str | None = None) -> list[str]:
        revoked = []
        for grant in self.grants.values():
            if (grant_id is not None and grant.id == grant_id) or (
                shop_id is not None and shop_id in grant.shop_ids
            ):
                grant.revoked = True
                revoked.append(grant.id)
        return revoked

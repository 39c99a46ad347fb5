"""SHOPLINE app authorization (reference A2): codes live 10 minutes, access tokens 10 hours.
A refresh mints a new token and leaves the previous one valid for 5 more minutes; refreshing
again right after minting is refused with `REQUEST_FREQUENTLY`. Tokens are JWTs (HS512) whose
claims match the documented samples (`appKey`, `storeId`, `sellerId`, `domain`, `version`,
`iss`, `exp`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sandbox.shopline.errors import OAuthError, ShoplineError

CODE_LIFETIME_S = 10 * 60
TOKEN_LIFETIME_S = 10 * 3600
OLD_TOKEN_GRACE_S = 5 * 60
REFRESH_MIN_INTERVAL_S = 60
DEFAULT_SCOPES = (
    "read_products",
    "write_products",
    "read_orders",
    "write_orders",
    "read_inventory",
    "write_inventory",
    "read_customers",
    "write_customers",
    "read_store_information",
)


@dataclass(slots=True)
class OAuthCode:
    handle: str
    scopes: tuple[str, ...]
    issued_at: float
    used: bool = False


@dataclass(slots=True)
class AccessToken:
    handle: str
    scopes: tuple[str, ...]
    minted_at: float
    expires_at: float


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class ShoplineAuth:
    def __init__(self, clock: Callable[[], float], app_key: str) -> None:
        self._clock = clock
        self._app_key = app_key
        self._jwt_key = secrets.token_bytes(32)
        self.codes: dict[str, OAuthCode] = {}
        self.tokens: dict[str, AccessToken] = {}
        self.installed: dict[str, tuple[str, ...]] = {}  # handle -> scopes
        self.current: dict[str, str] = {}  # handle -> newest token

    def issue_code(self, handle: str, scopes: tuple[str, ...] = DEFAULT_SCOPES) -> str:
        code = secrets.token_hex(16)
        self.codes[code] = OAuthCode(handle, scopes, self._clock())
        return code

    def _jwt(self, handle: str, store_id: str, expires_at: float) -> str:
        header = _b64url(b'{"alg":"HS512"}')
        claims = {
            "appKey": self._app_key,
            "sellerId": store_id,
            "storeId": store_id,
            "version": "V2",
            "domain": f"https://{handle}.myshopline.com",
            "timestamp": int(self._clock() * 1000),
            "iss": "ysoul",
            "exp": int(expires_at),
            "jti": secrets.token_hex(8),
        }
        payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(self._jwt_key, f"{header}.{payload}".encode(), hashlib.sha512).digest()
        return f"{header}.{payload}.{_b64url(signature)}"

    def _mint(self, handle: str, store_id: str, scopes: tuple[str, ...]) -> tuple[str, AccessToken]:
        now = self._clock()
        record = AccessToken(handle, scopes, now, now + TOKEN_LIFETIME_S)
        token = self._jwt(handle, store_id, record.expires_at)
        self.tokens[token] = record
        self.current[handle] = token
        self.installed[handle] = scopes
        return token, record

    def create_token(self, handle: str, store_id: str, code: str) -> tuple[str, AccessToken]:
        record = self.codes.get(code)
        if (
            record is None
            or record.used
            or record.handle != handle
            or self._clock() - record.issued_at >= CODE_LIFETIME_S
        ):
            raise OAuthError(400, "OAUTH_CODE_INVALID", "The authorization code is invalid or expired.")
        record.used = True
        return self._mint(handle, store_id, record.scopes)

    def refresh_token(self, handle: str, store_id: str) -> tuple[str, AccessToken]:
        if handle not in self.installed:
            raise OAuthError(400, "STORE_NOT_INSTALL_APP", "The store has not installed the app.")
        now = self._clock()
        previous = self.tokens.get(self.current.get(handle, ""))
        if previous is not None and now - previous.minted_at < REFRESH_MIN_INTERVAL_S:
            raise OAuthError(429, "REQUEST_FREQUENTLY", "Refreshing too frequently; use the current token.")
        if previous is not None:
            previous.expires_at = min(previous.expires_at, now + OLD_TOKEN_GRACE_S)
        return self._mint(handle, store_id, self.installed[handle])

    def authenticate(self, handle: str, authorization: str | None) -> AccessToken:
        if not authorization or not authorization.startswith("Bearer "):
            raise ShoplineError(401, "Missing access token. Send 'Authorization: Bearer {accessToken}'.")
        record = self.tokens.get(authorization[len("Bearer ") :].strip())
        if record is None or record.handle != handle:
            raise ShoplineError(401, "Invalid access token.")
        if handle not in self.installed:
            raise ShoplineError(401, "The store has not installed the app.")
        if self._clock() >= record.expires_at:
            raise ShoplineError(
                401, "The access token has expired; refresh it or ask the merchant to reauthorize."
            )
        return record

    def expire(self, handle: str | None = None) -> int:
        now = self._clock()
        count = 0
        for record in self.tokens.values():
            if handle is None or record.handle == handle:
                record.expires_at = min(record.expires_at, now)
                record.minted_at = min(record.minted_at, now - REFRESH_MIN_INTERVAL_S)
                count += 1
        return count

    def uninstall(self, handle: str) -> None:
        self.installed.pop(handle, None)
        self.current.pop(handle, None)
        for token in [t for t, r in self.tokens.items() if r.handle == handle]:
            del self.tokens[token]

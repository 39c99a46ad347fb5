"""Seller authorization and tokens (reference §1).

The consent page is chosen by market; the token host exchanges a one-time code and refreshes
tokens with unsigned GETs whose query carries the app secret, so those URLs are never logged.
Expiries come back as absolute Unix times despite their `*_expire_in` names.

A code exchange is never repeated automatically (the code is single use), and neither is a refresh
whose outcome is unknown: a refresh rotates the refresh token, so repeating one whose answer was
lost would present a token that no longer exists. Both are repeated when the request certainly
did not reach the server; a refresh also when the server asked to slow down.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from urllib.parse import urlencode

import httpx

from adapters.http.attempts import send, with_retries
from adapters.http.failures import Failure, FailureKind
from adapters.http.redaction import redact_httpx_request_logs
from adapters.http.retry import RetryPolicy
from adapters.tiktok.transport import DEFAULT_TIMEOUT, PARTNER, classify
from domain.errors import PartnerRejected
from domain.secret import Secret
from domain.tokens import TikTokGrant

CONSENT_URL_REST_OF_WORLD = "https://services.tiktokshop.com/open/authorize"
CONSENT_URL_US = "https://services.us.tiktokshop.com/open/authorize"
TOKEN_GET_PATH = "/api/v2/token/get"  # noqa: S105
TOKEN_REFRESH_PATH = "/api/v2/token/refresh"  # noqa: S105

INVALID_AUTH_CODE = 36004004
REFRESH_TOKEN_EXPIRED = 36004001
NO_AUTH_RECORD = 36004005
REVOKED_ON_REFRESH = frozenset({REFRESH_TOKEN_EXPIRED, NO_AUTH_RECORD})


def consent_url(region: str) -> str:
    return CONSENT_URL_US if region.upper() == "US" else CONSENT_URL_REST_OF_WORLD


def expiry(value: object) -> datetime:
    """An absolute Unix time in seconds, whatever the field name suggests."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("expiry is not a Unix time")
    return datetime.fromtimestamp(int(value), UTC)


def grant_from_data(data: object) -> TikTokGrant:
    if not isinstance(data, dict):
        raise ValueError("token response has no data")
    return TikTokGrant(
        access_token=Secret(str(data["access_token"])),
        access_expires_at=expiry(data["access_token_expire_in"]),
        refresh_token=Secret(str(data["refresh_token"])),
        refresh_expires_at=expiry(data["refresh_token_expire_in"]),
        open_id=str(data.get("open_id") or ""),
        seller_name=str(data.get("seller_name") or ""),
        seller_base_region=str(data.get("seller_base_region") or ""),
        granted_scopes=tuple(str(scope) for scope in data.get("granted_scopes") or ()),
    )


class TikTokAuthClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        auth_url: str,
        app_key: str,
        app_secret: str,
        service_id: str,
        consent_base_url: str | None = None,
        retry_policy: RetryPolicy | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """`consent_base_url` replaces the market's consent host (for a simulator or a proxy)."""
        self._http = http
        self._auth_url = auth_url.rstrip("/")
        self._app_key = app_key
        self._app_secret = app_secret
        self._service_id = service_id
        self._consent_base_url = consent_base_url.rstrip("/") if consent_base_url else None
        self._policy = retry_policy or RetryPolicy()
        self._timeout = timeout
        self._clock = clock
        self._sleep = sleep
        redact_httpx_request_logs()

    def __repr__(self) -> str:
        return f"TikTokAuthClient(auth_url={self._auth_url!r})"

    def authorization_url(self, region: str, state: str | None = None) -> str:
        """Where to send the seller to consent; TikTok redirects to the app's registered URL."""
        base = f"{self._consent_base_url}/open/authorize" if self._consent_base_url else consent_url(region)
        params = {"service_id": self._service_id}
        if state:
            params["state"] = state
        return f"{base}?{urlencode(params)}"

    async def exchange_code(self, auth_code: str) -> TikTokGrant:
        params = {"auth_code": auth_code, "grant_type": "authorized_code"}
        return await self._token_call(TOKEN_GET_PATH, params, refreshing=False)

    async def refresh(self, refresh_token: Secret) -> TikTokGrant:
        params = {"refresh_token": refresh_token.reveal(), "grant_type": "refresh_token"}
        return await self._token_call(TOKEN_REFRESH_PATH, params, refreshing=True)

    async def _token_call(self, path: str, params: dict[str, str], *, refreshing: bool) -> TikTokGrant:
        query = urlencode({"app_key": self._app_key, "app_secret": self._app_secret, **params})
        url = f"{self._auth_url}{path}?{query}"

        async def attempt() -> TikTokGrant | Failure:
            response = await send(self._http, self._http.build_request("GET", url, timeout=self._timeout))
            if isinstance(response, Failure):
                return response
            outcome = classify(response, self._clock())
            if isinstance(outcome, Failure):
                return _token_failure(outcome, refreshing=refreshing)
            try:
                return grant_from_data(outcome.data)
            except (KeyError, ValueError, TypeError):
                raise PartnerRejected(
                    PARTNER,
                    "malformed_token_response",
                    "The token response lacks a field.",
                    outcome.request_id,
                ) from None

        def retriable(failure: Failure) -> bool:
            # A throttled refresh was not processed; a code exchange is only ever repeated when
            # the request certainly never left.
            throttled_refresh = refreshing and failure.kind is FailureKind.RATE_LIMITED
            return throttled_refresh or not failure.sent

        return await with_retries(
            attempt,
            partner=PARTNER,
            what=f"GET {path}",
            policy=self._policy,
            sleep=self._sleep,
            retriable=retriable,
        )


def _token_failure(failure: Failure, *, refreshing: bool) -> Failure:
    if refreshing and failure.code.isdigit() and int(failure.code) in REVOKED_ON_REFRESH:
        failure.kind = FailureKind.TOKEN_REVOKED
    elif failure.kind is FailureKind.AUTH_EXPIRED:
        failure.kind = FailureKind.REJECTED
    return failure

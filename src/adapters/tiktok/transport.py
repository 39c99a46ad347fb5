"""Sending signed Open API requests: building, rate limiting, retries and error mapping.

Every attempt takes a fresh timestamp and is signed again over the exact bytes it sends. 429 and
`36009002` are always retried; 5xx, `36009003`/`36009007` and timeouts only for idempotent calls
(a request that never left the machine, such as a refused connection, is always safe to repeat).
An expired or invalid access token triggers one refresh through the caller's token source, then
the call is repeated. Whatever happens, callers see a port-level `PartnerError`, never an httpx
exception, and no log line carries a token, secret or signature.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx

from adapters.http.attempts import send, with_retries
from adapters.http.failures import Failure, FailureKind
from adapters.http.ratelimit import KeyedRateLimiter
from adapters.http.redaction import redact_httpx_request_logs
from adapters.http.retry import RetryPolicy, parse_retry_after
from adapters.tiktok import signing

PARTNER = "tiktok"
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
JSON_CONTENT_TYPE = "application/json"

RATE_LIMITED_CODE = 36009002
TRANSIENT_CODES = frozenset({36009003, 36009007})
EXPIRED_TOKEN_CODE = 105002
INVALID_CREDENTIALS_CODE = 36009004

log = logging.getLogger("adapters.tiktok")

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class AccessTokenSource(Protocol):
    """Where a call gets its shop's access token, and how it gets a new one after a rejection.

    `refresh` receives the token that was rejected so an implementation shared by concurrent
    callers can refresh once and hand everyone the same new token.
    """

    async def access_token(self) -> str: ...

    async def refresh(self, rejected_token: str) -> str | None:
        """A new access token, or None when no refresh is possible (the rejection stands)."""
        ...


@dataclass(frozen=True, slots=True)
class ApiCall:
    method: str
    path: str
    params: Mapping[str, str | int] = field(default_factory=dict)
    body: Any = None  # a JSON-serializable object, or None for no body
    shop_cipher: str | None = None
    idempotent: bool = True


@dataclass(frozen=True, slots=True)
class ApiReply:
    data: Any
    request_id: str


class TikTokTransport:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        app_key: str,
        app_secret: str,
        rate_limiter: KeyedRateLimiter | None = None,
        retry_policy: RetryPolicy | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        clock: Clock = time.time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._app_key = app_key
        self._app_secret = app_secret
        self._limiter = rate_limiter
        self._policy = retry_policy or RetryPolicy()
        self._timeout = timeout
        self._clock = clock
        self._sleep = sleep
        redact_httpx_request_logs()

    def __repr__(self) -> str:
        return f"TikTokTransport(base_url={self._base_url!r})"

    # ------------------------------------------------------------------ request building

    def signed_query(self, call: ApiCall, timestamp: int, body: bytes) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = [("app_key", self._app_key), ("timestamp", str(timestamp))]
        if call.shop_cipher is not None:
            pairs.append(("shop_cipher", call.shop_cipher))
        # Empty values are never sent: some clients drop them before signing, others do not.
        pairs.extend((key, str(value)) for key, value in call.params.items() if str(value) != "")
        pairs.append(("sign", signing.sign(self._app_secret, call.path, pairs, body, JSON_CONTENT_TYPE)))
        return pairs

    def build_request(self, call: ApiCall, access_token: str) -> httpx.Request:
        body = b"" if call.body is None else signing.compact_json(call.body)
        pairs = self.signed_query(call, int(self._clock()), body)
        url = f"{self._base_url}{call.path}?{urlencode(pairs)}"
        headers = {"content-type": JSON_CONTENT_TYPE, "x-tts-access-token": access_token}
        return self._http.build_request(
            call.method, url, content=body or None, headers=headers, timeout=self._timeout
        )

    # ------------------------------------------------------------------ attempts

    async def call(self, call: ApiCall, tokens: AccessTokenSource) -> ApiReply:
        token = await tokens.access_token()
        refreshed = False

        async def attempt() -> ApiReply | Failure:
            # A rejected token is refreshed once per call and the request repeated at once: that
            # is part of the attempt, not a back-off retry.
            nonlocal token, refreshed
            outcome = await self._send(call, token)
            if isinstance(outcome, Failure) and outcome.kind is FailureKind.AUTH_EXPIRED and not refreshed:
                refreshed = True
                log.info(
                    "tiktok %s %s: access token rejected (%s), refreshing",
                    call.method,
                    call.path,
                    outcome.code,
                )
                fresh = await tokens.refresh(token)
                if fresh is None:
                    return outcome
                token = fresh
                outcome = await self._send(call, token)
            return outcome

        def retriable(failure: Failure) -> bool:
            return failure.kind is FailureKind.RATE_LIMITED or (
                failure.kind is FailureKind.UNAVAILABLE and (call.idempotent or not failure.sent)
            )

        return await with_retries(
            attempt,
            partner=PARTNER,
            what=f"{call.method} {call.path}",
            policy=self._policy,
            sleep=self._sleep,
            retriable=retriable,
        )

    async def _send(self, call: ApiCall, token: str) -> ApiReply | Failure:
        if self._limiter is not None:
            await self._limiter.acquire(call.shop_cipher or "")
        response = await send(self._http, self.build_request(call, token))
        if isinstance(response, Failure):
            return response
        return classify(response, self._clock())


def classify(response: httpx.Response, now: float) -> ApiReply | Failure:
    """Decide on the envelope's `code` whatever the HTTP status; fall back on the status."""
    status = response.status_code
    retry_after = parse_retry_after(response.headers.get("Retry-After"), now)
    try:
        payload = json.loads(response.content) if response.content else None
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or "code" not in payload:
        return _failure_from_status(status, retry_after)
    try:
        code = int(payload["code"])
    except (TypeError, ValueError):
        return _failure_from_status(status, retry_after)
    message = str(payload.get("message") or "")
    request_id = str(payload.get("request_id") or "")
    if code == 0 and status < 400:
        return ApiReply(payload.get("data"), request_id)
    if code == RATE_LIMITED_CODE or status == 429:
        return Failure(FailureKind.RATE_LIMITED, str(code), message, request_id, retry_after)
    if code == EXPIRED_TOKEN_CODE or _is_invalid_token(code, message):
        return Failure(FailureKind.AUTH_EXPIRED, str(code), message, request_id)
    if code in TRANSIENT_CODES or status >= 500:
        return Failure(FailureKind.UNAVAILABLE, str(code), message, request_id, retry_after)
    return Failure(FailureKind.REJECTED, str(code), message, request_id)


def _is_invalid_token(code: int, message: str) -> bool:
    # 36009004 covers a dozen problems; only the token variants are fixed by a refresh.
    lowered = message.lower()
    mentions_token = "access_token" in lowered or "access-token" in lowered
    return code == INVALID_CREDENTIALS_CODE and mentions_token and "invalid" in lowered


def _failure_from_status(status: int, retry_after: float | None) -> Failure:
    if status == 429:
        return Failure(FailureKind.RATE_LIMITED, "http_429", "Too many requests", retry_after_s=retry_after)
    if status >= 500:
        return Failure(FailureKind.UNAVAILABLE, f"http_{status}", "Server error", retry_after_s=retry_after)
    return Failure(FailureKind.REJECTED, f"http_{status}", "Unexpected response without an envelope")


async def iterate_pages(
    transport: TikTokTransport,
    tokens: AccessTokenSource,
    first_call: ApiCall,
) -> AsyncGenerator[Any, None]:
    """`data` of every page of a cursor search: `page_token` is added until `next_page_token` is empty."""
    call = first_call
    seen_tokens: set[str] = set()
    while True:
        reply = await transport.call(call, tokens)
        data = reply.data if isinstance(reply.data, dict) else {}
        yield data
        next_token = str(data.get("next_page_token") or "")
        if not next_token or next_token in seen_tokens:
            return
        seen_tokens.add(next_token)
        call = replace(call, params={**call.params, "page_token": next_token})


def update_time_search(
    transport: TikTokTransport,
    tokens: AccessTokenSource,
    path: str,
    shop_cipher: str,
    update_time_ge: int,
    update_time_lt: int,
    *,
    page_size: int,
    max_page_size: int,
) -> AsyncGenerator[Any, None]:
    """Pages of a search over `update_time_ge <= update_time < update_time_lt`, oldest update first."""
    call = ApiCall(
        "POST",
        path,
        params={
            "page_size": max(1, min(page_size, max_page_size)),
            "sort_field": "update_time",
            "sort_order": "ASC",
        },
        body={"update_time_ge": update_time_ge, "update_time_lt": update_time_lt},
        shop_cipher=shop_cipher,
    )
    return iterate_pages(transport, tokens, call)

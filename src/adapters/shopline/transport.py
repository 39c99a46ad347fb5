"""Sending SHOPLINE Admin REST requests: URL building, rate limiting, retries and error mapping.

One leaky bucket per store (4 requests/s, 40 deep) is shared by every caller in the process.
Idempotent calls (reads, absolute writes) are retried after 429, 5xx, timeouts and resets with
jittered back-off; other calls only when the request certainly never left (a refused connection).
Failures become port-level errors carrying the HTTP status as the code, SHOPLINE's `errors` text
and the `traceId` header as the request id.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from adapters.http.failures import FailureKind, partner_error
from adapters.http.ratelimit import KeyedRateLimiter
from adapters.http.redaction import redact_httpx_request_logs
from adapters.http.retry import RetryPolicy, parse_retry_after
from adapters.shopline import signing
from domain.errors import InvalidStoreHandle, PartnerError

PARTNER = "shopline"
DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0)
DEFAULT_URL_TEMPLATE = "https://{handle}.myshopline.com"
DEFAULT_API_VERSION = "v20251201"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"

_HANDLE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?(next|previous|prev)"?')

log = logging.getLogger("adapters.shopline")

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


def default_rate_limiter() -> KeyedRateLimiter:
    """SHOPLINE's documented bucket: 4 requests per second per (app, store), 40 deep."""
    return KeyedRateLimiter(4.0, 40)


@dataclass(frozen=True, slots=True)
class RestCall:
    method: str
    resource: str  # relative to /admin/openapi/{version}/, e.g. "orders.json"
    params: Mapping[str, str | int] = field(default_factory=dict)
    body: Any = None
    idempotent: bool = True


@dataclass(frozen=True, slots=True)
class RestReply:
    data: Any
    trace_id: str
    next_page_info: str | None = None


@dataclass(slots=True)
class Failure:
    kind: FailureKind
    code: str
    message: str
    trace_id: str = ""
    retry_after_s: float | None = None
    sent: bool = True

    def to_error(self) -> PartnerError:
        return partner_error(
            self.kind, PARTNER, self.code, self.message, self.trace_id, retry_after_s=self.retry_after_s
        )


def next_page_info(link_header: str | None) -> str | None:
    """The `page_info` of the `rel="next"` link; None when there is no next page."""
    for url, rel in _LINK.findall(link_header or ""):
        if rel == "next":
            values = parse_qs(urlsplit(url).query).get("page_info")
            if values:
                return str(values[0])
    return None


def error_text(payload: Any) -> str:
    if isinstance(payload, Mapping):
        errors = payload.get("errors", payload.get("message"))
        if isinstance(errors, str):
            return errors
        if errors is not None:
            return json.dumps(errors, ensure_ascii=False)[:500]
    return ""


class ShoplineTransport:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        url_template: str = DEFAULT_URL_TEMPLATE,
        api_version: str = DEFAULT_API_VERSION,
        rate_limiter: KeyedRateLimiter | None = None,
        retry_policy: RetryPolicy | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        clock: Clock = time.time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if "{handle}" not in url_template:
            raise ValueError("the SHOPLINE URL template must contain {handle}")
        self._http = http
        self._url_template = url_template
        self.api_version = api_version
        self._limiter = rate_limiter
        self.policy = retry_policy or RetryPolicy()
        self.timeout = timeout
        self.clock = clock
        self.sleep = sleep
        redact_httpx_request_logs()

    def __repr__(self) -> str:
        return f"ShoplineTransport(url_template={self._url_template!r}, api_version={self.api_version!r})"

    @property
    def http(self) -> httpx.AsyncClient:
        return self._http

    def store_url(self, handle: str) -> str:
        if not _HANDLE.match(handle):
            raise InvalidStoreHandle("must be the store's subdomain: lower-case letters, digits and '-'")
        return self._url_template.format(handle=handle).rstrip("/")

    def rest_url(self, handle: str, resource: str, params: Mapping[str, str | int]) -> str:
        url = f"{self.store_url(handle)}/admin/openapi/{self.api_version}/{resource}"
        query = {key: str(value) for key, value in params.items() if str(value) != ""}
        return f"{url}?{urlencode(query)}" if query else url

    async def call(self, handle: str, access_token: str, call: RestCall) -> RestReply:
        retries = 0
        while True:
            outcome = await self.attempt(handle, access_token, call)
            if isinstance(outcome, RestReply):
                return outcome
            retriable = (
                call.idempotent and outcome.kind in (FailureKind.RATE_LIMITED, FailureKind.UNAVAILABLE)
            ) or (not outcome.sent)
            if not retriable or retries + 1 >= self.policy.max_attempts:
                log.warning(
                    "shopline %s %s failed: %s code=%s trace_id=%s after %d attempt(s)",
                    call.method,
                    call.resource,
                    outcome.kind.value,
                    outcome.code,
                    outcome.trace_id,
                    retries + 1,
                )
                raise outcome.to_error()
            delay = self.policy.delay(retries, outcome.retry_after_s)
            retries += 1
            log.info(
                "shopline %s %s: %s code=%s; retry %d in %.2fs",
                call.method,
                call.resource,
                outcome.kind.value,
                outcome.code,
                retries,
                delay,
            )
            await self.sleep(delay)

    async def attempt(self, handle: str, access_token: str, call: RestCall) -> RestReply | Failure:
        """One try, after waiting for the store's bucket; never raises for partner failures."""
        url = self.rest_url(handle, call.resource, call.params)
        headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
        content = None
        if call.body is not None:
            content = signing.compact_json(call.body)
            headers["Content-Type"] = JSON_CONTENT_TYPE
        if self._limiter is not None:
            await self._limiter.acquire(handle)
        try:
            response = await self._http.request(
                call.method, url, content=content, headers=headers, timeout=self.timeout
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            return Failure(FailureKind.UNAVAILABLE, "connect_error", type(exc).__name__, sent=False)
        except httpx.TimeoutException as exc:
            return Failure(FailureKind.UNAVAILABLE, "timeout", type(exc).__name__)
        except httpx.HTTPError as exc:
            return Failure(FailureKind.UNAVAILABLE, "transport_error", type(exc).__name__)
        return classify(response, self.clock())


def classify(response: httpx.Response, now: float) -> RestReply | Failure:
    status = response.status_code
    trace_id = response.headers.get("traceId", "")
    try:
        payload = json.loads(response.content) if response.content else None
    except ValueError:
        payload = None
    if 200 <= status < 300:
        return RestReply(payload, trace_id, next_page_info(response.headers.get("Link")))
    message = error_text(payload) or response.reason_phrase
    code = str(status)
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now)
        return Failure(FailureKind.RATE_LIMITED, code, message, trace_id, retry_after)
    if status == 401:
        return Failure(FailureKind.AUTH_EXPIRED, code, message, trace_id)
    if status >= 500:
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now)
        return Failure(FailureKind.UNAVAILABLE, code, message, trace_id, retry_after)
    return Failure(FailureKind.REJECTED, code, message, trace_id)


async def iterate_pages(
    transport: ShoplineTransport, handle: str, access_token: str, first: RestCall, limit: int
) -> AsyncGenerator[Any, None]:
    """Bodies of every page: the first with its filters, then only `limit` and the `page_info`
    from the `Link` header (the cursor carries the filters), until no next link is given."""
    call = replace(first, params={**first.params, "limit": limit})
    seen: set[str] = set()
    while True:
        reply = await transport.call(handle, access_token, call)
        yield reply.data
        page_info = reply.next_page_info
        if not page_info or page_info in seen:
            return
        seen.add(page_info)
        follow: dict[str, str | int] = {"limit": limit, "page_info": page_info}
        if "fields" in first.params:
            follow["fields"] = first.params["fields"]
        call = replace(first, params=follow)

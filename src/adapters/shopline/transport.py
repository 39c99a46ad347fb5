"""Sending SHOPLINE Admin REST requests: URL building, rate limiting, retries and error mapping.

One leaky bucket per store (4 requests/s, 40 deep) is shared by every caller in the process.
Idempotent calls (reads, absolute writes) are retried after 429, 5xx, timeouts and resets with
jittered back-off; other calls only when the request certainly never left (a refused connection).
Every request, GET included, carries `Content-Type: application/json; charset=utf-8` (reference A4).
Failures become port-level errors carrying the HTTP status as the code, SHOPLINE's `errors` text
and the `traceId` header as the request id. A 403 means the grant lacks the call's access scope
(reference B4a): it is never retried and names that scope.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from adapters.http.attempts import Delay, Retriable, send, with_retries
from adapters.http.failures import Failure, FailureKind
from adapters.http.ratelimit import KeyedRateLimiter
from adapters.http.redaction import redact_httpx_request_logs
from adapters.http.retry import RetryPolicy, parse_retry_after
from adapters.shopline import signing
from domain.errors import InvalidStoreHandle

PARTNER = "shopline"
DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0)
DEFAULT_URL_TEMPLATE = "https://{handle}.myshopline.com"
DEFAULT_API_VERSION = "v20251201"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"

_HANDLE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?(next|previous|prev)"?')

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")


def default_rate_limiter() -> KeyedRateLimiter:
    """SHOPLINE's documented bucket: 4 requests per second per (app, store), 40 deep."""
    return KeyedRateLimiter(4.0, 40)


@dataclass(frozen=True, slots=True)
class RestCall:
    method: str
    resource: str  # relative to /admin/openapi/{version}/, e.g. "orders.json"
    scope: str  # the access scope the endpoint needs (reference A8, B1-B4a)
    params: Mapping[str, str | int] = field(default_factory=dict)
    body: Any = None
    idempotent: bool = True

    @property
    def label(self) -> str:
        return f"{self.method} {self.resource}"


@dataclass(frozen=True, slots=True)
class RestReply:
    data: Any
    trace_id: str
    next_page_info: str | None = None


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
        def retriable(failure: Failure) -> bool:
            throttled_or_down = failure.kind in (FailureKind.RATE_LIMITED, FailureKind.UNAVAILABLE)
            return (call.idempotent and throttled_or_down) or not failure.sent

        return await self.retrying(
            lambda: self.attempt(handle, access_token, call), call.label, retriable=retriable
        )

    async def retrying(
        self,
        attempt: Callable[[], Awaitable[T | Failure]],
        what: str,
        *,
        retriable: Retriable,
        delay: Delay | None = None,
    ) -> T:
        """`attempt`, repeated by the shared attempt loop with this transport's policy and sleep;
        `what` names the call in logs."""
        return await with_retries(
            attempt,
            partner=PARTNER,
            what=what,
            policy=self.policy,
            sleep=self.sleep,
            retriable=retriable,
            delay=delay,
        )

    async def attempt(self, handle: str, access_token: str, call: RestCall) -> RestReply | Failure:
        """One try, after waiting for the store's bucket; never raises for partner failures."""
        url = self.rest_url(handle, call.resource, call.params)
        headers = {
            "Authorization": f"Bearer {access_token}",
            "Accept": "application/json",
            "Content-Type": JSON_CONTENT_TYPE,
        }
        content = None if call.body is None else signing.compact_json(call.body)
        if self._limiter is not None:
            await self._limiter.acquire(handle)
        request = self._http.build_request(
            call.method, url, content=content, headers=headers, timeout=self.timeout
        )
        response = await send(self._http, request)
        if isinstance(response, Failure):
            return response
        return classify(response, self.clock(), call.scope)


def classify(response: httpx.Response, now: float, scope: str = "") -> RestReply | Failure:
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
    if status == 403:
        return Failure(FailureKind.SCOPE_MISSING, code, message, trace_id, scope=scope)
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

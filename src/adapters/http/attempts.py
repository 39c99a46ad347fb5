"""The one attempt loop of every partner HTTP call (both transports, both token clients).

An attempt is a coroutine that sends one request (signed afresh, since signatures cover a
timestamp) and returns either its result or a `Failure`; it never raises for partner or network
trouble. `with_retries` repeats it through tenacity while the caller's rule says the failure is
worth repeating, waiting as `RetryPolicy` says (never less than a `Retry-After`), and turns the
last failure into the port-level error. Log lines name the method and path only, never a query.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_result, stop_after_attempt

from adapters.http.failures import Failure, FailureKind
from adapters.http.retry import RetryPolicy

T = TypeVar("T")

Sleep = Callable[[float], Awaitable[None]]
Retriable = Callable[[Failure], bool]
Delay = Callable[[int, Failure], float]
"""Seconds to wait before retry number n (0-based) after the given failure."""


async def send(http: httpx.AsyncClient, request: httpx.Request) -> httpx.Response | Failure:
    """One exchange; httpx errors become failures, so none escapes the adapters."""
    try:
        return await http.send(request)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        return Failure(FailureKind.UNAVAILABLE, "connect_error", type(exc).__name__, sent=False)
    except httpx.TimeoutException as exc:
        return Failure(FailureKind.UNAVAILABLE, "timeout", type(exc).__name__)
    except httpx.HTTPError as exc:
        return Failure(FailureKind.UNAVAILABLE, "transport_error", type(exc).__name__)


async def with_retries(
    attempt: Callable[[], Awaitable[T | Failure]],
    *,
    partner: str,
    what: str,
    policy: RetryPolicy,
    sleep: Sleep,
    retriable: Retriable,
    delay: Delay | None = None,
) -> T:
    """The attempt's result, or its last failure raised as a `PartnerError`.

    `what` names the call in logs ("POST orders.json"). At most `policy.max_attempts` attempts.
    """
    log = logging.getLogger(f"adapters.{partner}")

    def last_failure(state: RetryCallState) -> Failure:
        if state.outcome is None:  # tenacity sets it before calling any of these hooks
            raise RuntimeError("no attempt has finished yet")
        failure: Failure = state.outcome.result()
        return failure

    def wait(state: RetryCallState) -> float:
        failure = last_failure(state)
        retry_number = state.attempt_number - 1
        if delay is not None:
            return delay(retry_number, failure)
        return policy.delay(retry_number, failure.retry_after_s)

    def log_retry(state: RetryCallState) -> None:
        failure = last_failure(state)
        log.info(
            "%s %s: %s code=%s request_id=%s; retry %d in %.2fs",
            partner,
            what,
            failure.kind.value,
            failure.code,
            failure.request_id,
            state.attempt_number,
            state.upcoming_sleep,
        )

    retrying = AsyncRetrying(
        stop=stop_after_attempt(policy.max_attempts),
        wait=wait,
        retry=retry_if_result(lambda outcome: isinstance(outcome, Failure) and retriable(outcome)),
        sleep=sleep,
        before_sleep=log_retry,
        # Out of attempts: hand back the last failure instead of tenacity's RetryError.
        retry_error_callback=last_failure,
    )

    async def one_attempt() -> T | Failure:
        # tenacity awaits only what a coroutine function returns; `attempt` may be a lambda.
        return await attempt()

    outcome: T | Failure = await retrying(one_attempt)
    if isinstance(outcome, Failure):
        log.warning(
            "%s %s failed: %s code=%s request_id=%s",
            partner,
            what,
            outcome.kind.value,
            outcome.code,
            outcome.request_id,
        )
        raise outcome.to_error(partner)
    return outcome

"""The per-key token bucket shared by concurrent callers."""

from __future__ import annotations

import asyncio

import pytest

from adapters.http.ratelimit import KeyedRateLimiter
from adapters.http.retry import RetryPolicy, parse_retry_after


async def test_burst_passes_then_calls_are_spaced_at_the_rate(fake_clock) -> None:
    limiter = KeyedRateLimiter(4, 40, clock=fake_clock, sleep=fake_clock.sleep)
    for _ in range(40):
        await limiter.acquire("store")
    assert fake_clock.sleeps == []
    start = fake_clock.now
    for _ in range(8):
        await limiter.acquire("store")
    assert fake_clock.now - start == pytest.approx(2.0)


async def test_buckets_are_per_key(fake_clock) -> None:
    limiter = KeyedRateLimiter(1, 1, clock=fake_clock, sleep=fake_clock.sleep)
    await limiter.acquire("shop-a")
    await limiter.acquire("shop-b")
    assert fake_clock.sleeps == []
    await limiter.acquire("shop-a")
    assert fake_clock.sleeps == [pytest.approx(1.0)]


async def test_concurrent_callers_share_one_bucket(fake_clock) -> None:
    limiter = KeyedRateLimiter(10, 1, clock=fake_clock, sleep=fake_clock.sleep)
    start = fake_clock.now
    await asyncio.gather(*(limiter.acquire("shop") for _ in range(11)))
    assert fake_clock.now - start == pytest.approx(1.0)


@pytest.mark.parametrize("rate", [0, None])
async def test_zero_or_none_switches_limiting_off(fake_clock, rate) -> None:
    limiter = KeyedRateLimiter(rate, clock=fake_clock, sleep=fake_clock.sleep)
    for _ in range(1000):
        await limiter.acquire("shop")
    assert fake_clock.sleeps == [] and not limiter.enabled


def test_retry_after_takes_precedence_over_a_shorter_backoff() -> None:
    policy = RetryPolicy(jitter_s=0)
    assert policy.delay(0) == 1.0
    assert policy.delay(3) == 8.0
    assert policy.delay(10) == 60.0
    assert policy.delay(0, retry_after_s=5) == 5.0
    assert policy.delay(3, retry_after_s=2) == 8.0


def test_retry_after_parses_seconds_and_http_dates() -> None:
    assert parse_retry_after("3", now=0) == 3.0
    assert parse_retry_after(None, now=0) is None
    assert parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT", now=4) == pytest.approx(6.0)
    assert parse_retry_after("soon", now=0) is None

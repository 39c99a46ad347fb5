"""The conditions both simulators run under: rate limits, injected faults, the clock, webhooks."""

from __future__ import annotations

from typing import Any

from sandbox.control.base import ControlBase
from sandbox.faults import FaultRule
from sandbox.shopline import events as shopline_events
from sandbox.tiktok import events as tiktok_events


class ConditionsControl(ControlBase):
    # ------------------------------------------------------------------ limits, faults, clock

    def set_rate_limit(self, partner: str, rate: float, burst: int) -> dict[str, Any]:
        """TikTok: token bucket per (app, shop, endpoint). SHOPLINE: leaky bucket per (app, store)."""
        limiter = self.tiktok.limiter if partner == "tiktok" else self.shopline.limiter
        limiter.configure(rate, burst)
        return {"partner": partner, "rate": rate, "burst": burst}

    def add_fault(
        self,
        kind: str,
        service: str = "*",
        pattern: str = "*",
        probability: float = 1.0,
        count: int | None = None,
        latency_s: float = 0.0,
        status: int | None = None,
    ) -> dict[str, Any]:
        rule = FaultRule(kind, service, pattern, probability, count, latency_s, status)  # type: ignore[arg-type]
        return self.fault_injector.add(rule).to_dict()

    def clear_faults(self, rule_id: int | None = None) -> None:
        self.fault_injector.remove(rule_id)

    def faults(self) -> list[dict[str, Any]]:
        return [rule.to_dict() for rule in self.fault_injector.rules]

    def advance_clock(self, seconds: float) -> float:
        return self.clock.advance(seconds)

    def set_clock(self, unix_seconds: float, frozen: bool = False) -> float:
        return self.clock.set(unix_seconds, frozen=frozen)

    def now(self) -> float:
        return self.clock.now()

    # ------------------------------------------------------------------ webhooks

    def configure_webhooks(
        self,
        tiktok_url: str | None = None,
        shopline_url: str | None = None,
        handle: str | None = None,
        retry_scale: float | None = None,
    ) -> dict[str, Any]:
        """App-level receivers: every TikTok event, and every SHOPLINE topic of `handle`
        (an empty URL removes one); `retry_scale` compresses the retry delays (0.001: 12 h → 43 s)."""
        if retry_scale is not None:
            if retry_scale < 0:
                raise ValueError("retry_scale must not be negative")
            self.dispatcher.retry_scale = float(retry_scale)
        if tiktok_url is not None:
            self.tiktok.webhook_url = tiktok_url or None
        if shopline_url is not None:
            target = handle or next(iter(self.shopline.stores), "")
            if shopline_url:
                self.shopline.webhook_urls[target] = shopline_url
            else:
                self.shopline.webhook_urls.pop(target, None)
        return {
            "tiktok_url": self.tiktok.webhook_url,
            "shopline_urls": dict(self.shopline.webhook_urls),
            "retry_scale": self.dispatcher.retry_scale,
        }

    def emit_tiktok_webhook(
        self, shop_id: str, type: int, data: dict[str, Any], url: str | None = None
    ) -> bool:
        return tiktok_events.emit(self.tiktok, self.dispatcher, shop_id, int(type), data, url) is not None

    def emit_shopline_webhook(
        self, handle: str, topic: str, payload: dict[str, Any], url: str | None = None
    ) -> int:
        return len(shopline_events.emit(self.shopline, self.shopline.store(handle), topic, payload, url))

    async def deliver_webhooks(self) -> int:
        return await self.dispatcher.pump()

    def webhook_log(self) -> dict[str, Any]:
        return self.dispatcher.summary()

    def add_webhook_fault(self, kind: str, fraction: float = 1.0, count: int | None = None) -> dict[str, Any]:
        """`drop`, `duplicate`, `corrupt` (the signature) or `hold` outgoing webhooks: a seeded
        `fraction` of them, at most `count` (fraction 1 and count N: the next N)."""
        return self.dispatcher.faults.add(kind, float(fraction), count).to_dict()

    def clear_webhook_faults(self) -> None:
        self.dispatcher.faults.clear()

    def release_webhooks(self, order: str = "reverse") -> int:
        """Sends the held webhooks out of order: `reverse`, `shuffled` (seeded) or `fifo`."""
        return self.dispatcher.release_held(order)

"""State of the SHOPLINE simulator: the app, stores, tokens, rate limiter, subscriptions."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from sandbox.clock import SandboxClock
from sandbox.datagen import DatasetSpec, generate_store
from sandbox.paging import ResultCache
from sandbox.ratelimit import LeakyBucketLimiter
from sandbox.shopline.auth import ShoplineAuth
from sandbox.shopline.models import Store
from sandbox.webhooks import WebhookDispatcher

# Versions documented in reference A4; any other version in the path is answered 404.
API_VERSIONS = frozenset(
    {
        "v20220901",
        "v20230301",
        "v20230901",
        "v20231201",
        "v20240301",
        "v20240601",
        "v20241201",
        "v20250301",
        "v20250601",
        "v20251201",
        "v20260301",
        "v20260601",
        "v20260901",
        "v20261201",
    }
)


@dataclass(frozen=True, slots=True)
class ShoplineApp:
    app_key: str
    app_secret: str


class ShoplineState:
    def __init__(self, clock: SandboxClock, app: ShoplineApp, seed: int, spec: DatasetSpec) -> None:
        self.clock = clock
        self.app = app
        self.seed = seed
        self.spec = spec
        self.stores: dict[str, Store] = {}
        self.auth = ShoplineAuth(clock, app.app_key)
        self.limiter = LeakyBucketLimiter(clock, 4.0, 40)
        self.cache: ResultCache[object] = ResultCache()
        self.versions: dict[str, int] = {}
        self.dispatcher: WebhookDispatcher | None = None
        self.webhook_urls: dict[str, str] = {}  # handle -> URL receiving every topic (set by control)
        self._trace = itertools.count(1)
        self._ids = itertools.count(1)
        self._webhook_ids = itertools.count(4_100_000_001)

    def add_store(self, handle: str, spec: DatasetSpec | None = None) -> Store:
        if handle in self.stores:
            raise ValueError(f"store {handle!r} already exists")
        store = generate_store(spec or self.spec, self.seed, self.clock.now_s(), handle)
        self.stores[handle] = store
        self.versions[handle] = 0
        return store

    def store(self, handle: str) -> Store:
        try:
            return self.stores[handle]
        except KeyError:
            raise KeyError(f"unknown SHOPLINE store {handle!r}") from None

    def touch(self, handle: str) -> None:
        self.versions[handle] = self.versions.get(handle, 0) + 1

    def trace_id(self) -> str:
        return f"sbx-{next(self._trace):016x}"

    def new_webhook_id(self) -> int:
        """Webhook subscription ids are integers (reference S6)."""
        return next(self._webhook_ids)

    def new_id(self, prefix: str) -> str:
        """26-digit string ids, as SHOPLINE returns them."""
        return f"{prefix}{self.clock.now_ms():013d}{next(self._ids):011d}"

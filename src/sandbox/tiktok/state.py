"""State of the TikTok simulator: the app, shops (data generated lazily), grants and tokens."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sandbox.clock import SandboxClock
from sandbox.datagen import DatasetSpec, generate_shop_data, make_shop
from sandbox.paging import ResultCache
from sandbox.ratelimit import TokenBucketLimiter
from sandbox.tiktok import errors
from sandbox.tiktok.auth import AuthRegistry
from sandbox.tiktok.errors import RequestIds
from sandbox.tiktok.models import Shop, ShopData
from sandbox.webhooks import WebhookDispatcher

DEFAULT_QPS = 50.0  # per (app, shop, endpoint), reference §6.3
DEFAULT_BURST = 50


@dataclass(frozen=True, slots=True)
class TikTokApp:
    app_key: str
    app_secret: str
    service_id: str


class TikTokState:
    def __init__(self, clock: SandboxClock, app: TikTokApp, seed: int, spec: DatasetSpec) -> None:
        self.clock = clock
        self.app = app
        self.seed = seed
        self.spec = spec
        self.generated_at = clock.now_s()
        self.shops: dict[str, Shop] = {}
        self.shop_by_cipher: dict[str, Shop] = {}
        self._shop_specs: dict[str, tuple[int, DatasetSpec]] = {}
        self._data: dict[str, ShopData] = {}
        self.auth = AuthRegistry(clock)
        self.limiter = TokenBucketLimiter(clock, DEFAULT_QPS, DEFAULT_BURST)
        self.request_ids = RequestIds()
        self.search_cache: ResultCache[Any] = ResultCache()
        self.webhook_url: str | None = None
        self.dispatcher: WebhookDispatcher | None = None

    def add_shop(self, shop: Shop, spec: DatasetSpec | None = None) -> Shop:
        if shop.id in self.shops:
            raise ValueError(f"shop {shop.id} already exists")
        self.shops[shop.id] = shop
        self.shop_by_cipher[shop.cipher] = shop
        self._shop_specs[shop.id] = (len(self._shop_specs), spec or self.spec)
        return shop

    def create_shop(
        self,
        region: str,
        name: str | None = None,
        *,
        products: int | None = None,
        orders: int | None = None,
        warehouses: int = 1,
        shop_id: str | None = None,
        cipher: str | None = None,
    ) -> Shop:
        index = len(self._shop_specs)
        shop = make_shop(self.seed, index, region, name, warehouses)
        if shop_id:
            shop.id = shop_id
        if cipher:
            shop.cipher = cipher
        spec = self.spec
        overrides: dict[str, Any] = {}
        if products is not None:
            overrides["products_per_shop"] = products
        if orders is not None:
            overrides["orders_per_shop"] = orders
        if overrides:
            spec = replace(spec, **overrides)
        return self.add_shop(shop, spec)

    def shop(self, shop_id: str) -> Shop:
        try:
            return self.shops[shop_id]
        except KeyError:
            raise KeyError(f"unknown TikTok shop {shop_id}") from None

    def data(self, shop_id: str) -> ShopData:
        data = self._data.get(shop_id)
        if data is None:
            index, spec = self._shop_specs[shop_id]
            data = generate_shop_data(spec, self.seed, self.shops[shop_id], index, self.generated_at)
            self._data[shop_id] = data
        return data

    def touch(self, shop_id: str) -> None:
        self.data(shop_id).version += 1

    def shop_for_cipher(self, cipher: str) -> Shop:
        shop = self.shop_by_cipher.get(cipher)
        if shop is None:
            raise errors.error(errors.INVALID_CIPHER)
        return shop

"""A stateful fake of the TikTok Shop Partner API, enforcing its rules (token lifetimes, shop
ciphers, paging, the order id limit) and raising the same ``PartnerError``s as the adapter."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from domain.channel import (
    TIKTOK,
    AuthorizedShop,
    CancellationStatus,
    ChannelProductData,
    InventoryUpdate,
    ItemFailure,
    PriceUpdate,
    ResultPage,
    ShopCredentials,
    TikTokCancellation,
    TikTokOrderData,
    TimeWindow,
    Warehouse,
)
from domain.errors import (
    ChannelProductClosed,
    PartnerAuthExpired,
    PartnerRejected,
    PartnerTokenRevoked,
    PartnerUnavailable,
)
from domain.ids import (
    ChannelProductId,
    ChannelSkuId,
    OrderId,
)
from domain.order import OrderStatus, seller_cancellable
from domain.secret import Secret
from domain.tokens import TikTokGrant
from domain.webhook_subscriptions import WebhookSubscription
from sandbox.tiktok.events import SUBSCRIBABLE_EVENT_TYPES  # the Event API's types (reference W5)
from tests.fakes.faults import FaultInjection
from tests.fakes.runtime import FakeClock


@dataclass
class _TikTokGrantRecord:
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    shops: tuple[AuthorizedShop, ...]
    revoked: bool = False


@dataclass
class TikTokShopData:
    """Everything the fake keeps about one shop (keyed by cipher)."""

    products: dict[ChannelProductId, ChannelProductData] = field(default_factory=dict)
    orders: dict[OrderId, TikTokOrderData] = field(default_factory=dict)
    cancellations: dict[str, TikTokCancellation] = field(default_factory=dict)
    warehouses: list[Warehouse] = field(default_factory=list)
    pushed_inventory: dict[ChannelSkuId, tuple[int, ...]] = field(default_factory=dict)
    seller_cancellations: list[tuple[OrderId, str]] = field(default_factory=list)
    cancel_reasons: list[str] = field(
        default_factory=lambda: [
            "seller_cancel_reason_out_of_stock",
            "seller_cancel_paid_reason_address_not_deliver",
        ]
    )
    """What aftersale eligibility offers for a seller cancellation of any of the shop's orders."""
    webhooks: dict[str, str] = field(default_factory=dict)
    """Event API subscriptions: event type -> address."""
    region: str = "US"
    """The shop's market: the seller may cancel at AWAITING_COLLECTION only in the US."""
    lost_cancel_answers: int = 0
    """Seller cancels still to be carried out whose answer then gets lost (PartnerUnavailable)."""


@dataclass
class FakeAccessTokenRefresher:
    """Hands out `fresh` (None: the shop cannot be refreshed) and records who asked."""

    fresh: Secret | None = None
    asked: list[ShopCredentials] = field(default_factory=list)

    async def refresh_for(self, credentials: ShopCredentials) -> Secret | None:
        self.asked.append(credentials)
        return self.fresh


class FakeTikTokChannelApi(FaultInjection):
    ACCESS_LIFETIME = timedelta(days=7)
    REFRESH_LIFETIME = timedelta(days=365)
    MAX_ORDER_IDS = 50

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self._clock = clock
        self._ids = itertools.count(1)
        self._codes: dict[str, tuple[AuthorizedShop, ...]] = {}
        self._grants: list[_TikTokGrantRecord] = []
        self.shops: dict[str, TikTokShopData] = {}

    # --- setup (test control) ---------------------------------------------------------------

    def add_authorization_code(self, code: str, shops: Iterable[AuthorizedShop]) -> None:
        self._codes[code] = tuple(shops)
        for shop in self._codes[code]:
            self.shops.setdefault(shop.cipher, TikTokShopData())

    def revoke_all_grants(self) -> None:
        for grant in self._grants:
            grant.revoked = True

    def shop(self, cipher: str) -> TikTokShopData:
        return self.shops.setdefault(cipher, TikTokShopData())

    # --- authorization ----------------------------------------------------------------------

    async def exchange_code(self, code: str) -> TikTokGrant:
        self._call("exchange_code")
        shops = self._codes.pop(code, None)
        if shops is None:
            raise PartnerRejected(TIKTOK, "36004004", "Invalid auth code.")
        return self._mint(shops)

    async def refresh(self, refresh_token: Secret) -> TikTokGrant:
        self._call("refresh")
        for grant in self._grants:
            if grant.refresh_token == refresh_token.reveal():
                if grant.revoked:
                    raise PartnerTokenRevoked(TIKTOK, "36004005", "can not find related auth record")
                if self._clock.now() >= grant.refresh_expires_at:
                    raise PartnerTokenRevoked(TIKTOK, "36004001", "rt has expired")
                grant.revoked = True  # a refresh rotates both tokens
                return self._mint(grant.shops)
        raise PartnerTokenRevoked(TIKTOK, "36004005", "can not find related auth record")

    async def authorized_shops(self, access_token: Secret) -> list[AuthorizedShop]:
        self._call("authorized_shops")
        return list(self._grant_for(access_token).shops)

    def authorization_url(self, region: str, state: str) -> str:
        host = "services.us.tiktokshop.test" if region == "US" else "services.tiktokshop.test"
        return f"https://{host}/open/authorize?service_id=fake-service&state={state}"

    # --- products ---------------------------------------------------------------------------

    async def search_products(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[ChannelProductData]]:
        self._call("search_products")
        data = self._shop_for(credentials)
        matching = sorted(
            (p for p in data.products.values() if window.start <= p.update_time < window.end),
            key=lambda p: (p.update_time, p.product_id),
        )
        # Like TikTok's, search results carry no sales attributes; only Get Product does.
        searched = [replace(p, skus=tuple(replace(sku, attributes=None) for sku in p.skus)) for p in matching]
        for start in range(0, len(searched), page_size):
            yield ResultPage(tuple(searched[start : start + page_size]), len(searched))

    async def get_product(
        self, credentials: ShopCredentials, product_id: ChannelProductId
    ) -> ChannelProductData:
        self._call("get_product")
        try:
            return self._shop_for(credentials).products[product_id]
        except KeyError:
            raise PartnerRejected(TIKTOK, "12019150", "The product ID does not exist.") from None

    async def update_inventory(
        self, credentials: ShopCredentials, product_id: ChannelProductId, updates: Sequence[InventoryUpdate]
    ) -> list[ItemFailure]:
        self._call("update_inventory")
        data = self._shop_for(credentials)
        product = data.products.get(product_id)
        if product is None:
            raise PartnerRejected(TIKTOK, "12019150", "The product ID does not exist.")
        if product.status in ("FREEZE", "DELETED"):
            raise ChannelProductClosed(TIKTOK, "12019113", "product status is invalid")
        known = {s.sku_id for s in product.skus}
        failures = []
        for update in updates:
            if update.sku_id not in known:
                failures.append(ItemFailure(update.sku_id, "12052036", "SKU does not belong to the product"))
            else:
                data.pushed_inventory[update.sku_id] = tuple(q.quantity for q in update.quantities)
        return failures

    async def update_prices(
        self, credentials: ShopCredentials, product_id: ChannelProductId, updates: Sequence[PriceUpdate]
    ) -> list[ItemFailure]:
        self._call("update_prices")
        data = self._shop_for(credentials)
        product = data.products.get(product_id)
        if product is None:
            raise PartnerRejected(TIKTOK, "12019150", "The product ID does not exist.")
        if product.status != "ACTIVATE":
            raise ChannelProductClosed(TIKTOK, "12019113", "product status is invalid")
        prices = {u.sku_id: u.price for u in updates}
        unknown = [sku_id for sku_id in prices if sku_id not in {s.sku_id for s in product.skus}]
        skus = tuple(replace(s, price=prices.get(s.sku_id, s.price)) for s in product.skus)
        data.products[product_id] = replace(product, skus=skus)
        return [ItemFailure(sku_id, "12052036", "SKU does not belong to the product") for sku_id in unknown]

    # --- orders -----------------------------------------------------------------------------

    async def search_orders(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[TikTokOrderData]]:
        self._call("search_orders")
        data = self._shop_for(credentials)
        matching = sorted(
            (o for o in data.orders.values() if window.start <= o.update_time < window.end),
            key=lambda o: (o.update_time, o.order_id),
        )
        for start in range(0, len(matching), page_size):
            yield ResultPage(tuple(matching[start : start + page_size]), len(matching))

    async def search_order_ids(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[OrderId]]:
        async with aclosing(self.search_orders(credentials, window, page_size=page_size)) as pages:
            async for page in pages:
                yield ResultPage(tuple(order.order_id for order in page.items), page.total_count)

    async def get_orders(
        self, credentials: ShopCredentials, order_ids: Sequence[OrderId]
    ) -> list[TikTokOrderData]:
        self._call("get_orders")
        if len(order_ids) > self.MAX_ORDER_IDS:
            raise PartnerRejected(TIKTOK, "36009004", f"at most {self.MAX_ORDER_IDS} order ids per call")
        data = self._shop_for(credentials)
        missing = [order_id for order_id in order_ids if order_id not in data.orders]
        if missing:
            raise PartnerRejected(
                TIKTOK, "21008111", "The order or package does not belong to the current seller."
            )
        return [data.orders[order_id] for order_id in order_ids]

    async def search_cancellations(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[TikTokCancellation]]:
        self._call("search_cancellations")
        data = self._shop_for(credentials)
        matching = sorted(
            (c for c in data.cancellations.values() if window.start <= c.update_time < window.end),
            key=lambda c: (c.update_time, c.cancel_id),
        )
        for start in range(0, len(matching), page_size):
            yield ResultPage(tuple(matching[start : start + page_size]), len(matching))

    async def order_cancellations(
        self, credentials: ShopCredentials, order_id: OrderId
    ) -> list[TikTokCancellation]:
        self._call("order_cancellations")
        data = self._shop_for(credentials)
        return sorted(
            (c for c in data.cancellations.values() if c.order_id == order_id),
            key=lambda c: (c.create_time, c.cancel_id),
        )

    async def approve_cancellation(self, credentials: ShopCredentials, cancel_id: str) -> None:
        self._call("approve_cancellation")
        self._answer(credentials, cancel_id, CancellationStatus.SUCCESS)

    async def reject_cancellation(self, credentials: ShopCredentials, cancel_id: str, reason: str) -> None:
        self._call("reject_cancellation")
        self._answer(credentials, cancel_id, CancellationStatus.CANCELLED)

    async def cancel_order(self, credentials: ShopCredentials, order_id: OrderId, reason: str) -> str:
        """As the adapter: an order already cancelled counts as done (its cancel id is returned);
        an empty ``reason`` takes the first one offered."""
        self._call("cancel_order")
        data = self._shop_for(credentials)
        order = data.orders.get(order_id)
        if order is None:
            raise PartnerRejected(
                TIKTOK, "21008111", "The order or package does not belong to the current seller."
            )
        done = [
            c
            for c in data.cancellations.values()
            if c.order_id == order_id
            and c.status in (CancellationStatus.SUCCESS, CancellationStatus.COMPLETE)
        ]
        if done:
            return done[-1].cancel_id
        if OrderStatus.parse(order.status) is OrderStatus.CANCELLED:
            return ""
        if not seller_cancellable(OrderStatus.parse(order.status), data.region) or not data.cancel_reasons:
            raise PartnerRejected(
                TIKTOK, "not_cancellable", f"Order {order_id} offers no seller cancellation reason."
            )
        reason = reason or data.cancel_reasons[0]
        if reason not in data.cancel_reasons:
            raise PartnerRejected(
                TIKTOK, "invalid_cancel_reason", f"{reason!r} is not a valid reason for this order."
            )
        data.seller_cancellations.append((order_id, reason))
        now = self._clock.now()
        cancel_id = f"cancel-{next(self._ids)}"
        data.cancellations[cancel_id] = TikTokCancellation(
            cancel_id, order_id, "CANCEL", CancellationStatus.SUCCESS, "SELLER", reason, now, now
        )
        update_time = max(now, order.update_time + timedelta(seconds=1))
        data.orders[order_id] = replace(order, status="CANCELLED", update_time=update_time, cancel_time=now)
        if data.lost_cancel_answers > 0:
            data.lost_cancel_answers -= 1
            raise PartnerUnavailable(TIKTOK, "timeout", "The answer to the cancel was lost.")
        return cancel_id

    async def cancel_reasons(self, credentials: ShopCredentials, order_id: OrderId) -> list[str]:
        self._call("cancel_reasons")
        data = self._shop_for(credentials)
        if order_id not in data.orders:
            raise PartnerRejected(
                TIKTOK, "21008111", "The order or package does not belong to the current seller."
            )
        if not seller_cancellable(OrderStatus.parse(data.orders[order_id].status), data.region):
            return []
        return list(data.cancel_reasons)

    async def warehouses(self, credentials: ShopCredentials) -> list[Warehouse]:
        self._call("warehouses")
        return list(self._shop_for(credentials).warehouses)

    # --- webhook subscriptions (Event API) ---------------------------------------------------

    async def subscribe_webhook(self, credentials: ShopCredentials, event_type: str, address: str) -> None:
        self._call("subscribe_webhook")
        shop = self._shop_for(credentials)
        if event_type not in SUBSCRIBABLE_EVENT_TYPES:
            raise PartnerRejected(TIKTOK, "36009004", "Unknown 'event_type'.")
        if not address or len(address) > 255:
            raise PartnerRejected(TIKTOK, "36009004", "The 'address' must be at most 255 characters.")
        shop.webhooks[event_type] = address

    async def webhook_subscriptions(self, credentials: ShopCredentials) -> list[WebhookSubscription]:
        self._call("webhook_subscriptions")
        return [WebhookSubscription(t, a) for t, a in self._shop_for(credentials).webhooks.items()]

    async def unsubscribe_webhook(self, credentials: ShopCredentials, event_type: str) -> None:
        self._call("unsubscribe_webhook")
        if event_type not in SUBSCRIBABLE_EVENT_TYPES:
            raise PartnerRejected(TIKTOK, "36009004", "Unknown 'event_type'.")
        self._shop_for(credentials).webhooks.pop(event_type, None)

    # --- helpers ----------------------------------------------------------------------------

    def _mint(self, shops: tuple[AuthorizedShop, ...]) -> TikTokGrant:
        serial = next(self._ids)
        now = self._clock.now()
        record = _TikTokGrantRecord(
            f"TTP_access_{serial}",
            now + self.ACCESS_LIFETIME,
            f"TTP_refresh_{serial}",
            now + self.REFRESH_LIFETIME,
            shops,
        )
        self._grants.append(record)
        return TikTokGrant(
            Secret(record.access_token),
            record.access_expires_at,
            Secret(record.refresh_token),
            record.refresh_expires_at,
            open_id=f"open-{serial}",
        )

    def _grant_for(self, access_token: Secret) -> _TikTokGrantRecord:
        for grant in self._grants:
            if grant.access_token == access_token.reveal():
                if grant.revoked:
                    raise PartnerTokenRevoked(TIKTOK, "36009004", "Invalid credentials.")
                if self._clock.now() >= grant.access_expires_at:
                    raise PartnerAuthExpired(TIKTOK, "105002", "Expired credentials.")
                return grant
        raise PartnerTokenRevoked(TIKTOK, "36009004", "Invalid credentials.")

    def _shop_for(self, credentials: ShopCredentials) -> TikTokShopData:
        grant = self._grant_for(credentials.access_token)
        if credentials.shop_cipher not in {shop.cipher for shop in grant.shops}:
            raise PartnerRejected(TIKTOK, "36009004", "Invalid identifier. The 'shop_cipher' is invalid.")
        return self.shop(credentials.shop_cipher)

    def _answer(self, credentials: ShopCredentials, cancel_id: str, status: CancellationStatus) -> None:
        data = self._shop_for(credentials)
        cancellation = data.cancellations.get(cancel_id)
        if cancellation is None or cancellation.status is not CancellationStatus.PENDING:
            raise PartnerRejected(TIKTOK, "36009004", "The cancellation cannot be answered.")
        data.cancellations[cancel_id] = replace(cancellation, status=status, update_time=self._clock.now())

"""A stateful fake of the SHOPLINE Open API for any number of stores, raising the same
``PartnerError``s as the adapter."""

from __future__ import annotations

import hashlib
import hmac
import itertools
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from domain.analytics import (
    StoreOrder,
)
from domain.channel import (
    SHOPLINE,
    InventoryLevel,
    NewShoplineOrder,
    ShoplineCredentials,
    ShoplineLocation,
    ShoplineOrderRef,
    ShoplineVariant,
    TimeWindow,
)
from domain.customers import NewShoplineCustomer, ShoplineCustomer
from domain.errors import (
    PartnerAuthExpired,
    PartnerRejected,
    PartnerTokenRevoked,
)
from domain.ids import (
    ShoplineCustomerId,
    ShoplineOrderId,
    ShoplineVariantId,
)
from domain.logistics import ShoplineAddress
from domain.money import Money
from domain.secret import Secret
from domain.tokens import ShoplineGrant
from domain.webhook_subscriptions import WebhookSubscription
from tests.fakes.faults import FaultInjection
from tests.fakes.runtime import EPOCH, FakeClock


@dataclass
class _ShoplineStore:
    token: str | None = None
    expires_at: datetime = EPOCH
    currency: str = "USD"
    variants: dict[ShoplineVariantId, ShoplineVariant] = field(default_factory=dict)
    levels: dict[tuple[str, str], InventoryLevel] = field(default_factory=dict)
    locations: list[ShoplineLocation] = field(default_factory=list)
    orders: dict[ShoplineOrderId, tuple[NewShoplineOrder, ShoplineOrderRef]] = field(default_factory=dict)
    store_orders: dict[ShoplineOrderId, StoreOrder] = field(default_factory=dict)
    """Orders as `store_orders_updated` reports them (web orders, or imports with their marker)."""
    webhooks: dict[str, WebhookSubscription] = field(default_factory=dict)
    """Webhook subscriptions by id."""
    fulfilled_orders: set[ShoplineOrderId] = field(default_factory=set)
    """Orders with a fulfillment that is not cancelled (test control: ``mark_fulfilled``)."""
    shipping_addresses: dict[ShoplineOrderId, ShoplineAddress] = field(default_factory=dict)
    """The address each order holds now: as created, then as updated."""
    customers: dict[ShoplineCustomerId, NewShoplineCustomer] = field(default_factory=dict)
    """SHOPLINE Customers by id, as created (email and phone are unique in the store)."""


class FakeShoplineApi(FaultInjection):
    """One fake SHOPLINE with any number of stores (by handle)."""

    TOKEN_LIFETIME = timedelta(hours=10)
    PAGE_SIZE = 50
    APP_KEY = "fake-shopline-app"
    APP_SECRET = "fake-shopline-secret"

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self._clock = clock
        self._ids = itertools.count(1)
        self._codes: dict[str, str] = {}
        self.stores: dict[str, _ShoplineStore] = {}

    # --- setup (test control) ---------------------------------------------------------------

    def add_authorization_code(self, store_handle: str, code: str) -> None:
        self._codes[code] = store_handle
        self.stores.setdefault(store_handle, _ShoplineStore())

    def store(self, store_handle: str) -> _ShoplineStore:
        return self.stores.setdefault(store_handle, _ShoplineStore())

    def add_variant(
        self, store_handle: str, variant: ShoplineVariant, available: dict[str, int] | None = None
    ) -> None:
        store = self.store(store_handle)
        store.variants[variant.variant_id] = variant
        for location_id, quantity in (available or {}).items():
            store.levels[(variant.inventory_item_id, location_id)] = InventoryLevel(
                variant.inventory_item_id, location_id, variant.variant_id, quantity, self._clock.now()
            )

    def mark_fulfilled(self, store_handle: str, order_id: ShoplineOrderId) -> None:
        self.store(store_handle).fulfilled_orders.add(order_id)

    def cancel_in_admin(
        self, store_handle: str, order_id: ShoplineOrderId, *, restock: bool = True
    ) -> dict[str, Any]:
        """The merchant presses Cancel in the SHOPLINE admin; returns the ``orders/cancelled`` body
        (reference S6: the order with its name and note attributes, which carry the channel marker)."""
        store = self.store(store_handle)
        order, ref = store.orders[order_id]
        if ref.status == "cancelled":
            raise ValueError(f"order {order_id} is already cancelled")
        if restock:
            for line in order.lines:
                if line.variant_id is not None:
                    self._adjust(
                        store, self._variant(store, line.variant_id), line.location_id, line.quantity
                    )
        now = self._clock.now()
        store.orders[order_id] = (order, replace(ref, status="cancelled", updated_at=now))
        return {
            "id": order_id,
            "name": order.name,
            "status": "cancelled",
            "cancelled_at": now.isoformat(),
            "cancel_reason": "customer",
            "note_attributes": [{"name": "mcc_channel_order", "value": order.channel_marker}],
            "line_items": [
                {"variant_id": line.variant_id, "quantity": line.quantity} for line in order.lines
            ],
        }

    def uninstall(self, store_handle: str) -> None:
        self.store(store_handle).token = None

    # --- tokens -----------------------------------------------------------------------------

    async def create_token(self, store_handle: str, code: str) -> ShoplineGrant:
        self._call("create_token")
        if self._codes.get(code) != store_handle:
            raise PartnerRejected(SHOPLINE, "OAUTH_CODE_INVALID", "authorization code is invalid")
        del self._codes[code]
        return self._mint(store_handle)

    def install_url(
        self, store_handle: str, scopes: Sequence[str], redirect_uri: str, custom_field: str | None = None
    ) -> str:
        url = (
            f"https://{store_handle}.myshopline.test/admin/oauth-web/#/oauth/authorize"
            f"?appKey={self.APP_KEY}&responseType=code&scope={','.join(scopes)}&redirectUri={redirect_uri}"
        )
        return f"{url}&customField={custom_field}" if custom_field else url

    def verify_callback(self, params: Mapping[str, str]) -> bool:
        """Checks the signature only; the service checks the timestamp against its own clock."""
        expected = self.sign(params)
        return hmac.compare_digest(expected, params.get("sign", ""))

    def sign(self, params: Mapping[str, str]) -> str:
        """SHOPLINE's GET signature: the other parameters sorted and joined, HMAC-SHA256 in hex."""
        message = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sign")
        return hmac.new(self.APP_SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()

    async def refresh_token(self, store_handle: str) -> ShoplineGrant:
        self._call("refresh_token")
        if self.store(store_handle).token is None:
            raise PartnerTokenRevoked(
                SHOPLINE, "STORE_NOT_INSTALL_APP", "the store has not installed the app"
            )
        return self._mint(store_handle)

    # --- catalog and inventory --------------------------------------------------------------

    async def store_currency(self, credentials: ShoplineCredentials) -> str:
        self._call("store_currency")
        return self._store_for(credentials).currency

    async def variants(
        self, credentials: ShoplineCredentials, currency: str, *, updated_since: datetime | None = None
    ) -> AsyncIterator[Sequence[ShoplineVariant]]:
        """Prices come back in ``currency`` whatever the stored one: SHOPLINE sends bare amounts."""
        self._call("variants")
        store = self._store_for(credentials)
        ordered = [
            replace(variant, price=Money(variant.price.amount, currency))
            for _, variant in sorted(store.variants.items())
            if updated_since is None or variant.updated_at >= updated_since
        ]
        for start in range(0, len(ordered), self.PAGE_SIZE):
            yield ordered[start : start + self.PAGE_SIZE]

    async def update_variant_price(
        self, credentials: ShoplineCredentials, variant_id: ShoplineVariantId, price: Money
    ) -> None:
        self._call("update_variant_price")
        store = self._store_for(credentials)
        variant = self._variant(store, variant_id)
        store.variants[variant_id] = replace(variant, price=price, updated_at=self._clock.now())

    async def inventory_levels(
        self, credentials: ShoplineCredentials, inventory_item_ids: Sequence[str], location_ids: Sequence[str]
    ) -> list[InventoryLevel]:
        self._call("inventory_levels")
        store = self._store_for(credentials)
        return [
            level
            for (item_id, location_id), level in sorted(store.levels.items())
            if item_id in inventory_item_ids and (not location_ids or location_id in location_ids)
        ]

    async def set_inventory_level(
        self, credentials: ShoplineCredentials, inventory_item_id: str, location_id: str, available: int
    ) -> InventoryLevel:
        self._call("set_inventory_level")
        store = self._store_for(credentials)
        variant = next((v for v in store.variants.values() if v.inventory_item_id == inventory_item_id), None)
        if variant is None:
            raise PartnerRejected(SHOPLINE, "404", "inventory item not found")
        level = InventoryLevel(
            inventory_item_id, location_id, variant.variant_id, available, self._clock.now()
        )
        store.levels[(inventory_item_id, location_id)] = level
        return level

    async def locations(self, credentials: ShoplineCredentials) -> list[ShoplineLocation]:
        self._call("locations")
        return list(self._store_for(credentials).locations)

    # --- webhook subscriptions --------------------------------------------------------------

    async def subscribe_webhook(
        self, credentials: ShoplineCredentials, topic: str, address: str, api_version: str
    ) -> WebhookSubscription:
        self._call("subscribe_webhook")
        store = self._store_for(credentials)
        if api_version < "v20240601":
            raise PartnerRejected(
                SHOPLINE, "422", "Only event versions v20240601 and later can be subscribed"
            )
        if "/" not in topic:
            raise PartnerRejected(SHOPLINE, "422", "topic is invalid")
        _check_address(address)
        subscription = WebhookSubscription(topic, address, str(4_100_000_000 + next(self._ids)), api_version)
        store.webhooks[subscription.subscription_id] = subscription
        return subscription

    async def webhook_subscriptions(self, credentials: ShoplineCredentials) -> list[WebhookSubscription]:
        self._call("webhook_subscriptions")
        return list(self._store_for(credentials).webhooks.values())

    async def update_webhook_address(
        self, credentials: ShoplineCredentials, subscription_id: str, address: str
    ) -> None:
        self._call("update_webhook_address")
        store = self._store_for(credentials)
        _check_address(address)
        if subscription_id not in store.webhooks:
            raise PartnerRejected(SHOPLINE, "404", "The webhook does not exist.")
        store.webhooks[subscription_id] = replace(store.webhooks[subscription_id], address=address)

    async def delete_webhook(self, credentials: ShoplineCredentials, subscription_id: str) -> None:
        self._call("delete_webhook")
        if self._store_for(credentials).webhooks.pop(subscription_id, None) is None:
            raise PartnerRejected(SHOPLINE, "404", "The webhook does not exist.")

    # --- orders -----------------------------------------------------------------------------

    async def create_order(
        self, credentials: ShoplineCredentials, order: NewShoplineOrder
    ) -> ShoplineOrderRef:
        """Like SHOPLINE, this does not refuse a second order with the same marker: the ledger must."""
        self._call("create_order")
        store = self._store_for(credentials)
        if order.customer_id is not None and order.customer_id not in store.customers:
            raise PartnerRejected(SHOPLINE, "422", "order.customer.id does not exist")
        for line in order.lines:
            if line.variant_id is not None and order.decrement_stock:
                variant = self._variant(store, line.variant_id)
                self._adjust(store, variant, line.location_id, -line.quantity)
        order_id = ShoplineOrderId(f"sl-order-{next(self._ids)}")
        ref = ShoplineOrderRef(order_id, order.channel_marker, "open", self._clock.now())
        store.orders[order_id] = (order, ref)
        if order.shipping_address is not None:
            store.shipping_addresses[order_id] = order.shipping_address
        return ref

    async def order_has_fulfillment(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId
    ) -> bool:
        self._call("order_has_fulfillment")
        store = self._store_for(credentials)
        if order_id not in store.orders:
            raise PartnerRejected(SHOPLINE, "404", "order not found")
        return order_id in store.fulfilled_orders

    async def update_order_shipping_address(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, address: ShoplineAddress
    ) -> None:
        self._call("update_order_shipping_address")
        store = self._store_for(credentials)
        if order_id not in store.orders:
            raise PartnerRejected(SHOPLINE, "404", "order not found")
        store.shipping_addresses[order_id] = address

    async def find_order_by_channel_marker(
        self, credentials: ShoplineCredentials, channel_marker: str
    ) -> ShoplineOrderRef | None:
        self._call("find_order_by_channel_marker")
        store = self._store_for(credentials)
        return next((ref for _, ref in store.orders.values() if ref.channel_marker == channel_marker), None)

    async def cancel_order(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, *, restock: bool, reason: str
    ) -> None:
        self._call("cancel_order")
        store = self._store_for(credentials)
        if order_id not in store.orders:
            raise PartnerRejected(SHOPLINE, "404", "order not found")
        order, ref = store.orders[order_id]
        if ref.status == "cancelled":
            return
        if restock:
            for line in order.lines:
                if line.variant_id is not None:
                    self._adjust(
                        store, self._variant(store, line.variant_id), line.location_id, line.quantity
                    )
        store.orders[order_id] = (order, replace(ref, status="cancelled", updated_at=self._clock.now()))

    # --- customers (ShoplineCustomers) ------------------------------------------------------

    def add_customer(
        self, store_handle: str, *, email: str | None = None, phone: str | None = None
    ) -> ShoplineCustomerId:
        """A customer the store has already (a web shopper), for tests."""
        customer_id = ShoplineCustomerId(f"cust-{next(self._ids)}")
        self.store(store_handle).customers[customer_id] = NewShoplineCustomer(email=email, phone=phone)
        return customer_id

    async def find_customer_by_email(
        self, credentials: ShoplineCredentials, email: str
    ) -> ShoplineCustomer | None:
        self._call("find_customer_by_email")
        store = self._store_for(credentials)
        return next(
            (_customer(i, c) for i, c in store.customers.items() if (c.email or "").lower() == email.lower()),
            None,
        )

    async def find_customer_by_phone(
        self, credentials: ShoplineCredentials, phone: str
    ) -> ShoplineCustomer | None:
        self._call("find_customer_by_phone")
        store = self._store_for(credentials)
        return next((_customer(i, c) for i, c in store.customers.items() if c.phone == phone), None)

    async def get_customer(
        self, credentials: ShoplineCredentials, customer_id: ShoplineCustomerId
    ) -> ShoplineCustomer | None:
        self._call("get_customer")
        found = self._store_for(credentials).customers.get(customer_id)
        return None if found is None else _customer(customer_id, found)

    async def create_customer(
        self, credentials: ShoplineCredentials, customer: NewShoplineCustomer
    ) -> ShoplineCustomer:
        """Refuses a customer without email and phone, and a taken email or phone, as SHOPLINE does."""
        self._call("create_customer")
        store = self._store_for(credentials)
        if not customer.email and not customer.phone:
            raise PartnerRejected(SHOPLINE, "422", "customer.email or customer.phone is required")
        for held in store.customers.values():
            if customer.email and (held.email or "").lower() == customer.email.lower():
                raise PartnerRejected(SHOPLINE, "422", "customer.email has already been taken")
            if customer.phone and held.phone == customer.phone:
                raise PartnerRejected(SHOPLINE, "422", "customer.phone has already been taken")
        customer_id = ShoplineCustomerId(f"cust-{next(self._ids)}")
        store.customers[customer_id] = customer
        return _customer(customer_id, customer)

    async def orders_updated(
        self, credentials: ShoplineCredentials, window: TimeWindow
    ) -> AsyncIterator[Sequence[ShoplineOrderRef]]:
        self._call("orders_updated")
        store = self._store_for(credentials)
        refs = sorted(
            (ref for _, ref in store.orders.values() if window.start <= ref.updated_at < window.end),
            key=lambda ref: (ref.updated_at, ref.order_id),
        )
        for start in range(0, len(refs), self.PAGE_SIZE):
            yield refs[start : start + self.PAGE_SIZE]

    async def store_orders_updated(
        self, credentials: ShoplineCredentials, window: TimeWindow
    ) -> AsyncIterator[Sequence[StoreOrder]]:
        self._call("store_orders_updated")
        store = self._store_for(credentials)
        found = sorted(
            (o for o in store.store_orders.values() if window.start <= o.updated_at < window.end),
            key=lambda order: (order.updated_at, order.order_id),
        )
        for start in range(0, len(found), self.PAGE_SIZE):
            yield found[start : start + self.PAGE_SIZE]

    # --- helpers ----------------------------------------------------------------------------

    def _mint(self, store_handle: str) -> ShoplineGrant:
        store = self.store(store_handle)
        store.token = f"sl_token_{next(self._ids)}"
        store.expires_at = self._clock.now() + self.TOKEN_LIFETIME
        return ShoplineGrant(Secret(store.token), store.expires_at, ("read_products", "write_orders"))

    def _store_for(self, credentials: ShoplineCredentials) -> _ShoplineStore:
        store = self.stores.get(credentials.store_handle)
        if store is None or store.token is None:
            raise PartnerTokenRevoked(
                SHOPLINE, "STORE_NOT_INSTALL_APP", "the store has not installed the app"
            )
        if credentials.access_token.reveal() != store.token:
            raise PartnerAuthExpired(SHOPLINE, "401", "access token is invalid or expired")
        if self._clock.now() >= store.expires_at:
            raise PartnerAuthExpired(SHOPLINE, "401", "access token is invalid or expired")
        return store

    def _variant(self, store: _ShoplineStore, variant_id: ShoplineVariantId) -> ShoplineVariant:
        try:
            return store.variants[variant_id]
        except KeyError:
            raise PartnerRejected(SHOPLINE, "404", "variant not found") from None

    def _adjust(
        self, store: _ShoplineStore, variant: ShoplineVariant, location_id: str | None, delta: int
    ) -> None:
        keys = [k for k in sorted(store.levels) if k[0] == variant.inventory_item_id]
        key = (
            (variant.inventory_item_id, location_id)
            if location_id is not None
            else (keys[0] if keys else None)
        )
        if key is None:
            return
        level = store.levels.get(key) or InventoryLevel(
            key[0], key[1], variant.variant_id, 0, self._clock.now()
        )
        store.levels[key] = replace(level, available=level.available + delta, updated_at=self._clock.now())


def _customer(customer_id: ShoplineCustomerId, held: NewShoplineCustomer) -> ShoplineCustomer:
    return ShoplineCustomer(customer_id, held.email or "", held.phone or "")


def _check_address(address: str) -> None:
    if not address or len(address) > 255:
        raise PartnerRejected(SHOPLINE, "422", "address must be a URL of at most 255 characters")

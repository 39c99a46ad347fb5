"""The data the fuzzer aims at: a populated app as a merchant has it after a few days, another
merchant's app, and a throwaway app whose shops destructive methods may delete.

- The populated app is installed on the sandbox store, has auto-import on, a US shop whose
  history import brought products and orders, SKUs auto-linked to SHOPLINE variants (so there
  are inventory pools), an order with a buyer's cancellation request; and a GB shop whose linked
  SKUs are priced through its price rule's exchange rate.
- The other app has a shop of its own: its names are "another merchant's names" to the fuzzer.
- The throwaway app has a few shops. Methods that destroy what they name (``Delete…``) only ever
  get names from it, so no example can take the populated data away from the ones after it; a
  deleted throwaway shop is authorized again at once (``restore``), so deletions keep succeeding.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf import field_mask_pb2, timestamp_pb2
from grpc import aio

from multichannel.v1 import (
    app_pb2,
    app_pb2_grpc,
    catalog_pb2,
    catalog_pb2_grpc,
    common_pb2,
    inventory_pb2,
    inventory_pb2_grpc,
    order_pb2,
    order_pb2_grpc,
    shop_pb2,
    shop_pb2_grpc,
    task_pb2,
    task_pb2_grpc,
)
from tests.e2e.conftest import Harness
from tests.e2e.installation import completion_request

OTHER_STORE = "fuzz-other-store"
THROWAWAY_STORE = "fuzz-throwaway-store"
THROWAWAY_REGION = "SG"
THROWAWAY_SHOPS = 3
CROSS_RATE = "0.79"  # USD to GBP, the GB shop's rate
TASK_TIMEOUT = 120.0

# Verbs of methods that destroy the resource they name; their names come from the throwaway app.
DESTRUCTIVE_VERBS = ("Delete", "Purge", "Uninstall", "Revoke", "Remove")


def is_destructive(method_name: str) -> bool:
    return method_name.startswith(DESTRUCTIVE_VERBS)


@dataclass
class Names:
    """Resource names of one app, by kind."""

    app: str
    shops: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)
    orders: list[str] = field(default_factory=list)
    pools: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    price_rules: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        shop_wildcard = [f"{self.app}/shops/-"]
        return [
            self.app,
            *self.shops,
            *shop_wildcard,
            *self.products,
            *self.skus,
            *self.orders,
            *self.pools,
            *self.tasks,
            *self.price_rules,
        ]


@dataclass
class Population:
    own: Names
    other: Names
    throwaway: Names
    # Well-formed values by request field name (any message): what a real client would send there.
    values: dict[str, list[Any]]
    # Values that only make sense together (an OAuth callback, a state with its code).
    bundles: list[dict[str, str]]
    page_tokens: list[str]
    throwaway_tiktok_ids: dict[str, str]
    secrets: list[str] = field(default_factory=list)
    # What ``repair`` puts back: the SKU links and the price rule the populated shops start with.
    links: list[tuple[str, str]] = field(default_factory=list)
    price_rules: dict[str, str] = field(default_factory=dict)  # rule name -> exchange rate
    autolinked_shops: list[str] = field(default_factory=list)

    def names_for(self, method_name: str) -> list[str]:
        if is_destructive(method_name):
            return list(self.throwaway.all())
        return self.own.all()

    def other_names_for(self, method_name: str) -> list[str]:
        if is_destructive(method_name):
            return list(self.throwaway.shops)
        return self.other.all()


class Stubs:
    def __init__(self, channel: aio.Channel) -> None:
        self.apps = app_pb2_grpc.AppServiceStub(channel)
        self.shops = shop_pb2_grpc.ShopServiceStub(channel)
        self.catalog = catalog_pb2_grpc.CatalogServiceStub(channel)
        self.inventory = inventory_pb2_grpc.InventoryServiceStub(channel)
        self.orders = order_pb2_grpc.OrderServiceStub(channel)
        self.tasks = task_pb2_grpc.TaskServiceStub(channel)


async def watch_to_end(stubs: Stubs, task_name: str) -> task_pb2.Task:
    last = None
    async for event in stubs.tasks.WatchTask(task_pb2.WatchTaskRequest(name=task_name), timeout=TASK_TIMEOUT):
        if event.HasField("task"):
            last = event.task
    assert last is not None, task_name
    return last


async def _succeeded(stubs: Stubs, task_name: str) -> None:
    finished = await watch_to_end(stubs, task_name)
    assert finished.state == task_pb2.TASK_STATE_SUCCEEDED, (task_name, finished.failure_reason)


async def install(harness: Harness, stubs: Stubs, handle: str) -> str:
    started = await stubs.apps.StartInstallation(app_pb2.StartInstallationRequest(store_handle=handle))
    callback = harness.sandbox.control.install_shopline(handle, authorization_url=started.authorization_url)
    done = await stubs.apps.CompleteInstallation(completion_request(callback["params"]))
    return str(done.app.name)


async def authorize(
    harness: Harness, stubs: Stubs, app: str, region: str, tiktok_ids: list[str]
) -> list[shop_pb2.Shop]:
    started = await stubs.shops.StartAuthorization(
        shop_pb2.StartAuthorizationRequest(parent=app, region_code=region)
    )
    code = harness.sandbox.control.grant_authorization(tiktok_ids)["code"]
    outcome = await stubs.shops.CompleteAuthorization(
        shop_pb2.CompleteAuthorizationRequest(parent=app, state=started.state, code=code)
    )
    await asyncio.gather(*(_succeeded(stubs, task) for task in outcome.history_import_tasks))
    return list(outcome.shops)


async def _enable_auto_import(stubs: Stubs, app: str) -> None:
    await stubs.apps.UpdateApp(
        app_pb2.UpdateAppRequest(
            app=app_pb2.App(
                name=app,
                settings=app_pb2.AppSettings(
                    auto_import_orders=True,
                    order_import_scope=app_pb2.ORDER_IMPORT_SCOPE_ALL_WITH_CUSTOM_ITEMS,
                ),
            ),
            update_mask=field_mask_pb2.FieldMask(
                paths=["settings.auto_import_orders", "settings.order_import_scope"]
            ),
        )
    )


async def _request_buyer_cancellation(harness: Harness, stubs: Stubs, shop: str, tiktok_id: str) -> None:
    control = harness.sandbox.control
    waiting = control.sample_orders(tiktok_id, status="AWAITING_SHIPMENT", limit=1)
    if not waiting:
        waiting = [control.create_order(tiktok_id, status="AWAITING_SHIPMENT")]
    control.request_buyer_cancellation(tiktok_id, str(waiting[0]["id"]))
    started = await stubs.orders.SyncOrders(order_pb2.SyncOrdersRequest(parent=shop))
    await _succeeded(stubs, started.task.name)


async def collect_names(stubs: Stubs, app: str) -> Names:
    names = Names(app=app)
    names.shops = [s.name for s in (await stubs.shops.ListShops(shop_pb2.ListShopsRequest(parent=app))).shops]
    for shop in names.shops:
        names.price_rules.append(f"{shop}/priceRule")
        products = (await stubs.catalog.ListProducts(catalog_pb2.ListProductsRequest(parent=shop))).products
        names.products += [p.name for p in products[:2]]
        names.skus += [sku.name for p in products[:2] for sku in p.skus[:1]]
        orders = (await stubs.orders.ListOrders(order_pb2.ListOrdersRequest(parent=shop))).orders
        # The orders with a cancellation first: they are what Approve/RejectCancellation want.
        orders = sorted(
            orders,
            key=lambda o: o.cancellation.state != order_pb2.CANCELLATION_STATE_REQUESTED_BY_BUYER,
        )
        names.orders += [o.name for o in orders[:3]]
    pools = await stubs.inventory.ListInventoryPools(inventory_pb2.ListInventoryPoolsRequest(parent=app))
    names.pools = [p.name for p in pools.inventory_pools[:4]]
    tasks = await stubs.tasks.ListTasks(task_pb2.ListTasksRequest(parent=app))
    names.tasks = [t.name for t in tasks.tasks[:4]]
    return names


async def _page_tokens(stubs: Stubs, own: Names) -> list[str]:
    """A real next_page_token of each list, to be sent back as is, tampered or to another list."""
    shop = own.shops[0]
    replies = [
        await stubs.apps.ListApps(app_pb2.ListAppsRequest(page_size=1)),
        await stubs.shops.ListShops(shop_pb2.ListShopsRequest(parent=own.app, page_size=1)),
        await stubs.catalog.ListProducts(catalog_pb2.ListProductsRequest(parent=shop, page_size=1)),
        await stubs.orders.ListOrders(order_pb2.ListOrdersRequest(parent=shop, page_size=1)),
        await stubs.inventory.ListInventoryPools(
            inventory_pb2.ListInventoryPoolsRequest(parent=own.app, page_size=1)
        ),
        await stubs.tasks.ListTasks(task_pb2.ListTasksRequest(parent=own.app, page_size=1)),
    ]
    return [reply.next_page_token for reply in replies if reply.next_page_token]


def _timestamp(at: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(at)
    return stamp


async def _oauth_bundles(
    harness: Harness, stubs: Stubs, own: Names, handle: str, tiktok_id: str
) -> list[dict[str, str]]:
    """A fresh SHOPLINE installation callback and a TikTok state with its code: single use, so
    the first well-formed completion succeeds and later ones meet a used state or code."""
    control = harness.sandbox.control
    started = await stubs.apps.StartInstallation(app_pb2.StartInstallationRequest(store_handle=handle))
    params = control.install_shopline(handle, authorization_url=started.authorization_url)["params"]
    installation = {
        field_name: value
        for field_name, value in completion_request(params).ListFields()
        for field_name, value in [(field_name.name, value)]
    }
    authorization = await stubs.shops.StartAuthorization(
        shop_pb2.StartAuthorizationRequest(parent=own.app, region_code="US")
    )
    code = control.grant_authorization([tiktok_id])["code"]
    return [installation, {"parent": own.app, "state": authorization.state, "code": code}]


def _secrets(harness: Harness) -> list[str]:
    settings = harness.settings
    control = harness.sandbox.control
    found = [
        settings.tiktok_app_secret or "",
        settings.shopline_app_secret or "",
        *control.tiktok.auth.access_tokens,
        *control.tiktok.auth.refresh_tokens,
        *control.shopline.auth.tokens,
    ]
    if settings.token_key:
        import base64

        found.append(base64.urlsafe_b64encode(settings.token_key).decode())
    return [secret for secret in found if len(secret) >= 8]


def live_secrets(harness: Harness) -> list[str]:
    """Secrets as they are now (tokens are refreshed while the fuzzer runs); call on the loop."""
    return _secrets(harness)


async def _cross_currency_shop(
    harness: Harness, stubs: Stubs, app: str, variants: list[str]
) -> tuple[list[tuple[str, str]], str]:
    """A GB shop selling in GBP from the USD store: its prices go through the exchange rate of
    its price rule (a shop in the store's currency never reads the rate). Its links and rule."""
    tiktok_id = str(harness.sandbox.control.create_shop("GB", products=2, orders=3)["id"])
    (shop,) = await authorize(harness, stubs, app, "GB", [tiktok_id])
    products = (await stubs.catalog.ListProducts(catalog_pb2.ListProductsRequest(parent=shop.name))).products
    links = list(zip([sku.name for product in products for sku in product.skus], variants, strict=False))
    rule = f"{shop.name}/priceRule"
    await _link_and_price(stubs, links, {rule: CROSS_RATE})
    return links, rule


async def _link_and_price(stubs: Stubs, links: list[tuple[str, str]], rules: dict[str, str]) -> None:
    # The rules first: a link answers with the SKU's target price, which a broken rule breaks.
    for rule, rate in rules.items():
        await stubs.catalog.UpdatePriceRule(
            catalog_pb2.UpdatePriceRuleRequest(
                price_rule=common_pb2.PriceRule(name=rule, enabled=True, exchange_rate=rate, markup="0"),
                update_mask=field_mask_pb2.FieldMask(
                    paths=["enabled", "exchange_rate", "markup", "fixed_amount", "rounding"]
                ),
            )
        )
    for sku, variant in links:
        await stubs.catalog.LinkSku(catalog_pb2.LinkSkuRequest(sku=sku, shopline_variant_id=variant))


async def repair(harness: Harness, population: Population) -> None:
    """Puts back what fuzzing a method may have changed that the next methods' examples need:
    the app's settings, the SKU links, the price rules. (Cancelled orders stay cancelled.)"""
    stubs = Stubs(harness.channel)
    await _enable_auto_import(stubs, population.own.app)
    for shop in population.autolinked_shops:
        linking = await stubs.catalog.AutoLinkSkus(catalog_pb2.AutoLinkSkusRequest(parent=shop))
        await watch_to_end(stubs, linking.task.name)
    await _link_and_price(stubs, population.links, population.price_rules)


async def populate(harness: Harness) -> Population:
    stubs = Stubs(harness.channel)
    control = harness.sandbox.control
    handle = harness.sandbox.shopline_handle

    app = await install(harness, stubs, handle)
    await _enable_auto_import(stubs, app)
    own_shop_id = str(control.shops()[0]["id"])
    region = str(control.shops()[0]["region"])
    (shop,) = await authorize(harness, stubs, app, region, [own_shop_id])
    linking = await stubs.catalog.AutoLinkSkus(catalog_pb2.AutoLinkSkusRequest(parent=shop.name))
    await _succeeded(stubs, linking.task.name)
    await _request_buyer_cancellation(harness, stubs, shop.name, own_shop_id)
    variants = [str(v["id"]) for v in control.shopline_variants(handle, limit=4)]
    links, cross_rule = await _cross_currency_shop(harness, stubs, app, variants)

    control.create_store(OTHER_STORE)
    other_app = await install(harness, stubs, OTHER_STORE)
    other_shop_id = str(control.create_shop("GB", products=2, orders=3)["id"])
    await authorize(harness, stubs, other_app, "GB", [other_shop_id])

    control.create_store(THROWAWAY_STORE)
    throwaway_app = await install(harness, stubs, THROWAWAY_STORE)
    throwaway_ids = [
        str(control.create_shop(THROWAWAY_REGION, products=1, orders=1)["id"]) for _ in range(THROWAWAY_SHOPS)
    ]
    throwaway_shops = await authorize(harness, stubs, throwaway_app, THROWAWAY_REGION, throwaway_ids)

    own = await collect_names(stubs, app)
    other = await collect_names(stubs, other_app)
    throwaway = Names(app=throwaway_app, shops=[s.name for s in throwaway_shops])
    skus = (await stubs.catalog.ListProducts(catalog_pb2.ListProductsRequest(parent=shop.name))).products
    now = datetime.now(UTC)
    values: dict[str, list[Any]] = {
        "name": own.all(),
        "parent": [app, *own.shops, f"{app}/shops/-"],
        "shop": own.shops,
        "sku": own.skus,
        "product": own.products,
        "inventory_pool": own.pools,
        "sku_id": [s.tiktok_sku_id for p in skus for s in p.skus][:4],
        "seller_sku": [s.seller_sku for p in skus for s in p.skus if s.seller_sku][:2],
        "shopline_variant_id": variants,
        "store_handle": [handle, OTHER_STORE],
        "handle": [handle],
        "region_code": ["US", "GB", "UK", "SG", "MY", "JP"],
        "currency_code": ["USD", "GBP"],
        "target_currency_code": ["USD"],
        "time_zone": ["UTC", "America/New_York", "Asia/Singapore"],
        "display_name": ["Fuzz shop"],
        "reason": ["Out of stock", "OUT_OF_STOCK"],
        "comment": ["checked by the fuzzer"],
        "markup": ["0.15", "0"],
        "exchange_rate": [CROSS_RATE, "1"],
        "amount": ["1.00"],
        "redirect_uri": ["http://127.0.0.1/callback"],
        "page_size": [1, 10],
        "start_time": [_timestamp(now - timedelta(days=30))],
        "create_start_time": [_timestamp(now - timedelta(days=30))],
        "end_time": [_timestamp(now + timedelta(days=1))],
        "create_end_time": [_timestamp(now + timedelta(days=1))],
    }
    return Population(
        links=links,
        price_rules={cross_rule: CROSS_RATE},
        autolinked_shops=[shop.name],
        own=own,
        other=other,
        throwaway=throwaway,
        values=values,
        bundles=await _oauth_bundles(harness, stubs, own, handle, own_shop_id),
        page_tokens=await _page_tokens(stubs, own),
        throwaway_tiktok_ids={s.name: s.tiktok_shop_id for s in throwaway_shops},
        secrets=_secrets(harness),
    )


async def restore_throwaway_shop(harness: Harness, population: Population, shop_name: str) -> None:
    """Authorizes a deleted throwaway shop again, so later deletions have something to delete."""
    tiktok_id = population.throwaway_tiktok_ids.pop(shop_name, None)
    if tiktok_id is None:
        return
    stubs = Stubs(harness.channel)
    (shop,) = await authorize(harness, stubs, population.throwaway.app, THROWAWAY_REGION, [tiktok_id])
    # A shop authorized again is a new resource with a name of its own: it takes the old one's place.
    shops = population.throwaway.shops
    shops[shops.index(shop_name)] = shop.name
    population.throwaway_tiktok_ids[shop.name] = tiktok_id

"""CatalogService end to end: products after the history import, links, auto-link, price sync."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_UP, Decimal

import grpc
import pytest
from google.protobuf import field_mask_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from domain.ids import ChannelSkuId, ShopId, ShoplineVariantId
from multichannel.v1 import (
    app_pb2,
    app_pb2_grpc,
    catalog_pb2,
    catalog_pb2_grpc,
    common_pb2,
    shop_pb2,
    shop_pb2_grpc,
    task_pb2,
    task_pb2_grpc,
)
from tests.e2e.installation import completion_request


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


class Catalog:
    """The app installed on the sandbox store, its one US shop imported, and handy lookups."""

    def __init__(self, harness, app: str, shop: str) -> None:  # type: ignore[no-untyped-def]
        self.harness = harness
        self.app = app
        self.shop = shop
        self.stub = catalog_pb2_grpc.CatalogServiceStub(harness.channel)
        self.handle = harness.sandbox.shopline_handle
        control = harness.sandbox.control
        self.store = control.shopline.store(self.handle)
        (self.tiktok_shop_id,) = list(control.tiktok.shops)
        self.tiktok = control.tiktok.data(self.tiktok_shop_id)

    async def products(self, **filters) -> list[catalog_pb2.Product]:  # type: ignore[no-untyped-def]
        found, token = [], ""
        while True:
            page = await self.stub.ListProducts(
                catalog_pb2.ListProductsRequest(parent=self.shop, page_size=2, page_token=token, **filters)
            )
            found += page.products
            token = page.next_page_token
            if not token:
                return found

    async def skus(self) -> dict[str, catalog_pb2.Sku]:
        return {sku.tiktok_sku_id: sku for product in await self.products() for sku in product.skus}

    def variants_with_code(self, code: str) -> list[str]:
        return sorted(
            v.id for v in self.store.variants.values() if v.sku.strip() == code.strip() and code.strip()
        )

    def sku_name(self, sku_id: str) -> str:
        product_id = self.tiktok.skus[sku_id].product_id
        return f"{self.shop}/products/{product_id}/skus/{sku_id}"

    async def link(self, sku_id: str, variant_id: str) -> catalog_pb2.Sku:
        reply = await self.stub.LinkSku(
            catalog_pb2.LinkSkuRequest(sku=self.sku_name(sku_id), shopline_variant_id=variant_id)
        )
        return reply.sku

    async def run(self, task: task_pb2.Task) -> task_pb2.Task:
        tasks = task_pb2_grpc.TaskServiceStub(self.harness.channel)
        last = None
        async for event in tasks.WatchTask(task_pb2.WatchTaskRequest(name=task.name), timeout=60):
            if event.HasField("task"):
                last = event.task
        assert last is not None
        return last


async def _ready(harness) -> Catalog:  # type: ignore[no-untyped-def]
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    handle = harness.sandbox.shopline_handle
    started = await apps.StartInstallation(app_pb2.StartInstallationRequest(store_handle=handle))
    callback = harness.sandbox.control.install_shopline(handle, authorization_url=started.authorization_url)[
        "params"
    ]
    installed = await apps.CompleteInstallation(completion_request(callback))
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    authorization = await shops.StartAuthorization(
        shop_pb2.StartAuthorizationRequest(parent=installed.app.name, region_code="US")
    )
    code = harness.sandbox.control.grant_authorization()["code"]
    outcome = await shops.CompleteAuthorization(
        shop_pb2.CompleteAuthorizationRequest(parent=installed.app.name, state=authorization.state, code=code)
    )
    catalog = Catalog(harness, installed.app.name, outcome.shops[0].name)
    imported = await catalog.run(
        task_pb2.Task(name=outcome.history_import_tasks[0])  # WatchTask needs the name only
    )
    assert imported.state == task_pb2.TASK_STATE_SUCCEEDED, imported.failure_reason
    return catalog


def _violations(error: grpc.aio.AioRpcError) -> list[str]:
    status = rpc_status.from_call(error)
    assert status is not None
    fields = []
    for detail in status.details:
        bad = error_details_pb2.BadRequest()
        if detail.Unpack(bad):
            fields += [violation.field for violation in bad.field_violations]
    return fields


async def _pool_of(harness, app: str, sku_id: str):  # type: ignore[no-untyped-def]
    async with harness.container.persistence.unit_of_work() as uow:
        return await uow.inventory_pools.find_by_channel_sku(ChannelSkuId(sku_id))


async def test_products_after_the_history_import_list_every_sku_unlinked(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await _ready(harness)
    products = await catalog.products()
    assert sorted(p.tiktok_product_id for p in products) == sorted(catalog.tiktok.products)
    skus = {sku.tiktok_sku_id: sku for p in products for sku in p.skus}
    assert sorted(skus) == sorted(catalog.tiktok.skus)
    for sku_id, sku in skus.items():
        source = catalog.tiktok.skus[sku_id]
        assert sku.seller_sku == source.seller_sku
        assert sku.price.amount == source.sale_price and sku.price.currency_code == "USD"
        assert sku.link_state == catalog_pb2.LINK_STATE_UNLINKED
        assert not sku.HasField("target_price") and sku.inventory_pool == ""
    some = next(iter(catalog.tiktok.skus.values()))
    by_code = await catalog.products(seller_sku=some.seller_sku)
    assert [p.tiktok_product_id for p in by_code] == [some.product_id]
    assert await catalog.products(link_state=catalog_pb2.LINK_STATE_LINKED_MANUAL) == []
    got = await catalog.stub.GetProduct(catalog_pb2.GetProductRequest(name=products[0].name))
    assert got.product == products[0]


async def test_manual_link_relink_and_unlink_keep_the_pools_in_step(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await _ready(harness)
    sku_id = sorted(catalog.tiktok.skus)[0]
    first, second = sorted(catalog.store.variants)[:2]
    linked = await catalog.link(sku_id, first)
    assert linked.link_state == catalog_pb2.LINK_STATE_LINKED_MANUAL
    assert linked.shopline_variant_id == first
    assert linked.target_price.amount == catalog.store.variants[first].price
    first_pool = await _pool_of(harness, catalog.app, sku_id)
    assert first_pool.variant_id == first and list(first_pool.linked_skus) == [sku_id]
    assert linked.inventory_pool == f"{catalog.app}/inventoryPools/{first}"

    relinked = await catalog.link(sku_id, second)
    second_pool = await _pool_of(harness, catalog.app, sku_id)
    assert relinked.shopline_variant_id == second and second_pool.variant_id == second
    async with harness.container.persistence.unit_of_work() as uow:
        old = await uow.inventory_pools.find_by_variant(first_pool.app_id, ShoplineVariantId(first))
    assert old is not None and sku_id not in old.linked_skus

    product_id = catalog.tiktok.skus[sku_id].product_id
    unlinked = await catalog.stub.UnlinkSku(
        catalog_pb2.UnlinkSkuRequest(product=f"{catalog.shop}/products/{product_id}", sku_id=sku_id)
    )
    assert unlinked.sku.link_state == catalog_pb2.LINK_STATE_UNLINKED and unlinked.sku.inventory_pool == ""
    assert await _pool_of(harness, catalog.app, sku_id) is None

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await catalog.link(sku_id, "1899999999999999999")
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await catalog.stub.LinkSku(
            catalog_pb2.LinkSkuRequest(sku=catalog.sku_name(sku_id), product="x", shopline_variant_id=first)
        )
    assert _violations(caught.value) == ["sku"]


async def test_auto_link_reports_ambiguous_codes_and_keeps_manual_links(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await _ready(harness)
    matching = sorted(
        s for s, sku in catalog.tiktok.skus.items() if len(catalog.variants_with_code(sku.seller_sku)) == 1
    )
    assert len(matching) >= 3
    ambiguous_sku, manual_sku = matching[0], matching[1]
    code = catalog.tiktok.skus[ambiguous_sku].seller_sku
    (twin,) = [v for v in sorted(catalog.store.variants) if v not in catalog.variants_with_code(code)][:1]
    catalog.harness.sandbox.control.set_variant_sku(catalog.handle, twin, code)
    manual_target = catalog.variants_with_code(catalog.tiktok.skus[matching[2]].seller_sku)[0]
    await catalog.link(manual_sku, manual_target)  # not the variant its code matches

    expected = {"created": 0, "skipped": 0, "failed": 0}
    for sku_id, sku in catalog.tiktok.skus.items():
        found = len(catalog.variants_with_code(sku.seller_sku))
        if sku_id == manual_sku or found == 0:
            expected["skipped"] += 1
        elif found == 1:
            expected["created"] += 1
        else:
            expected["failed"] += 1
    assert expected["failed"] >= 1

    started = await catalog.stub.AutoLinkSkus(catalog_pb2.AutoLinkSkusRequest(parent=catalog.shop))
    assert started.task.kind == task_pb2.TASK_KIND_AUTO_LINK
    task = await catalog.run(started.task)
    assert task.state == task_pb2.TASK_STATE_SUCCEEDED, task.failure_reason
    counts = {"created": task.created_count, "skipped": task.skipped_count, "failed": task.failed_count}
    assert counts == expected
    assert task.updated_count == 0 and task.done_count == len(catalog.tiktok.skus)
    assert any(
        ambiguous_sku in error.item and "several SHOPLINE variants" in error.reason
        for error in task.recent_errors
    )

    skus = await catalog.skus()
    assert skus[ambiguous_sku].link_state == catalog_pb2.LINK_STATE_UNLINKED
    assert skus[manual_sku].link_state == catalog_pb2.LINK_STATE_LINKED_MANUAL
    assert skus[manual_sku].shopline_variant_id == manual_target
    auto = [s for s in skus.values() if s.link_state == catalog_pb2.LINK_STATE_LINKED_AUTO]
    assert len(auto) == expected["created"]
    for sku in auto:
        assert catalog.store.variants[sku.shopline_variant_id].sku == sku.seller_sku
        pool = await _pool_of(harness, catalog.app, sku.tiktok_sku_id)
        assert pool.variant_id == sku.shopline_variant_id

    again = await catalog.run(
        (await catalog.stub.AutoLinkSkus(catalog_pb2.AutoLinkSkusRequest(parent=catalog.app))).task
    )
    assert (again.created_count, again.failed_count) == (0, expected["failed"])


def _rule_price(amount: str, markup: str) -> str:
    return str((Decimal(amount) * (1 + Decimal(markup))).quantize(Decimal("0.01"), rounding=ROUND_UP))


async def test_price_sync_pushes_the_rule_price_and_a_currency_mismatch_pushes_nothing(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await _ready(harness)
    sku_id = sorted(catalog.tiktok.skus)[0]
    variant_id = sorted(catalog.store.variants)[0]
    await catalog.link(sku_id, variant_id)
    catalog.harness.sandbox.control.set_variant_price(catalog.handle, variant_id, "10.01")
    rule = await catalog.stub.UpdatePriceRule(
        catalog_pb2.UpdatePriceRuleRequest(
            price_rule=common_pb2.PriceRule(
                name=f"{catalog.shop}/priceRule",
                enabled=True,
                markup="0.125",
                rounding=common_pb2.PRICE_ROUNDING_UP,
            ),
            update_mask=field_mask_pb2.FieldMask(paths=["enabled", "markup", "rounding"]),
        )
    )
    assert rule.price_rule.markup == "0.125" and rule.price_rule.target_currency_code == "USD"
    expected = _rule_price("10.01", "0.125")  # 11.26125 rounds up to 11.27
    assert expected == "11.27"

    started = await catalog.stub.SyncPrices(catalog_pb2.SyncPricesRequest(parent=catalog.shop))
    task = await catalog.run(started.task)
    assert task.state == task_pb2.TASK_STATE_SUCCEEDED, task.failure_reason
    assert (task.updated_count, task.failed_count, task.done_count) == (1, 0, 1)
    assert catalog.tiktok.skus[sku_id].sale_price == expected
    skus = await catalog.skus()
    assert skus[sku_id].price.amount == expected and skus[sku_id].target_price.amount == expected

    repeat = await catalog.run(
        (await catalog.stub.SyncPrices(catalog_pb2.SyncPricesRequest(parent=catalog.shop))).task
    )
    assert (repeat.updated_count, repeat.skipped_count, repeat.failed_count) == (0, 1, 0)

    catalog.harness.sandbox.control.set_store_currency(catalog.handle, "SGD")
    catalog.harness.sandbox.control.set_variant_price(catalog.handle, variant_id, "20.00")
    mismatch = await catalog.run(
        (await catalog.stub.SyncPrices(catalog_pb2.SyncPricesRequest(parent=catalog.shop))).task
    )
    # Its only SKU failed, so the task did: the reason names the SKU and the missing rate.
    assert mismatch.state == task_pb2.TASK_STATE_FAILED
    assert (mismatch.updated_count, mismatch.skipped_count, mismatch.failed_count) == (0, 0, 1)
    assert "SGD" in mismatch.recent_errors[-1].reason and sku_id in mismatch.recent_errors[-1].item
    error = mismatch.recent_errors[-1]
    assert mismatch.failure_reason == f"every item failed (1); first: {error.item}: {error.reason}"
    assert catalog.tiktok.skus[sku_id].sale_price == expected  # nothing pushed

    await catalog.stub.UpdatePriceRule(
        catalog_pb2.UpdatePriceRuleRequest(
            price_rule=common_pb2.PriceRule(name=f"{catalog.shop}/priceRule", exchange_rate="0.74"),
            update_mask=field_mask_pb2.FieldMask(paths=["exchange_rate"]),
        )
    )
    converted = await catalog.run(
        (await catalog.stub.SyncPrices(catalog_pb2.SyncPricesRequest(parent=catalog.shop))).task
    )
    assert (converted.updated_count, converted.failed_count) == (1, 0)
    assert catalog.tiktok.skus[sku_id].sale_price == _rule_price("14.80", "0.125")  # 20.00 SGD at 0.74


async def test_price_rule_reads_the_app_default_and_rejects_bad_updates_naming_the_field(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await _ready(harness)
    name = f"{catalog.shop}/priceRule"
    got = (await catalog.stub.GetPriceRule(catalog_pb2.GetPriceRuleRequest(name=name))).price_rule
    assert (got.name, got.enabled, got.markup, got.target_currency_code) == (name, True, "0", "USD")
    assert got.rounding == common_pb2.PRICE_ROUNDING_HALF_UP and not got.HasField("update_time")

    cases = [
        (common_pb2.PriceRule(name=name, markup="abc"), ["markup"], "price_rule.markup"),
        (common_pb2.PriceRule(name=name, markup="-1"), ["markup"], "price_rule.markup"),
        (common_pb2.PriceRule(name=name, markup="0.1234567"), ["markup"], "price_rule.markup"),
        (
            common_pb2.PriceRule(name=name, exchange_rate="-0.5"),
            ["exchange_rate"],
            "price_rule.exchange_rate",
        ),
        (
            common_pb2.PriceRule(name=name, fixed_amount=common_pb2.Money(currency_code="GBP", amount="1")),
            ["fixed_amount"],
            "price_rule.fixed_amount.currency_code",
        ),
        (
            common_pb2.PriceRule(
                name=name, fixed_amount=common_pb2.Money(currency_code="USD", amount="1.001")
            ),
            ["fixed_amount"],
            "price_rule.fixed_amount.amount",
        ),
        (common_pb2.PriceRule(name=name, rounding=9), ["rounding"], "price_rule.rounding"),
        (common_pb2.PriceRule(name=name, markup="0.1"), [], "update_mask"),
        (common_pb2.PriceRule(name=name, markup="0.1"), ["markup", "target_currency_code"], "update_mask"),
        (common_pb2.PriceRule(name=f"{catalog.shop}/rule", markup="0.1"), ["markup"], "price_rule.name"),
    ]
    for rule, paths, field in cases:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await catalog.stub.UpdatePriceRule(
                catalog_pb2.UpdatePriceRuleRequest(
                    price_rule=rule, update_mask=field_mask_pb2.FieldMask(paths=paths)
                )
            )
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, field
        assert _violations(caught.value) == [field]
    unchanged = (await catalog.stub.GetPriceRule(catalog_pb2.GetPriceRuleRequest(name=name))).price_rule
    assert unchanged == got

    disabled = await catalog.stub.UpdatePriceRule(
        catalog_pb2.UpdatePriceRuleRequest(
            price_rule=common_pb2.PriceRule(name=name, enabled=False),
            update_mask=field_mask_pb2.FieldMask(paths=["enabled"]),
        )
    )
    assert disabled.price_rule.enabled is False and disabled.price_rule.HasField("update_time")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await catalog.stub.SyncPrices(catalog_pb2.SyncPricesRequest(parent=catalog.shop))
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_an_out_of_range_exchange_rate_is_rejected_and_a_stored_one_breaks_no_read(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await _ready(harness)
    name = f"{catalog.shop}/priceRule"
    for rate in ("1000000000000000000000000", "1000000.0001", "1e3"):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await catalog.stub.UpdatePriceRule(
                catalog_pb2.UpdatePriceRuleRequest(
                    price_rule=common_pb2.PriceRule(name=name, exchange_rate=rate),
                    update_mask=field_mask_pb2.FieldMask(paths=["exchange_rate"]),
                )
            )
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, rate
        assert _violations(caught.value) == ["price_rule.exchange_rate"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await catalog.stub.UpdatePriceRule(
            catalog_pb2.UpdatePriceRuleRequest(
                price_rule=common_pb2.PriceRule(
                    name=name, fixed_amount=common_pb2.Money(currency_code="USD", amount="1" + "0" * 30)
                ),
                update_mask=field_mask_pb2.FieldMask(paths=["fixed_amount"]),
            )
        )
    assert _violations(caught.value) == ["price_rule.fixed_amount.amount"]

    # A rule stored before the bound (written past the API here) yields no target price, not INTERNAL.
    sku_id = sorted(catalog.tiktok.skus)[0]
    variant_id = sorted(catalog.store.variants)[0]
    await catalog.link(sku_id, variant_id)
    catalog.harness.sandbox.control.set_store_currency(catalog.handle, "SGD")
    # At 1e24, a price of 20,000 has more digits than a Decimal holds (28).
    catalog.harness.sandbox.control.set_variant_price(catalog.handle, variant_id, "20000.00")
    # The first sync finds the SGD price (and fails for want of a rate), as in the test above.
    await catalog.run(
        (await catalog.stub.SyncPrices(catalog_pb2.SyncPricesRequest(parent=catalog.shop))).task
    )
    await catalog.stub.UpdatePriceRule(
        catalog_pb2.UpdatePriceRuleRequest(
            price_rule=common_pb2.PriceRule(name=name, exchange_rate="0.74"),
            update_mask=field_mask_pb2.FieldMask(paths=["exchange_rate"]),
        )
    )
    async with harness.container.persistence.unit_of_work() as uow:
        shop = await uow.shops.get(ShopId(catalog.shop.rpartition("/")[2]))
        rule = shop.price_rule
        assert rule is not None and rule.exchange_rate is not None
        huge = replace(rule, exchange_rate=replace(rule.exchange_rate, rate=Decimal("1e24")))
        shop.change_price_rule(huge, harness.clock.now())
        await uow.shops.update(shop)
        await uow.commit()

    skus = await catalog.skus()
    assert skus[sku_id].price.amount and not skus[sku_id].HasField("target_price")
    product = skus[sku_id].name.rpartition("/skus/")[0]
    got = await catalog.stub.GetProduct(catalog_pb2.GetProductRequest(name=product))
    assert got.product.name == product
    synced = await catalog.run(
        (await catalog.stub.SyncPrices(catalog_pb2.SyncPricesRequest(parent=catalog.shop))).task
    )
    assert (synced.updated_count, synced.failed_count) == (0, 1)
    assert "too large" in synced.recent_errors[-1].reason

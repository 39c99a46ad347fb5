"""``PRICE_SYNC``: pushes the price rule's target price of every linked, live SKU to TikTok."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.channel import ItemFailure, PriceUpdate, ShopCredentials
from domain.errors import (
    DomainError,
    PartnerRejected,
    ShopNotFound,
    TokenNotFound,
)
from domain.ids import ChannelProductId, ShopId
from domain.ports import Clock, TikTokChannelApi, UnitOfWork
from domain.shop import Shop
from services.catalog.tasks import (
    CatalogHandler,
    CatalogPosition,
    Outcome,
    sku_ref,
)
from services.catalog.variants import VariantRefresh
from services.shared.stale_writes import retry_stale
from services.shops.sessions import TRANSIENT
from services.tasks.jobs import RetryPolicy, RunResult, TaskRun, retrying

PRICE_SYNC_PAGE = 20
SELLABLE_STATUS = "ACTIVATE"
"""TikTok takes price updates for live products only."""


async def _linked_count(uow: UnitOfWork, shop: Shop) -> int:
    return (await uow.channel_products.count_for_shop(shop.id)).linked_skus


@dataclass
class _ProductPrices:
    product_id: ChannelProductId
    updates: list[PriceUpdate]


class PriceSyncHandler(CatalogHandler):
    """``PRICE_SYNC``: pushes the rule price of each linked SKU whose TikTok price differs.

    Nothing is written while TikTok is called; the prices TikTok accepted are recorded on the
    products afterwards, with the task's progress. A SKU whose price cannot be computed (no
    exchange rate for the store currency, a non-positive result) is a task error and is not pushed.
    """

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        variants: VariantRefresh,
        tiktok: TikTokChannelApi,
        *,
        page_size: int = PRICE_SYNC_PAGE,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(unit_of_work, clock, variants, retry)
        self._tiktok = tiktok
        self._page_size = page_size

    async def run(self, run: TaskRun) -> RunResult:
        if run.shop_id is None:
            return RunResult.failed("a price sync needs a shop")
        try:
            async with self._unit_of_work() as uow:
                shop = await uow.shops.get(run.shop_id)
                app = await uow.apps.get(run.app_id)
                await uow.tokens.get_tiktok(run.shop_id)
        except (ShopNotFound, TokenNotFound):
            return RunResult.failed("the shop was deleted or has no TikTok authorization")
        if not shop.effective_price_rule(app.settings.default_price_rule).enabled:
            return RunResult.failed("the shop's price rule is disabled")
        position = (
            CatalogPosition.decode(run.checkpoint)
            if run.checkpoint
            else await self._begin(run, _linked_count)
        )
        while position.shops:
            if run.stop_requested:
                return RunResult.stopped()
            position = await self._sync_page(run, position)
        return RunResult.completed()

    async def _sync_page(self, run: TaskRun, position: CatalogPosition) -> CatalogPosition:
        shop_id = position.shops[0]
        outcome = Outcome()
        async with self._unit_of_work() as uow:
            shop = await uow.shops.get(shop_id)
            app = await uow.apps.get(run.app_id)
            token = await uow.tokens.get_tiktok(shop_id)
            rule = shop.effective_price_rule(app.settings.default_price_rule)
            page = await uow.channel_products.list(shop_id, page_size=self._page_size, after=position.after)
            wanted = {v for product in page.items for v in product.linked_variants().values()}
            variants = await uow.shopline_variants.get_many(run.app_id, wanted)
        pushes: list[_ProductPrices] = []
        for product in page.items:
            updates: list[PriceUpdate] = []
            for sku in product.skus:
                if sku.link is None:
                    continue
                outcome.done += 1
                ref = sku_ref(shop_id, product.id, sku.sku_id)
                variant = variants.get(sku.link.variant_id)
                if variant is None:
                    outcome.failed(ref, f"SHOPLINE variant {sku.link.variant_id} is no longer in the store")
                    continue
                try:
                    target = rule.apply(variant.price)
                except DomainError as error:
                    outcome.failed(ref, error.message)
                    continue
                if sku.price == target or product.status != SELLABLE_STATUS:
                    outcome.add(skipped=1)
                else:
                    updates.append(PriceUpdate(sku.sku_id, target))
            if updates:
                pushes.append(_ProductPrices(product.id, updates))
        credentials = ShopCredentials(shop.cipher, token.access_token)
        accepted: dict[ChannelProductId, list[PriceUpdate]] = {}
        for push in pushes:
            accepted[push.product_id] = await self._push(run, shop_id, credentials, push, outcome)
        following = position.next_page(page.next_cursor)
        await self._record_prices(run, shop_id, accepted, outcome, following)
        return following

    async def _push(
        self,
        run: TaskRun,
        shop_id: ShopId,
        credentials: ShopCredentials,
        push: _ProductPrices,
        outcome: Outcome,
    ) -> list[PriceUpdate]:
        """The updates TikTok accepted; the others are task errors."""

        async def call() -> list[ItemFailure]:
            return await self._tiktok.update_prices(current[0], push.product_id, push.updates)

        current = [credentials]

        async def fresh_credentials() -> None:
            async with self._unit_of_work() as uow:
                token = await uow.tokens.get_tiktok(shop_id)
            current[0] = ShopCredentials(credentials.shop_cipher, token.access_token)

        try:
            failures = await retrying(
                run, self._retry, call, transient=TRANSIENT, before_retry=fresh_credentials
            )
        except PartnerRejected as error:
            for update in push.updates:
                outcome.failed(
                    sku_ref(shop_id, push.product_id, update.sku_id), f"TikTok refused: {error.message}"
                )
            return []
        refused = {failure.item_ref.split("/")[0]: failure for failure in failures}
        accepted = []
        for update in push.updates:
            failure = refused.get(update.sku_id)
            if failure is None:
                accepted.append(update)
                outcome.add(updated=1)
            else:
                outcome.failed(
                    sku_ref(shop_id, push.product_id, update.sku_id),
                    f"TikTok refused the price ({failure.code}): {failure.message}",
                )
        return accepted

    async def _record_prices(
        self,
        run: TaskRun,
        shop_id: ShopId,
        accepted: dict[ChannelProductId, list[PriceUpdate]],
        outcome: Outcome,
        following: CatalogPosition,
    ) -> None:
        async def write() -> None:
            async with self._unit_of_work() as uow:
                products = await uow.channel_products.find_many(shop_id, accepted)
                changed = []
                for product_id, updates in accepted.items():
                    product = products.get(product_id)
                    if product is None:
                        continue  # deleted meanwhile
                    known = {sku.sku_id for sku in product.skus}
                    for update in updates:
                        if update.sku_id in known:
                            product.record_price(update.sku_id, update.price)
                    changed.append(product)
                if changed:
                    await uow.channel_products.save_many(changed)
                await self._record_in(uow, run, outcome, following)
                await uow.commit()

        await retry_stale(write)

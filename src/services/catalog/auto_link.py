"""``AUTO_LINK``: links every unlinked SKU whose seller SKU matches exactly one SHOPLINE variant."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from domain.catalog import ChannelProduct, VariantSkuIndex
from domain.errors import PoolAlreadyExists
from domain.ids import AppId, ShopId
from domain.ports import Clock, UnitOfWork
from domain.shop import Shop
from services.catalog.links import LinkChange, PoolLinks, link_changes
from services.catalog.tasks import (
    CatalogHandler,
    CatalogPosition,
    Outcome,
    sku_ref,
)
from services.catalog.variants import VariantRefresh
from services.shared.stale_writes import retry_stale
from services.tasks.jobs import RetryPolicy, RunResult, TaskRun

AUTO_LINK_PAGE = 50


class AutoLinkHandler(CatalogHandler):
    """``AUTO_LINK``: links every unlinked SKU whose seller SKU matches exactly one variant."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        variants: VariantRefresh,
        pool_links: PoolLinks,
        *,
        page_size: int = AUTO_LINK_PAGE,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(unit_of_work, clock, variants, retry)
        self._pool_links = pool_links
        self._page_size = page_size

    async def run(self, run: TaskRun) -> RunResult:
        position = (
            CatalogPosition.decode(run.checkpoint) if run.checkpoint else await self._begin(run, _sku_count)
        )
        while position.shops:
            if run.stop_requested:
                return RunResult.stopped()
            position = await self._link_page(run, position)
        return RunResult.completed()

    async def _link_page(self, run: TaskRun, position: CatalogPosition) -> CatalogPosition:
        shop_id = position.shops[0]

        async def write() -> CatalogPosition:
            async with self._unit_of_work() as uow:
                page = await uow.channel_products.list(
                    shop_id, page_size=self._page_size, after=position.after
                )
                outcome = await self._link_products(uow, run.app_id, shop_id, page.items)
                following = position.next_page(page.next_cursor)
                await self._record_in(uow, run, outcome, following)
                await uow.commit()
                return following

        return await retry_stale(write, also=(PoolAlreadyExists,))

    async def _link_products(
        self, uow: UnitOfWork, app_id: AppId, shop_id: ShopId, products: Sequence[ChannelProduct]
    ) -> Outcome:
        app = await uow.apps.get(app_id)
        codes = {sku.seller_sku.strip() for product in products for sku in product.skus} - {""}
        found = await uow.shopline_variants.find_by_skus(app_id, codes)
        index = VariantSkuIndex((variant.variant_id, variant.sku) for variant in found)
        outcome = Outcome()
        changed: list[ChannelProduct] = []
        changes: list[LinkChange] = []
        for product in products:
            before = product.linked_variants()
            report = product.auto_link(index, self._clock.now())
            outcome.done += len(product.skus)
            outcome.add(
                created=len(report.linked), skipped=len(report.already_linked) + len(report.unmatched)
            )
            for sku_id in report.ambiguous:
                code = product.sku(sku_id).seller_sku.strip()
                outcome.failed(
                    sku_ref(shop_id, product.id, sku_id),
                    f"seller SKU {code!r} matches several SHOPLINE variants "
                    f"({', '.join(index.lookup(code))}); link it by hand",
                )
            if report.linked:
                changes += link_changes(product, before)
                changed.append(product)
        await self._pool_links.apply(uow, app, changes)
        if changed:
            await uow.channel_products.save_many(changed)
        return outcome


async def _sku_count(uow: UnitOfWork, shop: Shop) -> int:
    return (await uow.channel_products.count_for_shop(shop.id)).skus

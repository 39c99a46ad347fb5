"""AutoLinkSkus and SyncPrices: task-center tasks over a shop's catalog, a page per transaction.

Both read the SHOPLINE variants fresh first (an incremental refresh of the cache), then walk the
shop's products in pages. Each page's changes, the task's progress and the checkpoint (the next
page's cursor) commit together, so a stopped or crashed run resumes at the page it was on.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from domain.catalog import ChannelProduct, VariantSkuIndex
from domain.channel import ItemFailure, PriceUpdate, ShopCredentials
from domain.errors import (
    DomainError,
    InvalidArgument,
    PartnerAuthExpired,
    PartnerRejected,
    PartnerUnavailable,
    PoolAlreadyExists,
    PriceSyncDisabled,
    ShopNotFound,
    TokenNotFound,
)
from domain.ids import AppId, ChannelProductId, ChannelSkuId, ShopId
from domain.ports import Clock, IdGenerator, JobQueue, TikTokChannelApi, UnitOfWork
from domain.shop import Shop
from domain.task import Task, TaskCounts, TaskKind
from services.catalog.links import LinkChange, PoolLinks, link_changes
from services.catalog.variants import VariantRefresh
from services.shared.requests import ClientRequest
from services.shared.stale_writes import retry_stale
from services.tasks.jobs import RetryPolicy, RunResult, TaskRun, retrying
from services.tasks.starter import TaskStarter

T = TypeVar("T")

AUTO_LINK_PAGE = 50
PRICE_SYNC_PAGE = 20
TRANSIENT = (PartnerUnavailable, PartnerAuthExpired)
SELLABLE_STATUS = "ACTIVATE"
"""TikTok takes price updates for live products only."""
AUTO_LINK_SKUS = "AutoLinkSkus"
SYNC_PRICES = "SyncPrices"


def _sku_ref(shop_id: ShopId, product_id: ChannelProductId, sku_id: ChannelSkuId) -> str:
    return f"shops/{shop_id}/products/{product_id}/skus/{sku_id}"


@dataclass(frozen=True)
class CatalogPosition:
    """The checkpoint: shops still to do (the first is current) and where its next page starts."""

    shops: tuple[ShopId, ...]
    after: str | None = None

    def encode(self) -> str:
        return json.dumps({"v": 1, "shops": list(self.shops), "after": self.after}, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> CatalogPosition:
        try:
            data = json.loads(text)
            return cls(tuple(ShopId(s) for s in data["shops"]), data["after"])
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidArgument("checkpoint", f"not a catalog task checkpoint ({error})") from None

    def next_page(self, cursor: str | None) -> CatalogPosition:
        return CatalogPosition(self.shops, cursor) if cursor is not None else CatalogPosition(self.shops[1:])


@dataclass
class _Outcome:
    counts: TaskCounts = field(default_factory=TaskCounts)
    errors: list[tuple[str, str]] = field(default_factory=list)
    done: int = 0

    def add(self, **increments: int) -> None:
        self.counts = self.counts.plus(TaskCounts(**increments))

    def failed(self, item_ref: str, reason: str) -> None:
        self.add(failed=1)
        self.errors.append((item_ref, reason))


class CatalogTasks:
    """Starts AutoLinkSkus and SyncPrices tasks; a retried request gets the task it started."""

    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, ids: IdGenerator, job_queue: JobQueue
    ) -> None:
        self._starter = TaskStarter(unit_of_work, clock, ids, job_queue)

    async def start_auto_link(
        self, app_id: AppId, shop_id: ShopId | None, request_id: str | None = None
    ) -> Task:
        """For one shop, or for every shop of the app when ``shop_id`` is None."""
        subject = f"shops/{shop_id}" if shop_id is not None else f"apps/{app_id}"
        request = ClientRequest(app_id, request_id, AUTO_LINK_SKUS, subject)

        async def prepare(uow: UnitOfWork) -> None:
            await uow.apps.get(app_id)

        return await self._starter.start(request, TaskKind.AUTO_LINK, shop_id=shop_id, prepare=prepare)

    async def start_price_sync(self, app_id: AppId, shop_id: ShopId, request_id: str | None = None) -> Task:
        request = ClientRequest(app_id, request_id, SYNC_PRICES, f"shops/{shop_id}")

        async def prepare(uow: UnitOfWork) -> None:
            app = await uow.apps.get(app_id)
            shop = await uow.shops.get(shop_id)
            if not shop.effective_price_rule(app.settings.default_price_rule).enabled:
                raise PriceSyncDisabled(f"apps/{app_id}/shops/{shop_id}")

        return await self._starter.start(request, TaskKind.PRICE_SYNC, shop_id=shop_id, prepare=prepare)


class _CatalogHandler:
    """What both handlers share: the task's shops, the variant refresh and page-wise writes."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        variants: VariantRefresh,
        retry: RetryPolicy | None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._variants = variants
        self._retry = retry or RetryPolicy()

    async def _begin(
        self, run: TaskRun, count: Callable[[UnitOfWork, Shop], Awaitable[int]]
    ) -> CatalogPosition:
        """Refreshes the variant cache, then stores the first checkpoint and the total."""
        await retrying(run, self._retry, lambda: self._variants.refresh(run.app_id), transient=TRANSIENT)
        async with self._unit_of_work() as uow:
            if run.shop_id is not None:
                shops = [await uow.shops.get(run.shop_id)]
            else:
                shops = await _all_shops(uow, run.app_id)
            total = 0
            for shop in shops:
                total += await count(uow, shop)
        position = CatalogPosition(tuple(shop.id for shop in shops))
        await self._record(run, _Outcome(), position, total=total)
        return position

    async def _record(
        self, run: TaskRun, outcome: _Outcome, position: CatalogPosition, *, total: int | None = None
    ) -> None:
        async with self._unit_of_work() as uow:
            await self._record_in(uow, run, outcome, position, total=total)
            await uow.commit()

    async def _record_in(
        self,
        uow: UnitOfWork,
        run: TaskRun,
        outcome: _Outcome,
        position: CatalogPosition,
        *,
        total: int | None = None,
    ) -> None:
        task = await uow.tasks.get(run.task_id)
        done = task.done + outcome.done
        new_total = total if total is not None else task.total
        task.record_progress(
            run.owner,
            self._clock.now(),
            done=done,
            total=None if new_total is None else max(new_total, done),
            counts=outcome.counts,
            errors=outcome.errors,
            checkpoint=position.encode(),
        )
        await uow.tasks.update(task)


async def _all_shops(uow: UnitOfWork, app_id: AppId) -> list[Shop]:
    shops: list[Shop] = []
    after: str | None = None
    while True:
        page = await uow.shops.list(app_id, page_size=100, after=after)
        shops.extend(page.items)
        if page.next_cursor is None:
            return shops
        after = page.next_cursor


class AutoLinkHandler(_CatalogHandler):
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
    ) -> _Outcome:
        app = await uow.apps.get(app_id)
        codes = {sku.seller_sku.strip() for product in products for sku in product.skus} - {""}
        found = await uow.shopline_variants.find_by_skus(app_id, codes)
        index = VariantSkuIndex((variant.variant_id, variant.sku) for variant in found)
        outcome = _Outcome()
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
                    _sku_ref(shop_id, product.id, sku_id),
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


async def _linked_count(uow: UnitOfWork, shop: Shop) -> int:
    return (await uow.channel_products.count_for_shop(shop.id)).linked_skus


@dataclass
class _ProductPrices:
    product_id: ChannelProductId
    updates: list[PriceUpdate]


class PriceSyncHandler(_CatalogHandler):
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
        outcome = _Outcome()
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
                ref = _sku_ref(shop_id, product.id, sku.sku_id)
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
        outcome: _Outcome,
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
                    _sku_ref(shop_id, push.product_id, update.sku_id), f"TikTok refused: {error.message}"
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
                    _sku_ref(shop_id, push.product_id, update.sku_id),
                    f"TikTok refused the price ({failure.code}): {failure.message}",
                )
        return accepted

    async def _record_prices(
        self,
        run: TaskRun,
        shop_id: ShopId,
        accepted: dict[ChannelProductId, list[PriceUpdate]],
        outcome: _Outcome,
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

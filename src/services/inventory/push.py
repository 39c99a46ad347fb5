"""Pushes pool availability to TikTok from the push rows (``domain.stock_push``).

The rows are written with every pool change, so nothing here has to remember anything: the
pusher wakes on ``PoolAvailabilityChanged`` / ``PoolLinksChanged`` (and on a periodic sweep for
retries), reads the due rows and pushes each SKU's latest ``desired`` quantity. At most one push
per SKU is in flight in this process; changes that arrive meanwhile only bump the row, and the
next round pushes their last value once, so bursts coalesce. A failed push is recorded with its
error and retried after a doubling back-off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, replace

from domain.channel import ShopCredentials
from domain.errors import ChannelProductClosed, PartnerError, ShopNotFound, TokenNotFound
from domain.events import PoolAvailabilityChanged, PoolLinksChanged
from domain.ids import ChannelProductId, ChannelSkuId, PoolId, ShopId
from domain.ports import Clock, TikTokChannelApi, UnitOfWork
from domain.stock_push import CLOSED_PRODUCT_RETRY_DELAY, PUSH_LEASE, PushResult, PushState, inventory_update
from services.shared.concurrency import BackgroundDrain, GroupCommit, Wakeup

log = logging.getLogger("mcc.inventory")

SALES_WAREHOUSE = "SALES_WAREHOUSE"
MAX_SKUS_PER_CALL = 50


@dataclass(frozen=True)
class SkuTarget:
    """Where a SKU's stock is set on TikTok: its product and every warehouse of the SKU."""

    product_id: ChannelProductId
    warehouse_ids: tuple[str, ...]


class PushUnavailable(Exception):
    """This SKU cannot be pushed right now (reason in the message); recorded as a failed push."""


class PushWakeup(Wakeup):
    """Wakes the pusher after a committed pool change; separate from the pusher so the publisher
    (which the pusher's units of work use) does not depend on it."""

    async def pools_changed(self, events: Sequence[PoolAvailabilityChanged | PoolLinksChanged]) -> None:
        """Reaction to committed pool changes: pushes are due."""
        if events:
            self.wake()


class StockPusher(BackgroundDrain):
    failure_message = "stock push round failed"

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        tiktok: TikTokChannelApi,
        clock: Clock,
        *,
        wakeup: PushWakeup | None = None,
        owner: str = "stock-pusher",
        concurrency: int = 16,
        batch: int = 500,
    ) -> None:
        """``owner`` names this pusher in the leases that keep pushers of other processes off
        the SKUs it is pushing."""
        super().__init__(wakeup)
        self._unit_of_work = unit_of_work
        self._outcomes = GroupCommit(unit_of_work, _record_outcomes, max_group=OUTCOME_GROUP_MAX)
        self._tiktok = tiktok
        self._clock = clock
        self._batch = batch
        self._owner = owner
        self._slots = asyncio.Semaphore(concurrency)
        self._locks: dict[tuple[PoolId, ChannelSkuId], asyncio.Lock] = {}
        self._users: dict[tuple[PoolId, ChannelSkuId], int] = {}
        self._targets: dict[tuple[ShopId, ChannelSkuId], SkuTarget] = {}

    # --- pushing ----------------------------------------------------------------------------

    async def drain(self) -> int:
        """Pushes due rows until none is left (or only ones in flight); returns pushes made.

        The SKUs of one TikTok product go in one call, and their outcomes in one transaction."""
        pushed = 0
        while True:
            self.begin_round()
            async with self._unit_of_work() as uow:
                due = await uow.push_states.due(self._clock.now(), limit=self._batch)
            ready = [s for s in due if not self._busy(s.key)]
            if not ready:
                if self.woken_meanwhile:
                    continue
                return pushed
            claimed = await self._claim([s.key for s in ready])  # the round's rows, in one go
            ready = [s for s in ready if s.key in claimed]
            credentials: dict[ShopId, ShopCredentials | str] = {}
            batches = await self._by_product(ready, credentials)
            await asyncio.gather(*(self._push_slotted(batch, credentials) for batch in batches))
            pushed += len(ready)

    async def push_one(
        self, pool_id: PoolId, sku_id: ChannelSkuId, *, force: bool = False
    ) -> PushState | None:
        """Pushes one SKU's latest desired quantity (``force``: even if TikTok already has it)."""
        key = (pool_id, sku_id)
        async with self._holding([key]):
            if not await self._claim([key]):
                async with self._unit_of_work() as uow:  # another process is pushing it now
                    return await uow.push_states.find(pool_id, sku_id)
            async with self._unit_of_work() as uow:
                state = await uow.push_states.find(pool_id, sku_id)
            if state is None or (not force and state.result is PushResult.SUCCEEDED):
                if state is not None:
                    await self._record([(state, state.desired_seq)])  # ends the lease
                return state
            [outcome] = await self._send([state], {})
            await self._record([(outcome, state.desired_seq)])
            return outcome

    async def _by_product(
        self, states: Sequence[PushState], credentials: dict[ShopId, ShopCredentials | str]
    ) -> list[list[PushState]]:
        """The states grouped by TikTok product (at most ``MAX_SKUS_PER_CALL`` a group); a state
        whose target cannot be resolved goes alone, to be recorded as failed."""
        groups: dict[tuple[ShopId, ChannelProductId], list[PushState]] = {}
        alone: list[list[PushState]] = []
        for state in states:
            try:
                target = await self.target(state, await self.credentials(state.shop_id, credentials))
            except (PushUnavailable, PartnerError):
                alone.append([state])
                continue
            groups.setdefault((state.shop_id, target.product_id), []).append(state)
        batches = [
            group[start : start + MAX_SKUS_PER_CALL]
            for group in groups.values()
            for start in range(0, len(group), MAX_SKUS_PER_CALL)
        ]
        return batches + alone

    async def _push_slotted(
        self, batch: list[PushState], credentials: dict[ShopId, ShopCredentials | str]
    ) -> None:
        async with self._slots, self._holding([s.key for s in batch]):
            outcomes = await self._send(batch, credentials)
            await self._record([(o, s.desired_seq) for o, s in zip(outcomes, batch, strict=True)])

    def _busy(self, key: tuple[PoolId, ChannelSkuId]) -> bool:
        lock = self._locks.get(key)
        return lock is not None and lock.locked()

    @contextlib.asynccontextmanager
    async def _holding(self, keys: Sequence[tuple[PoolId, ChannelSkuId]]) -> AsyncIterator[None]:
        """One push at a time per SKU: the keys' locks, taken in order, forgotten when unused."""
        ordered = sorted(set(keys))
        for key in ordered:
            self._users[key] = self._users.get(key, 0) + 1
        taken: list[asyncio.Lock] = []
        try:
            for key in ordered:
                lock = self._locks.setdefault(key, asyncio.Lock())
                await lock.acquire()
                taken.append(lock)
            yield
        finally:
            for lock in taken:
                lock.release()
            for key in ordered:
                self._users[key] -= 1
                if not self._users[key]:
                    del self._users[key], self._locks[key]

    async def _claim(self, keys: Sequence[tuple[PoolId, ChannelSkuId]]) -> set[tuple[PoolId, ChannelSkuId]]:
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            taken = await uow.push_states.claim(keys, self._owner, now, now + PUSH_LEASE)
            await uow.commit()
        return taken

    async def _record(self, outcomes: Sequence[tuple[PushState, int]]) -> None:
        """The outcomes of one call; those of calls ending together commit in one transaction."""
        await self._outcomes.submit(list(outcomes))

    async def _send(
        self, states: Sequence[PushState], credentials: dict[ShopId, ShopCredentials | str]
    ) -> list[PushState]:
        """One update call for ``states`` (SKUs of one product); each state's outcome, in order."""
        first = states[0]
        try:
            shop_credentials = await self.credentials(first.shop_id, credentials)
            targets = [await self.target(state, shop_credentials) for state in states]
            updates = [
                inventory_update(state.sku_id, target.warehouse_ids, state.desired)
                for state, target in zip(states, targets, strict=True)
            ]
            failures = await self._tiktok.update_inventory(shop_credentials, targets[0].product_id, updates)
        except PushUnavailable as reason:
            return [state.failed(str(reason), self._clock.now()) for state in states]
        except ChannelProductClosed as error:
            # Hammering a frozen or deleted product changes nothing: wait long, then try again.
            now = self._clock.now()
            return [state.failed(error.message, now, retry_in=CLOSED_PRODUCT_RETRY_DELAY) for state in states]
        except PartnerError as error:
            return [state.failed(error.message, self._clock.now()) for state in states]
        now = self._clock.now()
        failed = {failure.item_ref: failure for failure in failures}
        outcomes = []
        for state, target in zip(states, targets, strict=True):
            failure = failed.get(state.sku_id)
            if failure is not None:
                self._targets.pop((state.shop_id, state.sku_id), None)  # re-read warehouses next time
                outcome = state.failed(f"{failure.code}: {failure.message}", now)
            else:
                outcome = state.succeeded(state.desired_seq, state.desired, now)
            outcomes.append(replace(outcome, product_id=target.product_id))
        return outcomes

    async def credentials(
        self, shop_id: ShopId, cache: dict[ShopId, ShopCredentials | str]
    ) -> ShopCredentials:
        """The shop's TikTok credentials (``cache`` is filled per round); ``PushUnavailable`` if none."""
        found = cache.get(shop_id)
        if found is None:
            try:
                async with self._unit_of_work() as uow:
                    shop = await uow.shops.get(shop_id)
                    token = await uow.tokens.get_tiktok(shop_id)
            except (ShopNotFound, TokenNotFound):
                found = "the shop was deleted or has no TikTok authorization"
            else:
                if token.needs_reauthorization(self._clock.now()):
                    found = (
                        "the shop's TikTok authorization was revoked or has expired; re-authorize the shop"
                    )
                else:
                    found = ShopCredentials(shop.cipher, token.access_token)
            cache[shop_id] = found
        if isinstance(found, str):
            raise PushUnavailable(found)
        return found

    async def target(self, state: PushState, credentials: ShopCredentials) -> SkuTarget:
        """The SKU's product and warehouses: remembered, else from our catalog, else from TikTok."""
        cache_key = (state.shop_id, state.sku_id)
        known = self._targets.get(cache_key)
        if known is not None:
            return known
        product_id = state.product_id
        warehouses: tuple[str, ...] = ()
        async with self._unit_of_work() as uow:
            product = await uow.channel_products.find_by_sku(state.shop_id, state.sku_id)
        if product is not None:
            product_id = product.id
            warehouses = tuple(q.warehouse_id for q in product.sku(state.sku_id).inventory)
        if product_id is None:
            raise PushUnavailable("the SKU's TikTok product is unknown; sync the shop's products first")
        if not warehouses:
            data = await self._tiktok.get_product(credentials, product_id)
            sku = next((s for s in data.skus if s.sku_id == state.sku_id), None)
            if sku is None:
                raise PushUnavailable(f"TikTok product {product_id} has no SKU {state.sku_id}")
            warehouses = tuple(q.warehouse_id for q in sku.inventory)
        if not warehouses:
            found = await self._tiktok.warehouses(credentials)
            usable = [w for w in found if w.type == SALES_WAREHOUSE and w.effect_status == "ENABLED"]
            usable.sort(key=lambda w: (not w.is_default, w.warehouse_id))
            warehouses = tuple(w.warehouse_id for w in usable)
        if not warehouses:
            raise PushUnavailable("the shop has no enabled sales warehouse")
        target = self._targets[cache_key] = SkuTarget(product_id, warehouses)
        return target


OUTCOME_GROUP_MAX = 100
"""Push calls whose outcomes are recorded in one transaction at most."""


async def _record_outcomes(uow: UnitOfWork, calls: list[list[tuple[PushState, int]]]) -> list[None]:
    # In (pool, SKU) order, the order pool writers update these rows in: no lock cycle with them.
    for outcome, seq in sorted((o for call in calls for o in call), key=lambda o: o[0].key):
        await uow.push_states.record(outcome, seq)
    return [None] * len(calls)

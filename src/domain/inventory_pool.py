"""InventoryPool: the shared stock of one SHOPLINE variant across every linked channel SKU.

``available = max(0, on_hand - held - safety_stock)``. Committed reservations are already
inside SHOPLINE's on-hand (the import decremented it), so only ``held`` ones are subtracted.

Finished (released or committed) reservations stay in the pool for ``FINISHED_RETENTION`` so a
replayed order event is still recognised, then ``prune_finished`` drops them; the units ever
committed stay counted in ``committed``. A pool therefore holds its open reservations plus a
bounded tail, not its whole history.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from domain.errors import (
    ChannelSkuNotFound,
    InvalidQuantity,
    PreconditionFailed,
    ReservationAlreadyCommitted,
    ReservationAlreadyReleased,
    ReservationConflict,
    ReservationNotFound,
)
from domain.events import PoolAvailabilityChanged, PoolLinksChanged, RecordsEvents
from domain.ids import (
    AppId,
    ChannelProductId,
    ChannelSkuId,
    OrderId,
    PoolId,
    ShopId,
    ShoplineVariantId,
)

FINISHED_RETENTION = timedelta(days=3)
"""How long a released or committed reservation is kept: far longer than any order re-poll window."""


@dataclass(frozen=True, order=True)
class ReservationKey:
    """One channel order line: the order's lines are aggregated per SKU."""

    shop_id: ShopId
    order_id: OrderId
    sku_id: ChannelSkuId

    def __str__(self) -> str:
        return f"{self.shop_id}/{self.order_id}/{self.sku_id}"


class ReservationState(Enum):
    HELD = "HELD"
    COMMITTED = "COMMITTED"
    RELEASED = "RELEASED"


@dataclass(frozen=True)
class Reservation:
    key: ReservationKey
    quantity: int
    state: ReservationState
    reserved_at: datetime
    finished_at: datetime | None = None
    """When it was released or committed; None while held."""


@dataclass(frozen=True)
class OnHandObservation:
    """SHOPLINE's on-hand for the variant over the mapped locations, versioned by ``updated_at``."""

    quantity: int
    version: datetime


@dataclass(frozen=True)
class LinkedSku:
    sku_id: ChannelSkuId
    shop_id: ShopId
    cap: int | None = None
    """Most units ever offered on this SKU; None for no cap."""
    product_id: ChannelProductId | None = None
    """The TikTok product of the SKU (stock updates are addressed per product), when known."""


def _check_quantity(field: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidQuantity(field, f"must be an integer of at least {minimum}")
    return value


class InventoryPool(RecordsEvents):
    def __init__(
        self,
        *,
        pool_id: PoolId,
        app_id: AppId,
        variant_id: ShoplineVariantId,
        on_hand: int = 0,
        on_hand_version: datetime | None = None,
        safety_stock: int = 0,
        reservations: Iterable[Reservation] = (),
        linked_skus: Iterable[LinkedSku] = (),
        committed: int = 0,
        held_elsewhere: int = 0,
    ) -> None:
        """Rebuilds a pool from stored state; ``open`` creates an empty one.

        A pool may be loaded with only some of its reservations (those a change is about):
        ``held_elsewhere`` is then the units held by the ones left out, so ``held`` and
        everything derived from it stay exact."""
        self._id = pool_id
        self._app_id = app_id
        self._variant_id = variant_id
        self._on_hand = on_hand
        self._on_hand_version = on_hand_version
        self._safety_stock = safety_stock
        self._reservations = {r.key: r for r in reservations}
        self._linked = {s.sku_id: s for s in linked_skus}
        self._committed = committed
        self._held_elsewhere = held_elsewhere
        self._events = []

    @classmethod
    def open(
        cls, pool_id: PoolId, app_id: AppId, variant_id: ShoplineVariantId, safety_stock: int = 0
    ) -> InventoryPool:
        return cls(
            pool_id=pool_id,
            app_id=app_id,
            variant_id=variant_id,
            safety_stock=_check_quantity("safety_stock", safety_stock, 0),
        )

    # --- read-only state --------------------------------------------------------------------

    @property
    def id(self) -> PoolId:
        return self._id

    @property
    def app_id(self) -> AppId:
        return self._app_id

    @property
    def variant_id(self) -> ShoplineVariantId:
        return self._variant_id

    @property
    def on_hand(self) -> int:
        return self._on_hand

    @property
    def on_hand_version(self) -> datetime | None:
        return self._on_hand_version

    @property
    def safety_stock(self) -> int:
        return self._safety_stock

    @property
    def reservations(self) -> Mapping[ReservationKey, Reservation]:
        return dict(self._reservations)

    @property
    def linked_skus(self) -> Mapping[ChannelSkuId, LinkedSku]:
        return dict(self._linked)

    def reservation(self, key: ReservationKey) -> Reservation:
        try:
            return self._reservations[key]
        except KeyError:
            raise ReservationNotFound(str(key)) from None

    @property
    def held(self) -> int:
        return self._held_elsewhere + sum(
            r.quantity for r in self._reservations.values() if r.state is ReservationState.HELD
        )

    @property
    def complete(self) -> bool:
        """Whether every reservation is loaded (not only some, see ``held_elsewhere``)."""
        return self._held_elsewhere == 0

    @property
    def committed(self) -> int:
        """Units ever committed by imports into SHOPLINE (kept when old reservations are pruned)."""
        return self._committed

    @property
    def sellable(self) -> int:
        """Stock that may be sold at all: on-hand above the safety stock."""
        return max(0, self._on_hand - self._safety_stock)

    @property
    def available(self) -> int:
        return max(0, self._on_hand - self.held - self._safety_stock)

    @property
    def oversold(self) -> int:
        """Units held beyond what could be sold; zero again once stock catches up."""
        return max(0, self.held - self.sellable)

    def quantities_to_push(self) -> dict[ChannelSkuId, int]:
        """What each linked SKU should show: ``min(cap, available)``, never above ``available``.

        Nothing before SHOPLINE's on-hand was first observed: the stock is unknown then, and
        pushing 0 would take the channel's listings off sale."""
        if self._on_hand_version is None:
            return {}
        available = self.available
        return {
            sku_id: available if link.cap is None else min(link.cap, available)
            for sku_id, link in self._linked.items()
        }

    # --- stock ------------------------------------------------------------------------------

    def observe_on_hand(self, observation: OnHandObservation) -> bool:
        """Applies a newer observation; an older or equal version is ignored (returns False)."""
        if self._on_hand_version is not None and observation.version <= self._on_hand_version:
            return False
        with self._tracking_availability():
            self._on_hand = observation.quantity
            self._on_hand_version = observation.version
        return True

    def set_safety_stock(self, quantity: int) -> None:
        _check_quantity("safety_stock", quantity, 0)
        with self._tracking_availability():
            self._safety_stock = quantity

    # --- reservations -----------------------------------------------------------------------

    def reserve(self, key: ReservationKey, quantity: int, now: datetime) -> Reservation:
        """Holds stock for a channel order line. The channel already sold it, so a reservation
        beyond availability is still recorded and shows up as ``oversold``."""
        _check_quantity("quantity", quantity, 1)
        existing = self._reservations.get(key)
        if existing is not None:
            if existing.quantity != quantity:
                raise ReservationConflict(str(key), existing.quantity, quantity)
            return existing
        reservation = Reservation(key, quantity, ReservationState.HELD, now)
        with self._tracking_availability():
            self._reservations[key] = reservation
        return reservation

    def release(self, key: ReservationKey, now: datetime | None = None) -> Reservation:
        """The order was cancelled before import: the stock is sellable again.

        ``now`` is when; without it the reservation counts as finished when it was made."""
        reservation = self.reservation(key)
        if reservation.state is ReservationState.COMMITTED:
            raise ReservationAlreadyCommitted(
                f"reservations/{key}",
                "the order is in SHOPLINE; its cancellation restocks there and arrives as a new on-hand",
            )
        if reservation.state is ReservationState.HELD:
            with self._tracking_availability():
                reservation = replace(
                    reservation, state=ReservationState.RELEASED, finished_at=now or reservation.reserved_at
                )
                self._reservations[key] = reservation
        return reservation

    def commit(
        self, key: ReservationKey, observation: OnHandObservation | None, now: datetime | None = None
    ) -> Reservation:
        """The order was imported into SHOPLINE. The hold ends together with the on-hand
        observation that includes SHOPLINE's decrement, so the units are counted exactly once.

        Without an observation (SHOPLINE's levels could not be read), or with one of the same
        version as the one held (SHOPLINE versions levels by the second, so it cannot tell whether
        the decrement is in it), the decrement is applied to the on-hand held here: counting the
        units twice for a moment is safe, never counting them would offer them again. An older
        observation changes nothing: the newer one held was read after the import. The next newer
        observation replaces the estimate."""
        reservation = self.reservation(key)
        if reservation.state is ReservationState.RELEASED:
            raise ReservationAlreadyReleased(
                f"reservations/{key}", "a released reservation cannot be committed"
            )
        held_version = self._on_hand_version
        fresh = observation is not None and (held_version is None or observation.version > held_version)
        stale = observation is not None and held_version is not None and observation.version < held_version
        with self._tracking_availability():
            if reservation.state is ReservationState.HELD:
                reservation = replace(
                    reservation, state=ReservationState.COMMITTED, finished_at=now or reservation.reserved_at
                )
                self._reservations[key] = reservation
                self._committed += reservation.quantity
                if not fresh and not stale:
                    self._on_hand = max(0, self._on_hand - reservation.quantity)
            if fresh and observation is not None:
                self._on_hand = observation.quantity
                self._on_hand_version = observation.version
        return reservation

    def withdraw(self, key: ReservationKey) -> bool:
        """The line's SKU left this pool (unlinked, or linked to another variant) while its order is
        still open: its hold goes with the SKU instead of being released. Finished reservations
        stay, so a replayed order event is still recognised. Returns whether a hold was dropped."""
        reservation = self._reservations.get(key)
        if reservation is None or reservation.state is not ReservationState.HELD:
            return False
        with self._tracking_availability():
            del self._reservations[key]
        return True

    def prune_finished(self, now: datetime, retention: timedelta = FINISHED_RETENTION) -> int:
        """Drops reservations finished more than ``retention`` before ``now``; returns how many.

        Neither ``held`` nor ``committed`` changes: only finished reservations go."""
        horizon = now - retention
        doomed = [
            k
            for k, r in self._reservations.items()
            if r.state is not ReservationState.HELD and (r.finished_at or r.reserved_at) <= horizon
        ]
        for k in doomed:
            del self._reservations[k]
        return len(doomed)

    def forget_shop(self, shop_id: ShopId) -> None:
        """A deleted shop leaves no reservations or links behind (needs the whole pool loaded)."""
        if not self.complete:
            raise PreconditionFailed(f"inventoryPools/{self._id}", "load every reservation to forget a shop")
        with self._tracking_availability():
            self._reservations = {k: r for k, r in self._reservations.items() if k.shop_id != shop_id}
            self._linked = {k: s for k, s in self._linked.items() if s.shop_id != shop_id}

    # --- linked SKUs ------------------------------------------------------------------------

    def link_sku(
        self,
        sku_id: ChannelSkuId,
        shop_id: ShopId,
        cap: int | None = None,
        *,
        product_id: ChannelProductId | None = None,
    ) -> None:
        if cap is not None:
            _check_quantity("cap", cap, 0)
        link = LinkedSku(sku_id, shop_id, cap, product_id)
        if self._linked.get(sku_id) != link:
            self._linked[sku_id] = link
            self._record_links_changed()

    def set_cap(self, sku_id: ChannelSkuId, cap: int | None) -> None:
        if cap is not None:
            _check_quantity("cap", cap, 0)
        link = self._linked.get(sku_id)
        if link is None:
            raise ChannelSkuNotFound(sku_id)
        if link.cap != cap:
            self._linked[sku_id] = replace(link, cap=cap)
            self._record_links_changed()

    def unlink_sku(self, sku_id: ChannelSkuId) -> None:
        if self._linked.pop(sku_id, None) is not None:
            self._record_links_changed()

    # --- events -----------------------------------------------------------------------------

    def _record_links_changed(self) -> None:
        self._record(PoolLinksChanged(self._id, self._app_id, self._variant_id))

    @contextmanager
    def _tracking_availability(self) -> Iterator[None]:
        """Records ``PoolAvailabilityChanged`` when a change moves ``available`` or ``oversold``."""
        before = (self.available, self.oversold)
        yield
        if (self.available, self.oversold) != before:
            self._record(
                PoolAvailabilityChanged(
                    self._id, self._app_id, self._variant_id, self.available, self.oversold
                )
            )

    def __repr__(self) -> str:
        return (
            f"InventoryPool(id={self._id!r}, variant_id={self._variant_id!r}, on_hand={self._on_hand}, "
            f"held={self.held}, available={self.available}, oversold={self.oversold})"
        )

"""InventoryPool against a ledger model: conservation, idempotency, oversold, push caps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.errors import (
    InvalidQuantity,
    ReservationAlreadyCommitted,
    ReservationAlreadyReleased,
    ReservationConflict,
    ReservationNotFound,
)
from domain.events import PoolAvailabilityChanged
from domain.ids import AppId, ChannelSkuId, OrderId, PoolId, ShopId, ShoplineVariantId
from domain.inventory_pool import (
    FINISHED_RETENTION,
    InventoryPool,
    OnHandObservation,
    ReservationKey,
    ReservationState,
)
from tests.unit.builders import T0

KEYS = [ReservationKey(ShopId("shop"), OrderId(f"o{i}"), ChannelSkuId(f"s{i % 2}")) for i in range(6)]
SKUS = [ChannelSkuId(f"tt-{i}") for i in range(3)]
ALLOWED = {
    ReservationState.HELD: {ReservationState.HELD, ReservationState.COMMITTED, ReservationState.RELEASED},
    ReservationState.COMMITTED: {ReservationState.COMMITTED},
    ReservationState.RELEASED: {ReservationState.RELEASED},
}


@dataclass
class ModelReservation:
    quantity: int
    state: ReservationState
    finished_at: datetime | None = None


class InventoryPoolMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.pool = InventoryPool.open(PoolId("p"), AppId("a"), ShoplineVariantId("v"))
        self.on_hand = 0
        self.version: int | None = None
        self.safety = 0
        self.reservations: dict[ReservationKey, ModelReservation] = {}
        self.caps: dict[ChannelSkuId, int | None] = {}
        self.previous_states: dict[ReservationKey, ReservationState] = {}
        self.last_seen = (0, 0)
        self.now = T0
        self.committed = 0

    # --- model ------------------------------------------------------------------------------

    def _observe(self, quantity: int, version: int) -> bool:
        if self.version is not None and version <= self.version:
            return False
        self.on_hand, self.version = quantity, version
        return True

    def _held(self) -> int:
        return sum(r.quantity for r in self.reservations.values() if r.state is ReservationState.HELD)

    def _available(self) -> int:
        return max(0, self.on_hand - self._held() - self.safety)

    # --- stock ------------------------------------------------------------------------------

    @rule(quantity=st.integers(-3, 40), version=st.integers(0, 12))
    def observe(self, quantity: int, version: int) -> None:
        applied = self.pool.observe_on_hand(OnHandObservation(quantity, T0 + timedelta(hours=version)))
        assert applied == self._observe(quantity, version)

    @rule(quantity=st.integers(0, 8))
    def set_safety_stock(self, quantity: int) -> None:
        self.pool.set_safety_stock(quantity)
        self.safety = quantity

    @rule(quantity=st.integers(-5, -1))
    def negative_safety_stock_is_rejected(self, quantity: int) -> None:
        with pytest.raises(InvalidQuantity):
            self.pool.set_safety_stock(quantity)

    # --- reservations -----------------------------------------------------------------------

    @rule(key=st.sampled_from(KEYS), quantity=st.integers(1, 12))
    def reserve(self, key: ReservationKey, quantity: int) -> None:
        existing = self.reservations.get(key)
        if existing is not None and existing.quantity != quantity:
            with pytest.raises(ReservationConflict):
                self.pool.reserve(key, quantity, T0)
            return
        result = self.pool.reserve(key, quantity, T0)
        if existing is None:
            self.reservations[key] = ModelReservation(quantity, ReservationState.HELD)
        assert (result.quantity, result.state) == (quantity, self.reservations[key].state)

    @rule(key=st.sampled_from(KEYS), quantity=st.integers(-3, 0))
    def reserve_without_quantity_is_rejected(self, key: ReservationKey, quantity: int) -> None:
        with pytest.raises(InvalidQuantity):
            self.pool.reserve(key, quantity, T0)

    @rule(key=st.sampled_from(KEYS))
    def release(self, key: ReservationKey) -> None:
        existing = self.reservations.get(key)
        if existing is None:
            with pytest.raises(ReservationNotFound):
                self.pool.release(key, self.now)
        elif existing.state is ReservationState.COMMITTED:
            with pytest.raises(ReservationAlreadyCommitted):
                self.pool.release(key, self.now)
        else:
            self.pool.release(key, self.now)
            if existing.state is ReservationState.HELD:
                existing.state, existing.finished_at = ReservationState.RELEASED, self.now

    @precondition(lambda self: any(r.state is ReservationState.HELD for r in self.reservations.values()))
    @rule(data=st.data(), step=st.integers(1, 3))
    def commit_with_shoplines_decrement(self, data: st.DataObject, step: int) -> None:
        """The import took the units off SHOPLINE: the new observation carries the decrement."""
        held = sorted(k for k, r in self.reservations.items() if r.state is ReservationState.HELD)
        key = data.draw(st.sampled_from(held))
        before = self.on_hand - self._held()
        version = (self.version if self.version is not None else 0) + step
        quantity = self.on_hand - self.reservations[key].quantity
        self.pool.commit(key, OnHandObservation(quantity, T0 + timedelta(hours=version)), self.now)
        self._finish_commit(self.reservations[key])
        self._observe(quantity, version)
        # Counted once: on-hand minus held is unchanged by the commit.
        assert self.pool.on_hand - self.pool.held == before

    @rule(key=st.sampled_from(KEYS), quantity=st.integers(0, 40), version=st.integers(0, 12))
    def commit(self, key: ReservationKey, quantity: int, version: int) -> None:
        existing = self.reservations.get(key)
        observation = OnHandObservation(quantity, T0 + timedelta(hours=version))
        if existing is None:
            with pytest.raises(ReservationNotFound):
                self.pool.commit(key, observation)
        elif existing.state is ReservationState.RELEASED:
            with pytest.raises(ReservationAlreadyReleased):
                self.pool.commit(key, observation)
        else:
            was_held = existing.state is ReservationState.HELD
            same_version = self.version == version
            self.pool.commit(key, observation, self.now)
            self._finish_commit(existing)
            if not self._observe(quantity, version) and was_held and same_version:
                # As new as what is held: the import's decrement is estimated here.
                self.on_hand = max(0, self.on_hand - existing.quantity)

    def _finish_commit(self, reservation: ModelReservation) -> None:
        if reservation.state is ReservationState.HELD:
            reservation.state, reservation.finished_at = ReservationState.COMMITTED, self.now
            self.committed += reservation.quantity

    # --- time and pruning -------------------------------------------------------------------

    @rule(hours=st.integers(1, 48))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule()
    def prune_finished(self) -> None:
        """Finished reservations older than the retention go; held ones and ``committed`` stay."""
        horizon = self.now - FINISHED_RETENTION
        doomed = [
            k for k, r in self.reservations.items() if r.finished_at is not None and r.finished_at <= horizon
        ]
        assert self.pool.prune_finished(self.now) == len(doomed)
        for k in doomed:
            del self.reservations[k]
            self.previous_states.pop(k, None)

    # --- linked SKUs ------------------------------------------------------------------------

    @rule(sku=st.sampled_from(SKUS), cap=st.none() | st.integers(0, 15))
    def link(self, sku: ChannelSkuId, cap: int | None) -> None:
        self.pool.link_sku(sku, ShopId("shop"), cap)
        self.caps[sku] = cap

    @rule(sku=st.sampled_from(SKUS), cap=st.integers(-5, -1))
    def negative_cap_is_rejected(self, sku: ChannelSkuId, cap: int) -> None:
        with pytest.raises(InvalidQuantity):
            self.pool.link_sku(sku, ShopId("shop"), cap)

    @rule(sku=st.sampled_from(SKUS))
    def unlink(self, sku: ChannelSkuId) -> None:
        self.pool.unlink_sku(sku)
        self.caps.pop(sku, None)

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def held_is_the_sum_of_held_reservations(self) -> None:
        assert self.pool.held == self._held()
        assert self.pool.on_hand == self.on_hand

    @invariant()
    def committed_counts_every_unit_ever_committed(self) -> None:
        assert self.pool.committed == self.committed

    @invariant()
    def available_follows_the_formula_and_is_never_negative(self) -> None:
        assert self.pool.available == self._available() >= 0

    @invariant()
    def oversold_is_what_was_held_beyond_sellable_stock(self) -> None:
        sellable = max(0, self.on_hand - self.safety)
        assert self.pool.oversold == max(0, self._held() - sellable)
        assert self.pool.available - self.pool.oversold == sellable - self._held()

    @invariant()
    def reservations_match_and_move_only_forward(self) -> None:
        actual = self.pool.reservations
        assert {k: (r.quantity, r.state) for k, r in actual.items()} == {
            k: (r.quantity, r.state) for k, r in self.reservations.items()
        }
        for key, reservation in actual.items():
            previous = self.previous_states.get(key, ReservationState.HELD)
            assert reservation.state in ALLOWED[previous]
            self.previous_states[key] = reservation.state

    @invariant()
    def pushed_quantities_never_exceed_available(self) -> None:
        pushed = self.pool.quantities_to_push()
        available = self._available()
        if self.pool.on_hand_version is None:
            assert pushed == {}  # stock unknown: nothing is pushed, not even 0
            return
        assert set(pushed) == set(self.caps)
        for sku, quantity in pushed.items():
            cap = self.caps[sku]
            assert quantity == (available if cap is None else min(cap, available))
            assert 0 <= quantity <= available

    @invariant()
    def every_availability_change_is_announced(self) -> None:
        events = [e for e in self.pool.pull_events() if isinstance(e, PoolAvailabilityChanged)]
        now = (self.pool.available, self.pool.oversold)
        if now != self.last_seen:
            assert events, "availability changed without an event"
        if events:
            assert (events[-1].available, events[-1].oversold) == now
        self.last_seen = now


InventoryPoolMachine.TestCase.settings = settings(
    max_examples=200, stateful_step_count=30, deadline=None, database=None
)
TestInventoryPool = InventoryPoolMachine.TestCase

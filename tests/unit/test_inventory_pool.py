"""InventoryPool rules: versioned on-hand, idempotent reservations, oversold, caps."""

from __future__ import annotations

import pytest

from domain.errors import (
    InvalidQuantity,
    PreconditionFailed,
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
from tests.unit.builders import T0, at


def key(order: str = "o1", sku: str = "s1", shop: str = "shop-1") -> ReservationKey:
    return ReservationKey(ShopId(shop), OrderId(order), ChannelSkuId(sku))


def pool(on_hand: int = 10, safety: int = 0) -> InventoryPool:
    p = InventoryPool.open(PoolId("pool-1"), AppId("app"), ShoplineVariantId("v1"), safety_stock=safety)
    p.observe_on_hand(OnHandObservation(on_hand, T0))
    p.pull_events()
    return p


def test_available_subtracts_held_and_safety_stock() -> None:
    p = pool(on_hand=10, safety=2)
    p.reserve(key("o1"), 3, T0)
    assert (p.held, p.available, p.oversold) == (3, 5, 0)


def test_an_older_or_equal_observation_is_ignored() -> None:
    p = pool(on_hand=10)
    assert not p.observe_on_hand(OnHandObservation(99, T0))
    assert not p.observe_on_hand(OnHandObservation(99, at(hours=-1)))
    assert p.on_hand == 10
    assert p.observe_on_hand(OnHandObservation(7, at(hours=1)))
    assert (p.on_hand, p.on_hand_version) == (7, at(hours=1))


def test_reserve_is_idempotent_for_the_same_key_and_quantity() -> None:
    p = pool()
    first = p.reserve(key(), 2, T0)
    again = p.reserve(key(), 2, at(hours=1))
    assert again == first
    assert p.held == 2


def test_reserving_an_existing_key_with_another_quantity_conflicts() -> None:
    p = pool()
    p.reserve(key(), 2, T0)
    with pytest.raises(ReservationConflict) as raised:
        p.reserve(key(), 3, T0)
    assert raised.value.metadata()["held_quantity"] == "2"
    assert p.held == 2


@pytest.mark.parametrize("quantity", [0, -1])
def test_a_reservation_needs_a_positive_quantity(quantity: int) -> None:
    with pytest.raises(InvalidQuantity):
        pool().reserve(key(), quantity, T0)


def test_release_returns_the_stock_and_is_idempotent() -> None:
    p = pool()
    p.reserve(key(), 4, T0)
    p.release(key())
    p.release(key())
    assert (p.held, p.available) == (0, 10)
    assert p.reservation(key()).state is ReservationState.RELEASED


def test_replaying_a_reserve_after_release_does_not_hold_again() -> None:
    p = pool()
    p.reserve(key(), 4, T0)
    p.release(key())
    p.reserve(key(), 4, T0)
    assert p.held == 0


def test_unknown_reservations_cannot_be_released_or_committed() -> None:
    with pytest.raises(ReservationNotFound):
        pool().release(key())
    with pytest.raises(ReservationNotFound):
        pool().commit(key(), OnHandObservation(5, at(hours=1)))


def test_a_committed_reservation_cannot_be_released() -> None:
    p = pool()
    p.reserve(key(), 2, T0)
    p.commit(key(), OnHandObservation(8, at(hours=1)))
    with pytest.raises(ReservationAlreadyCommitted):
        p.release(key())


def test_a_released_reservation_cannot_be_committed() -> None:
    p = pool()
    p.reserve(key(), 2, T0)
    p.release(key())
    with pytest.raises(ReservationAlreadyReleased):
        p.commit(key(), OnHandObservation(8, at(hours=1)))


def test_commit_with_shoplines_decrement_counts_the_units_exactly_once() -> None:
    p = pool(on_hand=10)
    p.reserve(key(), 3, T0)
    assert p.available == 7
    p.commit(key(), OnHandObservation(7, at(hours=1)))  # SHOPLINE took the 3 units off
    assert (p.on_hand, p.held, p.available) == (7, 0, 7)
    p.commit(key(), OnHandObservation(7, at(hours=1)))  # replay
    assert (p.on_hand, p.held, p.available) == (7, 0, 7)


def test_commit_ignores_an_observation_older_than_the_one_held() -> None:
    p = pool(on_hand=10)
    p.reserve(key(), 3, T0)
    p.observe_on_hand(OnHandObservation(7, at(hours=2)))  # a webhook already carried the decrement
    p.commit(key(), OnHandObservation(7, at(hours=1)))
    assert (p.on_hand, p.available) == (7, 7)


def test_commit_with_an_observation_as_new_as_the_one_held_estimates_the_decrement() -> None:
    """SHOPLINE versions levels by the second: a read in the same second as the one held may not
    carry the import's decrement yet, so the units are taken off here rather than offered again."""
    p = pool(on_hand=10)
    p.reserve(key(), 3, T0)
    p.observe_on_hand(OnHandObservation(10, at(hours=1)))
    p.commit(key(), OnHandObservation(10, at(hours=1)))
    assert (p.on_hand, p.held, p.available) == (7, 0, 7)
    p.observe_on_hand(OnHandObservation(7, at(hours=2)))  # the next read replaces the estimate
    assert (p.on_hand, p.available) == (7, 7)


def test_a_reservation_beyond_availability_is_recorded_as_oversold() -> None:
    p = pool(on_hand=3, safety=1)
    p.reserve(key("o1"), 2, T0)
    p.reserve(key("o2"), 3, T0)
    assert p.held == 5
    assert p.available == 0
    assert p.oversold == 3
    p.observe_on_hand(OnHandObservation(20, at(hours=1)))
    assert (p.available, p.oversold) == (14, 0)


def test_negative_on_hand_never_shows_as_negative_stock() -> None:
    p = pool(on_hand=10)
    p.observe_on_hand(OnHandObservation(-4, at(hours=1)))
    assert p.available == 0


def test_quantities_to_push_respect_caps_and_availability() -> None:
    p = pool(on_hand=10, safety=2)
    p.link_sku(ChannelSkuId("a"), ShopId("shop-1"))
    p.link_sku(ChannelSkuId("b"), ShopId("shop-1"), cap=3)
    p.link_sku(ChannelSkuId("c"), ShopId("shop-2"), cap=50)
    assert p.quantities_to_push() == {"a": 8, "b": 3, "c": 8}
    p.reserve(key(), 7, T0)
    assert p.quantities_to_push() == {"a": 1, "b": 1, "c": 1}


def test_a_cap_must_not_be_negative() -> None:
    with pytest.raises(InvalidQuantity):
        pool().link_sku(ChannelSkuId("a"), ShopId("s"), cap=-1)


def test_availability_changes_are_announced() -> None:
    p = pool(on_hand=10)
    p.reserve(key(), 4, T0)
    p.reserve(key(), 4, T0)
    assert p.pull_events() == [
        PoolAvailabilityChanged(PoolId("pool-1"), AppId("app"), ShoplineVariantId("v1"), 6, 0)
    ]


def test_forgetting_a_shop_drops_its_reservations_and_links() -> None:
    p = pool(on_hand=10)
    p.reserve(key("o1", shop="shop-1"), 4, T0)
    p.reserve(key("o2", shop="shop-2"), 1, T0)
    p.link_sku(ChannelSkuId("a"), ShopId("shop-1"))
    p.forget_shop(ShopId("shop-1"))
    assert p.held == 1
    assert p.linked_skus == {}


def test_a_partly_loaded_pool_counts_the_holds_it_left_out_and_cannot_forget_a_shop() -> None:
    p = InventoryPool(
        pool_id=PoolId("pool-1"),
        app_id=AppId("app"),
        variant_id=ShoplineVariantId("v1"),
        on_hand=10,
        on_hand_version=T0,
        held_elsewhere=6,
    )
    p.reserve(key("o9"), 5, T0)
    assert (p.held, p.available, p.oversold, p.complete) == (11, 0, 1, False)
    with pytest.raises(PreconditionFailed):
        p.forget_shop(ShopId("shop-1"))


def test_finished_reservations_go_after_the_retention_and_committed_stays_counted() -> None:
    p = pool(on_hand=10)
    p.reserve(key("o1"), 2, T0)
    p.reserve(key("o2"), 3, T0)
    p.reserve(key("o3"), 1, T0)
    p.commit(key("o1"), OnHandObservation(8, at(hours=1)), at(hours=1))
    p.release(key("o2"), at(hours=2))
    assert p.prune_finished(at(hours=1) + FINISHED_RETENTION) == 1
    assert sorted(k.order_id for k in p.reservations) == ["o2", "o3"]
    assert (p.committed, p.held, p.on_hand) == (2, 1, 8)
    assert p.prune_finished(at(days=30)) == 1
    assert list(p.reservations) == [key("o3")]

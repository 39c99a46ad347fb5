"""The order's fulfillment state against a model: shipments move through their states (and refuse
the moves their state does not allow), TikTok ships lines and changes the order's status, and the
derived state always says what the model says."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.errors import ShipmentStateInvalid, ShippingInfoUpdateRefused
from domain.fulfillment import (
    FulfillmentState,
    SellerShipment,
    ShipmentKey,
    ShipmentSource,
    ShipmentState,
    order_fulfillment,
)
from domain.ids import AppId, OrderId, ShopId
from domain.logistics import LineShipment
from domain.order import OrderStatus
from tests.unit.builders import T0

LINES = ("li-1", "li-2", "li-3", "li-4")
STATUSES = [
    OrderStatus.AWAITING_SHIPMENT,
    OrderStatus.PARTIALLY_SHIPPING,
    OrderStatus.AWAITING_COLLECTION,
    OrderStatus.IN_TRANSIT,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
    OrderStatus.CANCELLED,
]
SEND_LEASE_MINUTES = 2


@dataclass
class ModelShipment:
    lines: frozenset[str]
    carrier: str
    state: str = "PENDING"
    reason: str = ""
    attempts: int = 0
    lease_until: int = 0
    next_attempt: int = 0
    changed_at: int = 0
    tracking_changes: int = 0
    confirmed_at: int = 0
    order: int = 0


@dataclass
class Model:
    now: int = 0
    status: OrderStatus = OrderStatus.AWAITING_SHIPMENT
    tiktok_shipped: set[str] = field(default_factory=set)
    shipments: list[ModelShipment] = field(default_factory=list)
    serial: int = 0

    def due(self, s: ModelShipment) -> bool:
        if s.state == "PENDING":
            return s.next_attempt <= self.now
        if s.state == "SENT":
            return s.lease_until <= self.now
        return False

    def expected(self) -> tuple[FulfillmentState, str]:
        shipped = set(self.tiktok_shipped) | {
            line for s in self.shipments if s.state == "CONFIRMED" for line in s.lines
        }
        if self.status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED):
            return FulfillmentState.DELIVERED, ""
        stuck = [s for s in self.shipments if s.state in ("BLOCKED", "FAILED") and not s.lines <= shipped]
        if stuck and self.status is not OrderStatus.CANCELLED:
            latest = max(stuck, key=lambda s: (s.changed_at, s.order))
            return FulfillmentState.FULFILLMENT_BLOCKED, latest.carrier if latest.state == "BLOCKED" else ""
        if self.status in (OrderStatus.AWAITING_COLLECTION, OrderStatus.IN_TRANSIT) or shipped == set(LINES):
            return FulfillmentState.SHIPPED, ""
        if shipped or self.status is OrderStatus.PARTIALLY_SHIPPING:
            return FulfillmentState.PARTIALLY_SHIPPED, ""
        return FulfillmentState.UNFULFILLED, ""


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


class FulfillmentMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.model = Model()
        self.shipments: list[SellerShipment] = []

    @property
    def now(self):  # type: ignore[no-untyped-def]
        return T0 + minutes(self.model.now)

    def _pick(self, index: int) -> tuple[SellerShipment, ModelShipment] | None:
        if not self.shipments:
            return None
        i = index % len(self.shipments)
        return self.shipments[i], self.model.shipments[i]

    def _expect_refusal(self, allowed: bool, action) -> bool:  # type: ignore[no-untyped-def]
        if allowed:
            action()
            return True
        with pytest.raises(ShipmentStateInvalid):
            action()
        return False

    @rule(step=st.integers(0, 5))
    def time_passes(self, step: int) -> None:
        self.model.now += step

    @rule(lines=st.sets(st.sampled_from(LINES), min_size=1), carrier=st.sampled_from(["Royal Mail", "Yodel"]))
    def record(self, lines: set[str], carrier: str) -> None:
        self.model.serial += 1
        key = ShipmentKey.of(ShopId("s"), OrderId("o"), lines, f"T{self.model.serial}")
        shipment = SellerShipment.record(
            f"sh-{self.model.serial:03d}", AppId("a"), key, carrier, ShipmentSource.OPERATOR, self.now
        )
        self.shipments.append(shipment)
        self.model.shipments.append(
            ModelShipment(frozenset(lines), carrier, changed_at=self.model.now, order=self.model.serial)
        )

    @rule(index=st.integers(0, 20))
    def claim(self, index: int) -> None:
        picked = self._pick(index)
        if picked is None:
            return
        shipment, model = picked
        if self._expect_refusal(
            self.model.due(model), lambda: shipment.claim(self.now, minutes(SEND_LEASE_MINUTES))
        ):
            model.state, model.attempts = "SENT", model.attempts + 1
            model.lease_until = self.model.now + SEND_LEASE_MINUTES
            model.changed_at = self.model.now

    @rule(index=st.integers(0, 20), outcome=st.sampled_from(["confirm", "block", "fail", "retry"]))
    def finish(self, index: int, outcome: str) -> None:
        picked = self._pick(index)
        if picked is None:
            return
        shipment, model = picked
        actions = {
            "confirm": lambda: shipment.confirm(["pkg"], self.now),
            "block": lambda: shipment.block(f"carrier {model.carrier!r} unmapped", self.now),
            "fail": lambda: shipment.fail("21011022", "invalid provider", self.now),
            "retry": lambda: shipment.retry_later(self.now),
        }
        if self._expect_refusal(model.state == "SENT", actions[outcome]):
            model.state = {"confirm": "CONFIRMED", "block": "BLOCKED", "fail": "FAILED", "retry": "PENDING"}[
                outcome
            ]
            model.changed_at = self.model.now
            if outcome == "retry":
                model.next_attempt = self.model.now + 1  # the first back-off is seconds: due next minute
            if outcome == "confirm":
                model.confirmed_at = self.model.now

    @rule(index=st.integers(0, 20))
    def mapping_added(self, index: int) -> None:
        picked = self._pick(index)
        if picked is None:
            return
        shipment, model = picked
        if self._expect_refusal(model.state == "BLOCKED", lambda: shipment.unblock(self.now)):
            model.state, model.next_attempt, model.changed_at = "PENDING", 0, self.model.now

    @rule(index=st.integers(0, 20))
    def tracking_changed_before_tiktok_took_it(self, index: int) -> None:
        picked = self._pick(index)
        if picked is None:
            return
        shipment, model = picked
        if self._expect_refusal(
            model.state in ("PENDING", "BLOCKED", "FAILED"), lambda: shipment.supersede(self.now)
        ):
            model.state, model.changed_at = "REPLACED", self.model.now

    @rule(index=st.integers(0, 20), tracking=st.sampled_from(["N1", "N2"]))
    def tracking_changed_in_shopline(self, index: int, tracking: str) -> None:
        picked = self._pick(index)
        if picked is None:
            return
        shipment, model = picked
        if model.state != "CONFIRMED":
            with pytest.raises(ShipmentStateInvalid):
                shipment.request_tracking_change(tracking, model.carrier, self.now)
            return
        if shipment.tracking_number == tracking:
            assert not shipment.request_tracking_change(tracking, model.carrier, self.now)
            return
        if model.tracking_changes >= 1 or self.model.now - model.confirmed_at > 72 * 60:
            with pytest.raises(ShippingInfoUpdateRefused):
                shipment.request_tracking_change(tracking, model.carrier, self.now)
            return
        assert shipment.request_tracking_change(tracking, model.carrier, self.now)
        shipment.tracking_changed(self.now)
        model.tracking_changes += 1
        assert shipment.tracking_number == tracking

    @rule(lines=st.sets(st.sampled_from(LINES), min_size=1))
    def tiktok_ships(self, lines: set[str]) -> None:
        self.model.tiktok_shipped |= lines

    @rule(status=st.sampled_from(STATUSES))
    def status_changes(self, status: OrderStatus) -> None:
        self.model.status = status

    @precondition(lambda self: bool(self.shipments))
    @invariant()
    def shipments_match_the_model(self) -> None:
        for shipment, model in zip(self.shipments, self.model.shipments, strict=True):
            assert shipment.state is ShipmentState(model.state)
            assert shipment.attempts == model.attempts
            assert shipment.due(self.now) == self.model.due(model)
            if model.state == "CONFIRMED":
                assert shipment.confirmed_at is not None and shipment.package_ids == ("pkg",)
            if model.state == "BLOCKED":
                assert model.carrier in shipment.blocked_reason

    @invariant()
    def the_derived_state_is_the_models(self) -> None:
        line_shipments = [
            LineShipment(line, f"pkg-{line}", "PROCESSING", f"TT{line}")
            if line in self.model.tiktok_shipped
            else LineShipment(line)
            for line in LINES
        ]
        got = order_fulfillment(self.model.status, LINES, line_shipments, self.shipments)
        state, carrier = self.model.expected()
        assert got.state is state
        assert got.carrier_to_map == carrier
        assert got.shipped_line_item_ids <= frozenset(LINES)
        if got.state is FulfillmentState.FULFILLMENT_BLOCKED:
            assert got.blocked_reason


TestFulfillmentStates = FulfillmentMachine.TestCase
TestFulfillmentStates.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)

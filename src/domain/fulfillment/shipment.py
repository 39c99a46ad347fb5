"""A seller shipment: the tracking number of some TikTok line items, on its way to TikTok.

One record per (order, line items, tracking number), so a redelivered webhook, a poll seeing the
same fulfillment or an operator's retry finds the record instead of shipping twice. The record is
written before TikTok is called (``PENDING``), marked ``SENT`` while the call may be in flight,
and only then ``CONFIRMED`` (TikTok accepted, or a read-back found the lines shipped with this
tracking number), ``BLOCKED`` (no TikTok shipping provider for the carrier: nothing was sent) or
``FAILED`` (TikTok refused; its code and message are kept). A ``SENT`` record whose answer was
lost goes back to ``PENDING``; the next attempt reads the order back before calling again. A
tracking number changed before TikTok took the first one ``REPLACED`` the record by a new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from domain.errors import ShipmentStateInvalid, ShippingInfoUpdateRefused
from domain.events import DomainEvent, RecordsEvents
from domain.ids import AppId, OrderId, ShopId

SEND_LEASE = timedelta(minutes=2)
"""How long a sender holds a shipment whose call is in flight (longer than any call)."""
FIRST_RETRY_DELAY = timedelta(seconds=5)
MAX_RETRY_DELAY = timedelta(minutes=30)
TRACKING_UPDATE_WINDOW = timedelta(hours=72)
"""TikTok takes a changed tracking number within 72 hours of shipping, once."""


class ShipmentState(Enum):
    PENDING = "PENDING"
    SENT = "SENT"
    CONFIRMED = "CONFIRMED"
    BLOCKED = "BLOCKED"
    FAILED = "FAILED"
    REPLACED = "REPLACED"
    """Its tracking number changed in SHOPLINE before TikTok took it: a new shipment stands for it."""


class ShipmentSource(Enum):
    SHOPLINE_FULFILLMENT = "SHOPLINE_FULFILLMENT"
    OPERATOR = "OPERATOR"


class TrackingUpdateState(Enum):
    NONE = "NONE"
    PENDING = "PENDING"
    DONE = "DONE"
    REFUSED = "REFUSED"


@dataclass(frozen=True)
class ShipmentKey:
    """The idempotency key: the same lines with the same tracking number are one shipment."""

    shop_id: ShopId
    order_id: OrderId
    line_item_ids: tuple[str, ...]
    tracking_number: str

    @classmethod
    def of(cls, shop_id: ShopId, order_id: OrderId, lines: Iterable[str], tracking: str) -> ShipmentKey:
        return cls(shop_id, order_id, tuple(sorted(set(lines))), tracking.strip())

    @property
    def lines_digest(self) -> str:
        """A fixed-size stand-in for the line ids in a unique index."""
        return hashlib.sha256(",".join(self.line_item_ids).encode()).hexdigest()[:40]


@dataclass(frozen=True)
class TrackingChange:
    """A changed tracking number asked for after the shipment was confirmed."""

    tracking_number: str
    carrier_name: str
    state: TrackingUpdateState = TrackingUpdateState.PENDING
    refusal_code: str = ""
    refusal_message: str = ""


@dataclass(frozen=True)
class ShipmentsDue(DomainEvent):
    """Shipments became due for sending (new, retried or unblocked)."""

    shop_id: ShopId
    occurred_at: datetime


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY_DELAY * (1 << min(max(attempts - 1, 0), 16)), MAX_RETRY_DELAY)


class SellerShipment(RecordsEvents):
    def __init__(
        self,
        *,
        shipment_id: str,
        app_id: AppId,
        key: ShipmentKey,
        carrier_name: str,
        source: ShipmentSource,
        created_at: datetime,
        shopline_fulfillment_id: str = "",
        provider_id: str = "",
        provider_name: str = "",
        explicit_provider: bool = False,
        state: ShipmentState = ShipmentState.PENDING,
        package_ids: tuple[str, ...] = (),
        blocked_reason: str = "",
        failure_code: str = "",
        failure_message: str = "",
        attempts: int = 0,
        next_attempt_at: datetime | None = None,
        lease_until: datetime | None = None,
        confirmed_at: datetime | None = None,
        updated_at: datetime | None = None,
        tracking_change: TrackingChange | None = None,
        changed_tracking: str = "",
        version: int = 0,
    ) -> None:
        self.shipment_id = shipment_id
        self.app_id = app_id
        self.key = key
        self.carrier_name = carrier_name
        self.source = source
        self.created_at = created_at
        self.shopline_fulfillment_id = shopline_fulfillment_id
        self.provider_id = provider_id
        self.provider_name = provider_name
        self.explicit_provider = explicit_provider
        """The operator named TikTok's provider id: no carrier mapping is needed."""
        self.state = state
        self.package_ids = package_ids
        self.blocked_reason = blocked_reason
        self.failure_code = failure_code
        self.failure_message = failure_message
        self.attempts = attempts
        self.next_attempt_at = next_attempt_at
        self.lease_until = lease_until
        self.confirmed_at = confirmed_at
        self.updated_at = updated_at or created_at
        self.tracking_change = tracking_change
        self.changed_tracking = changed_tracking
        """The tracking number TikTok took in place of the first one (its one change)."""
        self.version = version
        self._events = []

    @classmethod
    def record(
        cls,
        shipment_id: str,
        app_id: AppId,
        key: ShipmentKey,
        carrier_name: str,
        source: ShipmentSource,
        now: datetime,
        *,
        shopline_fulfillment_id: str = "",
        provider_id: str = "",
    ) -> SellerShipment:
        if not key.line_item_ids:
            raise ShipmentStateInvalid(f"orders/{key.order_id}", "a shipment needs at least one line item")
        if not key.tracking_number:
            raise ShipmentStateInvalid(f"orders/{key.order_id}", "a shipment needs a tracking number")
        shipment = cls(
            shipment_id=shipment_id,
            app_id=app_id,
            key=key,
            carrier_name=carrier_name.strip(),
            source=source,
            created_at=now,
            shopline_fulfillment_id=shopline_fulfillment_id,
            provider_id=provider_id,
            explicit_provider=bool(provider_id),
        )
        shipment._record(ShipmentsDue(key.shop_id, now))
        return shipment

    # --- reading ----------------------------------------------------------------------------

    @property
    def shop_id(self) -> ShopId:
        return self.key.shop_id

    @property
    def order_id(self) -> OrderId:
        return self.key.order_id

    @property
    def line_item_ids(self) -> tuple[str, ...]:
        return self.key.line_item_ids

    @property
    def tracking_number(self) -> str:
        """The tracking number TikTok has (or is to get): a confirmed change replaces the first."""
        return self.changed_tracking or self.key.tracking_number

    def due(self, now: datetime) -> bool:
        """Ready for a send attempt: pending and past its back-off, or sent with the lease gone
        (the sender stopped mid-call)."""
        if self.state is ShipmentState.PENDING:
            return self.next_attempt_at is None or self.next_attempt_at <= now
        if self.state is ShipmentState.SENT:
            return self.lease_until is None or self.lease_until <= now
        return self.tracking_change_due(now)

    def tracking_change_due(self, now: datetime) -> bool:
        """A confirmed shipment's tracking change waits to be sent (past its back-off)."""
        change = self.tracking_change
        if self.state is not ShipmentState.CONFIRMED or change is None:
            return False
        if change.state is not TrackingUpdateState.PENDING:
            return False
        return self.next_attempt_at is None or self.next_attempt_at <= now

    @property
    def may_have_reached_tiktok(self) -> bool:
        """An earlier attempt may have shipped without us hearing the answer: read back first."""
        return self.attempts > 0

    # --- sending ----------------------------------------------------------------------------

    def claim(self, now: datetime, lease: timedelta = SEND_LEASE) -> None:
        """The sender takes the shipment; the call may be in flight until the lease ends."""
        if not self.due(now):
            self._refuse(f"cannot be sent now (it is {self.state.value})")
        self.state = ShipmentState.SENT
        self.attempts += 1
        self.lease_until = now + lease
        self.updated_at = now

    def resolved(self, provider_id: str, provider_name: str) -> None:
        """The TikTok shipping provider the carrier was mapped to (or the operator named)."""
        self._require(ShipmentState.SENT)
        self.provider_id = provider_id
        self.provider_name = provider_name

    def confirm(self, package_ids: Iterable[str], now: datetime) -> None:
        self._require(ShipmentState.SENT)
        self.state = ShipmentState.CONFIRMED
        self.package_ids = tuple(dict.fromkeys(package_ids))
        self.blocked_reason = self.failure_code = self.failure_message = ""
        self.lease_until = self.next_attempt_at = None
        self.confirmed_at = self.updated_at = now

    def block(self, reason: str, now: datetime) -> None:
        """No provider for the carrier: nothing was sent; a new mapping unblocks it."""
        self._require(ShipmentState.SENT)
        self.state = ShipmentState.BLOCKED
        self.blocked_reason = reason
        self.lease_until = None
        self.updated_at = now

    def fail(self, code: str, message: str, now: datetime) -> None:
        """TikTok refused the call; trying the same again will not help."""
        self._require(ShipmentState.SENT)
        self.state = ShipmentState.FAILED
        self.failure_code, self.failure_message = code, message
        self.lease_until = None
        self.updated_at = now

    def retry_later(self, now: datetime) -> None:
        """The partner did not answer (or not clearly): try again after a back-off."""
        self._require(ShipmentState.SENT)
        self.state = ShipmentState.PENDING
        self.lease_until = None
        self.next_attempt_at = now + retry_delay(self.attempts)
        self.updated_at = now

    def unblock(self, now: datetime) -> None:
        """A carrier mapping changed: resolve again and send."""
        if self.state is not ShipmentState.BLOCKED:
            self._refuse(f"is not blocked (it is {self.state.value})")
        self.state = ShipmentState.PENDING
        self.blocked_reason = ""
        self.next_attempt_at = None
        self.updated_at = now
        self._record(ShipmentsDue(self.shop_id, now))

    def retry_failed(self, now: datetime, provider_id: str = "", carrier_name: str = "") -> None:
        """An operator asks to send a refused shipment again, with the provider or the carrier
        (mapped again) given this time."""
        if self.state is not ShipmentState.FAILED:
            self._refuse(f"has not failed (it is {self.state.value})")
        self.state = ShipmentState.PENDING
        self.failure_code = self.failure_message = ""
        if provider_id:
            self.provider_id, self.provider_name, self.explicit_provider = provider_id, "", True
        elif carrier_name.strip():
            self.carrier_name = carrier_name.strip()
            self.provider_id, self.provider_name, self.explicit_provider = "", "", False
        self.next_attempt_at = None
        self.updated_at = now
        self._record(ShipmentsDue(self.shop_id, now))

    # --- changing the tracking number ---------------------------------------------------------

    def supersede(self, now: datetime) -> None:
        """SHOPLINE's tracking number changed before TikTok took this one (waiting, blocked or
        refused): the record steps aside for a new one with the new number."""
        if self.state not in (ShipmentState.PENDING, ShipmentState.BLOCKED, ShipmentState.FAILED):
            self._refuse(f"cannot be replaced now (it is {self.state.value})")
        self.state = ShipmentState.REPLACED
        self.next_attempt_at = None
        self.updated_at = now

    def request_tracking_change(self, tracking_number: str, carrier_name: str, now: datetime) -> bool:
        """False when TikTok already has this tracking number (nothing to do); raises when TikTok's
        limits forbid the change: once, within ``TRACKING_UPDATE_WINDOW`` of shipping."""
        tracking_number = tracking_number.strip()
        if self.state is not ShipmentState.CONFIRMED:
            self._refuse(f"is not shipped on TikTok yet (it is {self.state.value})")
        if tracking_number == self.tracking_number:
            return False
        change = self.tracking_change
        pending = change is not None and change.state is TrackingUpdateState.PENDING
        if pending and change is not None and change.tracking_number == tracking_number:
            return True
        if self.changed_tracking:
            raise ShippingInfoUpdateRefused(self._subject, "TikTok takes one tracking change per shipment")
        assert self.confirmed_at is not None
        if now - self.confirmed_at > TRACKING_UPDATE_WINDOW:
            raise ShippingInfoUpdateRefused(
                self._subject, "TikTok takes a tracking change only within 72 hours of shipping"
            )
        self.tracking_change = TrackingChange(tracking_number, carrier_name.strip())
        self.next_attempt_at = None
        self.updated_at = now
        return True

    def refuse_tracking_change(
        self, tracking_number: str, carrier_name: str, why: str, now: datetime
    ) -> None:
        """Keeps a change TikTok's limits forbid, refused, so the order shows why it was not sent."""
        self.tracking_change = TrackingChange(
            tracking_number.strip(), carrier_name.strip(), TrackingUpdateState.REFUSED, "", why
        )
        self.updated_at = now

    def tracking_change_later(self, now: datetime) -> None:
        """TikTok did not answer the change: send it again after a back-off."""
        self._pending_change()
        self.attempts += 1
        self.next_attempt_at = now + retry_delay(self.attempts)
        self.updated_at = now

    def tracking_changed(self, now: datetime) -> None:
        change = self._pending_change()
        self.tracking_change = replace(change, state=TrackingUpdateState.DONE)
        self.changed_tracking = change.tracking_number
        self.updated_at = now

    def tracking_change_refused(self, code: str, message: str, now: datetime) -> None:
        change = self._pending_change()
        self.tracking_change = replace(
            change, state=TrackingUpdateState.REFUSED, refusal_code=code, refusal_message=message
        )
        self.updated_at = now

    # --- rules ------------------------------------------------------------------------------

    @property
    def _subject(self) -> str:
        return f"orders/{self.order_id}/shipments/{self.shipment_id}"

    def _pending_change(self) -> TrackingChange:
        change = self.tracking_change
        if change is None or change.state is not TrackingUpdateState.PENDING:
            self._refuse("has no tracking change waiting")
        assert change is not None
        return change

    def _require(self, state: ShipmentState) -> None:
        if self.state is not state:
            self._refuse(f"is {self.state.value}, not {state.value}")

    def _refuse(self, why: str) -> None:
        raise ShipmentStateInvalid(self._subject, f"the shipment {why}")

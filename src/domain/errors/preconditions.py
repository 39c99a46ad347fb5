"""Preconditions: a state or business rule forbids the operation right now."""

from __future__ import annotations

from domain.errors.base import PreconditionFailed


class ShopLinkedToAnotherApp(PreconditionFailed):
    """Deliberately names neither the other app nor anything about it."""

    reason = "SHOP_LINKED_TO_ANOTHER_APP"

    def __init__(self, tiktok_shop_id: str) -> None:
        super().__init__(
            f"tiktokShops/{tiktok_shop_id}",
            "this TikTok shop is already linked to another app; remove it from that app first",
        )
        self.tiktok_shop_id = tiktok_shop_id


class ShopNotActive(PreconditionFailed):
    reason = "SHOP_NOT_ACTIVE"


class TokenRevoked(PreconditionFailed):
    reason = "TOKEN_REVOKED"


class ReservationConflict(PreconditionFailed):
    reason = "RESERVATION_CONFLICT"

    def __init__(self, key: str, held_quantity: int, requested_quantity: int) -> None:
        super().__init__(
            f"reservations/{key}",
            f"already reserved with quantity {held_quantity}, not {requested_quantity}",
        )
        self.held_quantity = held_quantity
        self.requested_quantity = requested_quantity

    def metadata(self) -> dict[str, str]:
        return {
            "subject": self.subject,
            "held_quantity": str(self.held_quantity),
            "requested_quantity": str(self.requested_quantity),
        }


class ReservationAlreadyCommitted(PreconditionFailed):
    """An imported order's stock comes back through SHOPLINE, never through a release."""

    reason = "RESERVATION_ALREADY_COMMITTED"


class ReservationAlreadyReleased(PreconditionFailed):
    reason = "RESERVATION_ALREADY_RELEASED"


class CurrencyMismatch(PreconditionFailed):
    reason = "CURRENCY_MISMATCH"


class PriceSyncDisabled(PreconditionFailed):
    reason = "PRICE_SYNC_DISABLED"

    def __init__(self, shop_name: str) -> None:
        super().__init__(shop_name, "the shop's price rule is disabled; enable it to push prices")


class StoreCurrencyUnknown(PreconditionFailed):
    reason = "STORE_CURRENCY_UNKNOWN"

    def __init__(self, app_name: str) -> None:
        super().__init__(app_name, "the SHOPLINE store currency could not be read yet; retry later")


class PriceCurrencyMismatch(PreconditionFailed):
    reason = "PRICE_CURRENCY_MISMATCH"

    def __init__(self, source_currency: str, target_currency: str) -> None:
        super().__init__(
            "price_rule",
            f"source price is in {source_currency} but the rule targets {target_currency} "
            "and no exchange rate is configured",
        )
        self.source_currency = source_currency
        self.target_currency = target_currency

    def metadata(self) -> dict[str, str]:
        return {
            "subject": self.subject,
            "source_currency": self.source_currency,
            "target_currency": self.target_currency,
        }


class PriceNotPositive(PreconditionFailed):
    reason = "PRICE_NOT_POSITIVE"


class PriceOutOfRange(PreconditionFailed):
    """A rule (one stored before rates and amounts were bounded) gives a price no currency holds."""

    reason = "PRICE_OUT_OF_RANGE"


class TaskNotRetryable(PreconditionFailed):
    reason = "TASK_NOT_RETRYABLE"


class TaskNotRunning(PreconditionFailed):
    reason = "TASK_NOT_RUNNING"


class TaskNotClaimable(PreconditionFailed):
    reason = "TASK_NOT_CLAIMABLE"


class OrderNotImportable(PreconditionFailed):
    reason = "ORDER_NOT_IMPORTABLE"

    def __init__(self, order_id: str, why: str, description: str) -> None:
        super().__init__(f"orders/{order_id}", description)
        self.why = why

    def metadata(self) -> dict[str, str]:
        return {"subject": self.subject, "why": self.why}


class OrderNotCancellable(PreconditionFailed):
    reason = "ORDER_NOT_CANCELLABLE"


class CancellationNotPending(PreconditionFailed):
    reason = "CANCELLATION_NOT_PENDING"


class CancellationResponseOverdue(PreconditionFailed):
    reason = "CANCELLATION_RESPONSE_OVERDUE"

"""The one error hierarchy of the domain.

Families decide how the edge answers (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS,
FAILED_PRECONDITION, ABORTED, UNAVAILABLE); leaves are named after the broken rule and carry
structured fields. No error message or field ever holds a token or secret value.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """Base of every error raised under ``domain``."""

    reason: ClassVar[str] = "DOMAIN_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def metadata(self) -> dict[str, str]:
        """Safe structured fields for ``ErrorInfo.metadata``."""
        return {}


# --- Families -------------------------------------------------------------------------------


class InvalidArgument(DomainError):
    """A value supplied by the caller breaks a rule about its shape or range."""

    reason = "INVALID_ARGUMENT"

    def __init__(self, field: str, description: str) -> None:
        super().__init__(f"{field}: {description}")
        self.field = field
        self.description = description

    def metadata(self) -> dict[str, str]:
        return {"field": self.field}


class NotFound(DomainError):
    reason = "NOT_FOUND"

    resource_type: ClassVar[str] = "resource"

    def __init__(self, resource_name: str) -> None:
        super().__init__(f"{self.resource_type} {resource_name!r} was not found")
        self.resource_name = resource_name

    def metadata(self) -> dict[str, str]:
        return {"resource_type": self.resource_type, "resource_name": self.resource_name}


class AlreadyExists(DomainError):
    reason = "ALREADY_EXISTS"

    resource_type: ClassVar[str] = "resource"

    def __init__(self, resource_name: str) -> None:
        super().__init__(f"{self.resource_type} {resource_name!r} already exists")
        self.resource_name = resource_name

    def metadata(self) -> dict[str, str]:
        return {"resource_type": self.resource_type, "resource_name": self.resource_name}


class PreconditionFailed(DomainError):
    """A state or business rule forbids the operation right now."""

    reason = "PRECONDITION_FAILED"

    def __init__(self, subject: str, description: str) -> None:
        super().__init__(f"{subject}: {description}")
        self.subject = subject
        self.description = description

    def metadata(self) -> dict[str, str]:
        return {"subject": self.subject}


class ConcurrencyConflict(DomainError):
    """Someone else changed or holds the resource; the caller may retry from a fresh read."""

    reason = "CONCURRENCY_CONFLICT"

    def __init__(self, subject: str, description: str) -> None:
        super().__init__(f"{subject}: {description}")
        self.subject = subject
        self.description = description

    def metadata(self) -> dict[str, str]:
        return {"subject": self.subject}


class PartnerError(DomainError):
    """A partner API (TikTok Shop or SHOPLINE) failed; adapters map transport errors to these."""

    reason = "PARTNER_ERROR"
    retriable: ClassVar[bool] = False

    def __init__(
        self, partner: str, code: str, message: str, request_id: str = "", *, summary: str = ""
    ) -> None:
        """``message`` is the partner's own text; ``summary`` replaces the default error text."""
        default = f"{partner} error {code}: {message}" if message else f"{partner} error {code}"
        super().__init__(summary or default)
        self.partner = partner
        self.code = code
        self.partner_message = message
        self.request_id = request_id

    def metadata(self) -> dict[str, str]:
        fields = {"partner": self.partner, "code": self.code}
        if self.request_id:
            fields["request_id"] = self.request_id
        return fields


# --- Invalid arguments ----------------------------------------------------------------------


class UnsupportedRegion(InvalidArgument):
    reason = "UNSUPPORTED_REGION"

    def __init__(self, region: str) -> None:
        super().__init__("region", f"{region!r} is not a supported region (SG, MY, JP, GB or UK, US)")
        self.region = region

    def metadata(self) -> dict[str, str]:
        return {"field": self.field, "region": self.region}


class RequestIdReused(InvalidArgument):
    reason = "REQUEST_ID_REUSED"

    def __init__(self) -> None:
        super().__init__("request_id", "was already used for another request; choose a new one")


class InvalidDisplayName(InvalidArgument):
    reason = "INVALID_DISPLAY_NAME"

    def __init__(self, description: str) -> None:
        super().__init__("display_name", description)


class InvalidStoreHandle(InvalidArgument):
    reason = "INVALID_STORE_HANDLE"

    def __init__(self, description: str) -> None:
        super().__init__("store_handle", description)


class InvalidMoney(InvalidArgument):
    reason = "INVALID_MONEY"


class InvalidQuantity(InvalidArgument):
    reason = "INVALID_QUANTITY"


class InvalidPriceRule(InvalidArgument):
    reason = "INVALID_PRICE_RULE"


class InvalidSetting(InvalidArgument):
    reason = "INVALID_SETTING"


class InvalidTaskProgress(InvalidArgument):
    reason = "INVALID_TASK_PROGRESS"


class MixedCurrencyOrder(InvalidArgument):
    reason = "MIXED_CURRENCY_ORDER"

    def __init__(self, order_id: str, currencies: str) -> None:
        super().__init__(
            "currency", f"order {order_id} mixes currencies ({currencies}); one currency per order"
        )


class InvalidOrderData(InvalidArgument):
    reason = "INVALID_ORDER_DATA"


# --- Not found ------------------------------------------------------------------------------


class AppNotFound(NotFound):
    reason = "APP_NOT_FOUND"
    resource_type = "App"


class ShopNotFound(NotFound):
    reason = "SHOP_NOT_FOUND"
    resource_type = "Shop"


class TokenNotFound(NotFound):
    reason = "TOKEN_NOT_FOUND"
    resource_type = "Token"


class TaskNotFound(NotFound):
    reason = "TASK_NOT_FOUND"
    resource_type = "Task"


class OrderNotFound(NotFound):
    reason = "ORDER_NOT_FOUND"
    resource_type = "Order"


class PoolNotFound(NotFound):
    reason = "POOL_NOT_FOUND"
    resource_type = "InventoryPool"


class ChannelProductNotFound(NotFound):
    reason = "CHANNEL_PRODUCT_NOT_FOUND"
    resource_type = "ChannelProduct"


class ChannelSkuNotFound(NotFound):
    reason = "CHANNEL_SKU_NOT_FOUND"
    resource_type = "ChannelSku"


class ReservationNotFound(NotFound):
    reason = "RESERVATION_NOT_FOUND"
    resource_type = "Reservation"


class ShoplineVariantNotFound(NotFound):
    """Not among the SHOPLINE store's variants (as last read from SHOPLINE)."""

    reason = "SHOPLINE_VARIANT_NOT_FOUND"
    resource_type = "ShoplineVariant"


# --- Already exists -------------------------------------------------------------------------


class AppAlreadyExists(AlreadyExists):
    reason = "APP_ALREADY_EXISTS"
    resource_type = "App"


class ShopAlreadyExists(AlreadyExists):
    reason = "SHOP_ALREADY_EXISTS"
    resource_type = "Shop"


class TaskAlreadyExists(AlreadyExists):
    reason = "TASK_ALREADY_EXISTS"
    resource_type = "Task"


class OrderAlreadyExists(AlreadyExists):
    reason = "ORDER_ALREADY_EXISTS"
    resource_type = "Order"


class PoolAlreadyExists(AlreadyExists):
    reason = "POOL_ALREADY_EXISTS"
    resource_type = "InventoryPool"


class ChannelProductAlreadyExists(AlreadyExists):
    reason = "CHANNEL_PRODUCT_ALREADY_EXISTS"
    resource_type = "ChannelProduct"


class OrderAlreadyImported(AlreadyExists):
    """The import ledger already maps this channel order to a different SHOPLINE order."""

    reason = "ORDER_ALREADY_IMPORTED"
    resource_type = "ImportedOrder"


# --- Preconditions (business rules) ---------------------------------------------------------


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


# --- Concurrency ----------------------------------------------------------------------------


class TaskLeaseHeld(ConcurrencyConflict):
    reason = "TASK_LEASE_HELD"


class TaskLeaseLost(ConcurrencyConflict):
    reason = "TASK_LEASE_LOST"


class StaleWrite(ConcurrencyConflict):
    """Persistence detected that the row changed since it was read (optimistic locking)."""

    reason = "STALE_WRITE"


# --- Partners -------------------------------------------------------------------------------


class PartnerUnavailable(PartnerError):
    """Timeouts, 5xx, resets: retriable for idempotent calls."""

    reason = "PARTNER_UNAVAILABLE"
    retriable = True


class PartnerRateLimited(PartnerUnavailable):
    reason = "PARTNER_RATE_LIMITED"

    def __init__(
        self,
        partner: str,
        code: str,
        message: str,
        request_id: str = "",
        retry_after_seconds: float | None = None,
    ) -> None:
        super().__init__(partner, code, message, request_id)
        self.retry_after_seconds = retry_after_seconds

    def metadata(self) -> dict[str, str]:
        fields = super().metadata()
        if self.retry_after_seconds is not None:
            fields["retry_after_seconds"] = f"{self.retry_after_seconds:g}"
        return fields


class PartnerRejected(PartnerError):
    """The partner understood the request and refused it; retrying the same call will not help."""

    reason = "PARTNER_REJECTED"


class PartnerScopeMissing(PartnerRejected):
    """The grant lacks the access scope the endpoint needs (SHOPLINE answers 403). Retrying cannot
    help: the scope has to be asked for and the merchant has to authorize the app again."""

    reason = "PARTNER_SCOPE_MISSING"

    def __init__(self, partner: str, code: str, message: str, request_id: str = "", scope: str = "") -> None:
        needed = f"the access scope {scope!r}" if scope else "an access scope"
        summary = (
            f"{partner} refused the call ({code}): the app's authorization lacks {needed}; "
            "include it in the requested scopes and have the merchant re-authorize (re-install) the app"
        )
        super().__init__(partner, code, message, request_id, summary=summary)
        self.scope = scope

    def metadata(self) -> dict[str, str]:
        fields = super().metadata()
        if self.scope:
            fields["scope"] = self.scope
        return fields


class ChannelProductClosed(PartnerRejected):
    """The channel takes no stock or price for the product in its current status (frozen or
    deleted); the same update is accepted again once the product is active."""

    reason = "CHANNEL_PRODUCT_CLOSED"


class PartnerAuthExpired(PartnerError):
    """The access token expired; a refresh may fix it."""

    reason = "PARTNER_AUTH_EXPIRED"


class PartnerTokenRevoked(PartnerError):
    """The grant is gone (refresh rejected, app uninstalled): the seller must re-authorize."""

    reason = "PARTNER_TOKEN_REVOKED"

"""TikTok's return vocabulary (reference §4.3) and what each status means for the seller."""

from __future__ import annotations

from enum import Enum

from domain.errors import InvalidReturnData


class ReturnType(Enum):
    REFUND = "REFUND"
    """Refund only: the buyer keeps the item."""
    RETURN_AND_REFUND = "RETURN_AND_REFUND"
    REPLACEMENT = "REPLACEMENT"
    EXCHANGE = "EXCHANGE"

    @classmethod
    def parse(cls, value: str) -> ReturnType:
        try:
            return cls(value)
        except ValueError:
            raise InvalidReturnData("return_type", f"{value!r} is not a TikTok return type") from None


class ReturnRole(Enum):
    BUYER = "BUYER"
    SELLER = "SELLER"
    SYSTEM = "SYSTEM"
    OPERATOR = "OPERATOR"

    @classmethod
    def parse(cls, value: str) -> ReturnRole:
        try:
            return cls(value or "BUYER")
        except ValueError:
            raise InvalidReturnData("role", f"{value!r} is not a TikTok return role") from None


class ReturnStatus(Enum):
    RETURN_OR_REFUND_REQUEST_PENDING = "RETURN_OR_REFUND_REQUEST_PENDING"
    REFUND_OR_RETURN_REQUEST_REJECT = "REFUND_OR_RETURN_REQUEST_REJECT"
    AWAITING_BUYER_SHIP = "AWAITING_BUYER_SHIP"
    BUYER_SHIPPED_ITEM = "BUYER_SHIPPED_ITEM"
    REJECT_RECEIVE_PACKAGE = "REJECT_RECEIVE_PACKAGE"
    RETURN_OR_REFUND_REQUEST_SUCCESS = "RETURN_OR_REFUND_REQUEST_SUCCESS"
    RETURN_OR_REFUND_REQUEST_CANCEL = "RETURN_OR_REFUND_REQUEST_CANCEL"
    RETURN_OR_REFUND_REQUEST_COMPLETE = "RETURN_OR_REFUND_REQUEST_COMPLETE"
    REPLACEMENT_REQUEST_PENDING = "REPLACEMENT_REQUEST_PENDING"
    REPLACEMENT_REQUEST_REJECT = "REPLACEMENT_REQUEST_REJECT"
    REPLACEMENT_REQUEST_REFUND_SUCCESS = "REPLACEMENT_REQUEST_REFUND_SUCCESS"
    REPLACEMENT_REQUEST_CANCEL = "REPLACEMENT_REQUEST_CANCEL"
    REPLACEMENT_REQUEST_COMPLETE = "REPLACEMENT_REQUEST_COMPLETE"
    AWAITING_BUYER_RESPONSE = "AWAITING_BUYER_RESPONSE"
    EXCHANGE_REQUEST_PENDING = "EXCHANGE_REQUEST_PENDING"
    EXCHANGE_REQUEST_REFUND_SUCCESS = "EXCHANGE_REQUEST_REFUND_SUCCESS"
    EXCHANGE_REQUEST_CANCEL = "EXCHANGE_REQUEST_CANCEL"
    EXCHANGE_REQUEST_COMPLETE = "EXCHANGE_REQUEST_COMPLETE"

    @classmethod
    def parse(cls, value: str) -> ReturnStatus:
        # The type 12 webhook text spells the cancel status ``…__REQUEST_CANCELLED`` (reference
        # fulfillment-and-webhooks W2); both spellings mean the buyer withdrew the request.
        normalized = _SPELLINGS.get(value, value)
        try:
            return cls(normalized)
        except ValueError:
            raise InvalidReturnData("return_status", f"{value!r} is not a TikTok return status") from None

    @property
    def terminal(self) -> bool:
        return self in TERMINAL


_SPELLINGS = {
    "RETURN_OR_REFUND__REQUEST_CANCELLED": "RETURN_OR_REFUND_REQUEST_CANCEL",
    "RETURN_OR_REFUND_REQUEST_CANCELLED": "RETURN_OR_REFUND_REQUEST_CANCEL",
    "REPLACEMENT_REQUEST_CANCELLED": "REPLACEMENT_REQUEST_CANCEL",
    "EXCHANGE_REQUEST_CANCELLED": "EXCHANGE_REQUEST_CANCEL",
}

TERMINAL = frozenset(
    {
        ReturnStatus.REFUND_OR_RETURN_REQUEST_REJECT,
        ReturnStatus.RETURN_OR_REFUND_REQUEST_CANCEL,
        ReturnStatus.RETURN_OR_REFUND_REQUEST_COMPLETE,
        ReturnStatus.REPLACEMENT_REQUEST_REJECT,
        ReturnStatus.REPLACEMENT_REQUEST_CANCEL,
        ReturnStatus.REPLACEMENT_REQUEST_COMPLETE,
        ReturnStatus.EXCHANGE_REQUEST_CANCEL,
        ReturnStatus.EXCHANGE_REQUEST_COMPLETE,
    }
)
"""TikTok changes nothing about a return after these."""

REFUNDED_ON_TIKTOK = frozenset(
    {ReturnStatus.RETURN_OR_REFUND_REQUEST_SUCCESS, ReturnStatus.RETURN_OR_REFUND_REQUEST_COMPLETE}
)
"""For refund and return-and-refund requests: TikTok paid the buyer back."""

REFUNDING_TYPES = frozenset({ReturnType.REFUND, ReturnType.RETURN_AND_REFUND})
"""Replacements and exchanges send goods instead of money: SHOPLINE gets no refund for them."""


class SellerAction(Enum):
    """What the seller is asked to decide, by (type, status); the decision names TikTok's
    Approve / Reject Return take in their ``decision`` field."""

    RESPOND_REFUND = ("APPROVE_REFUND", "REJECT_REFUND")
    RESPOND_RETURN = ("APPROVE_RETURN", "REJECT_RETURN")
    RESPOND_RECEIVED_PACKAGE = ("APPROVE_RECEIVED_PACKAGE", "REJECT_RECEIVED_PACKAGE")
    RESPOND_REPLACEMENT = ("APPROVE_REPLACEMENT", "REJECT_REPLACEMENT")

    @property
    def approve_decision(self) -> str:
        return self.value[0]

    @property
    def reject_decision(self) -> str:
        return self.value[1]


def seller_action(return_type: ReturnType, status: ReturnStatus) -> SellerAction | None:
    """The decision TikTok waits for from the seller, or None when it waits for nobody or the buyer."""
    if status is ReturnStatus.RETURN_OR_REFUND_REQUEST_PENDING:
        if return_type is ReturnType.REFUND:
            return SellerAction.RESPOND_REFUND
        if return_type is ReturnType.RETURN_AND_REFUND:
            return SellerAction.RESPOND_RETURN
        return None
    if status is ReturnStatus.BUYER_SHIPPED_ITEM and return_type is ReturnType.RETURN_AND_REFUND:
        return SellerAction.RESPOND_RECEIVED_PACKAGE
    if status is ReturnStatus.REPLACEMENT_REQUEST_PENDING and return_type is ReturnType.REPLACEMENT:
        return SellerAction.RESPOND_REPLACEMENT
    return None

"""Errors of returns and refunds (``domain.returns``)."""

from __future__ import annotations

from domain.errors.base import InvalidArgument, NotFound, PreconditionFailed


class ReturnNotFound(NotFound):
    reason = "RETURN_NOT_FOUND"
    resource_type = "Return"


class ReturnNotAwaitingSeller(PreconditionFailed):
    """The return is in no state in which the seller approves or rejects it."""

    reason = "RETURN_NOT_AWAITING_SELLER"


class ReturnAlreadyRefunded(PreconditionFailed):
    """The return was refunded in SHOPLINE as another refund; it is refunded once only."""

    reason = "RETURN_ALREADY_REFUNDED"


class InvalidReturnData(InvalidArgument):
    """TikTok sent a return that breaks a rule of the model (a missing id, an unknown status)."""

    reason = "INVALID_RETURN_DATA"

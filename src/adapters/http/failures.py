"""Turning a failed partner call into the port-level error the services understand.

Every outbound adapter classifies a failure into one of these kinds and raises through
`partner_error`, so the mapping from kinds to domain errors lives in one place.
"""

from __future__ import annotations

import enum

from domain.errors import (
    PartnerAuthExpired,
    PartnerError,
    PartnerRateLimited,
    PartnerRejected,
    PartnerTokenRevoked,
    PartnerUnavailable,
)


class FailureKind(enum.Enum):
    UNAVAILABLE = "unavailable"  # network failure, timeout, 5xx, internal error: try again later
    RATE_LIMITED = "rate_limited"  # still throttled after the allowed retries
    AUTH_EXPIRED = "auth_expired"  # the access token is expired or invalid, even after a refresh
    TOKEN_REVOKED = "token_revoked"  # noqa: S105 (a kind name, not a secret)  # the grant is gone: the seller or merchant must authorize again
    REJECTED = "rejected"  # the partner refused the request itself; retrying will not help


def partner_error(
    kind: FailureKind,
    partner: str,
    code: str,
    message: str,
    request_id: str = "",
    *,
    retry_after_s: float | None = None,
) -> PartnerError:
    if kind is FailureKind.RATE_LIMITED:
        return PartnerRateLimited(partner, code, message, request_id, retry_after_s)
    error_type = {
        FailureKind.UNAVAILABLE: PartnerUnavailable,
        FailureKind.AUTH_EXPIRED: PartnerAuthExpired,
        FailureKind.TOKEN_REVOKED: PartnerTokenRevoked,
        FailureKind.REJECTED: PartnerRejected,
    }[kind]
    return error_type(partner, code, message, request_id)

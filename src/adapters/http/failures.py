"""Turning a failed partner call into the port-level error the services understand.

Every outbound adapter classifies a failed attempt into a `Failure` of one of these kinds and
raises through `partner_error`, so the mapping from kinds to domain errors lives in one place.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from domain.errors import (
    PartnerAuthExpired,
    PartnerError,
    PartnerRateLimited,
    PartnerRejected,
    PartnerScopeMissing,
    PartnerTokenRevoked,
    PartnerUnavailable,
)


class FailureKind(enum.Enum):
    UNAVAILABLE = "unavailable"  # network failure, timeout, 5xx, internal error: try again later
    RATE_LIMITED = "rate_limited"  # still throttled after the allowed retries
    AUTH_EXPIRED = "auth_expired"  # the access token is expired or invalid, even after a refresh
    TOKEN_REVOKED = "token_revoked"  # noqa: S105 (a kind name, not a secret)  # the grant is gone: the seller or merchant must authorize again
    REJECTED = "rejected"  # the partner refused the request itself; retrying will not help
    SCOPE_MISSING = "scope_missing"  # the grant lacks the endpoint's access scope: re-authorize with it


def partner_error(
    kind: FailureKind,
    partner: str,
    code: str,
    message: str,
    request_id: str = "",
    *,
    retry_after_s: float | None = None,
    scope: str = "",
) -> PartnerError:
    if kind is FailureKind.RATE_LIMITED:
        return PartnerRateLimited(partner, code, message, request_id, retry_after_s)
    if kind is FailureKind.SCOPE_MISSING:
        return PartnerScopeMissing(partner, code, message, request_id, scope)
    error_type = {
        FailureKind.UNAVAILABLE: PartnerUnavailable,
        FailureKind.AUTH_EXPIRED: PartnerAuthExpired,
        FailureKind.TOKEN_REVOKED: PartnerTokenRevoked,
        FailureKind.REJECTED: PartnerRejected,
    }[kind]
    return error_type(partner, code, message, request_id)


@dataclass(slots=True)
class Failure:
    """One failed attempt, before it is retried or raised."""

    kind: FailureKind
    code: str
    message: str
    request_id: str = ""
    retry_after_s: float | None = None
    sent: bool = True  # False when the request certainly never reached the server
    scope: str = ""  # the missing access scope, for SCOPE_MISSING

    def to_error(self, partner: str) -> PartnerError:
        return partner_error(
            self.kind,
            partner,
            self.code,
            self.message,
            self.request_id,
            retry_after_s=self.retry_after_s,
            scope=self.scope,
        )

"""Partner errors: TikTok Shop or SHOPLINE failed, refused the call, or withdrew the grant."""

from __future__ import annotations

from domain.errors.base import PartnerError


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

"""The small pages a seller or merchant sees after consent, and the one table of what went wrong.

Pages never show secrets, codes, states or buyer data: only what was linked, or what failed and
what to do about it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from domain import errors as domain_errors
from domain.authorization_state import (
    AuthorizationStateInvalid,
    CallbackSignatureInvalid,
    CallbackTimestampStale,
)


@dataclass(frozen=True)
class Page:
    status: int
    title: str
    lines: tuple[str, ...]

    def render(self) -> str:
        body = "".join(f"<p>{html.escape(line)}</p>" for line in self.lines)
        title = html.escape(self.title)
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{title} - Multichannel Connect</title></head>"
            f"<body><h1>{title}</h1>{body}</body></html>"
        )


_START_AGAIN = "Start again from Multichannel Connect to get a new link."

# Most specific first: the first family an error belongs to decides the page.
ERROR_PAGES: tuple[tuple[type[domain_errors.DomainError], int, str, str], ...] = (
    (
        AuthorizationStateInvalid,
        409,
        "This link has expired or was already used",
        "Each consent link works once and only for a limited time. " + _START_AGAIN,
    ),
    (
        CallbackSignatureInvalid,
        400,
        "The callback's signature does not match",
        "The link was altered or does not come from SHOPLINE. Start the installation again from "
        "Multichannel Connect; if it keeps failing, check MCC_SHOPLINE_APP_SECRET.",
    ),
    (
        CallbackTimestampStale,
        400,
        "The callback is too old",
        "It was issued more than 10 minutes ago, or this server's clock is off. " + _START_AGAIN,
    ),
    (
        domain_errors.NotFound,
        404,
        "Nothing to link to",
        "The app this authorization was started for no longer exists. Install the app again, then "
        "authorize the shop.",
    ),
    (
        domain_errors.PartnerUnavailable,
        503,
        "The partner could not be reached",
        "The authorization was not completed. " + _START_AGAIN,
    ),
    (
        domain_errors.PartnerError,
        502,
        "The partner refused the authorization",
        "The code may have expired or been used already. " + _START_AGAIN,
    ),
    (
        domain_errors.PreconditionFailed,
        409,
        "The authorization cannot be completed",
        _START_AGAIN,
    ),
)


def error_page(error: domain_errors.DomainError) -> Page:
    if isinstance(error, domain_errors.InvalidArgument) and not isinstance(
        error, CallbackSignatureInvalid | CallbackTimestampStale
    ):
        # The field and what it needs; never the value that was sent.
        return Page(400, "The callback is incomplete", (f"{error.field}: {error.description}.", _START_AGAIN))
    for family, status, title, advice in ERROR_PAGES:
        if isinstance(error, family):
            return Page(status, title, (advice,))
    return Page(409, "The authorization cannot be completed", (_START_AGAIN,))


def internal_error_page(correlation_id: str) -> Page:
    return Page(
        500,
        "Something went wrong on our side",
        (f"Nothing was linked. Try again; if it keeps failing, quote reference {correlation_id}.",),
    )

"""The callback pages: one table from errors to statuses, never the values that were sent."""

from __future__ import annotations

import pytest

from adapters.inbound_http.pages import Page, error_page
from domain.authorization_state import (
    AuthorizationStateInvalid,
    CallbackSignatureInvalid,
    CallbackTimestampStale,
)
from domain.errors import AppNotFound, DomainError, InvalidArgument, PartnerRejected, PartnerUnavailable


@pytest.mark.parametrize(
    ("error", "status", "words"),
    [
        (AuthorizationStateInvalid(), 409, "expired or was already used"),
        (CallbackSignatureInvalid(), 400, "signature does not match"),
        (CallbackTimestampStale(), 400, "too old"),
        (InvalidArgument("code", "is required"), 400, "code: is required"),
        (AppNotFound("app-1"), 404, "no longer exists"),
        (PartnerUnavailable("TikTok", "TIMEOUT", "timed out"), 503, "could not be reached"),
        (PartnerRejected("TikTok", "36004004", "secret-looking partner text"), 502, "refused"),
    ],
)
def test_each_error_has_its_status_and_advice(error: DomainError, status: int, words: str) -> None:
    page = error_page(error)
    assert page.status == status
    assert words in page.render()
    assert "secret-looking" not in page.render()


def test_pages_escape_what_they_show() -> None:
    rendered = Page(200, "Linked <b>", ("Shop <script>alert(1)</script>",)).render()
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered

"""Keep credentials out of log lines: URLs are logged without their query string."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit


def loggable_url(url: str) -> str:
    """Scheme, host and path only; query strings carry `app_secret`, `access_token` and `sign`."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


class _QueryRedactingFilter(logging.Filter):
    """httpx logs every request's full URL at INFO; the query part holds signatures and secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                loggable_url(str(arg)) if _looks_like_url_with_query(arg) else arg for arg in record.args
            )
        return True


def _looks_like_url_with_query(value: object) -> bool:
    if isinstance(value, int | float | bool) or value is None:
        return False
    text = str(value)
    return "://" in text and "?" in text


_FILTER = _QueryRedactingFilter()


def redact_httpx_request_logs() -> None:
    """Idempotent; called by the partner transports when they are built."""
    logger = logging.getLogger("httpx")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)

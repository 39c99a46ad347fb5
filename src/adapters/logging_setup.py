"""Process logging: one line per record on stderr, with known secrets masked as a last line of defence."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

_MASK = "***"


class SecretMaskingFilter(logging.Filter):
    """Replaces any registered secret value that reaches a log line, whatever logged it."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = {s for s in secrets if len(s) >= 6}

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 6:
            self._secrets.add(secret)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        masked = message
        for secret in self._secrets:
            if secret in masked:
                masked = masked.replace(secret, _MASK)
        if masked is not message and masked != message:
            record.msg, record.args = masked, None
        return True


def configure_logging(level: str, secrets: Iterable[str | None] = ()) -> SecretMaskingFilter:
    masking = SecretMaskingFilter(s for s in secrets if s)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(masking)
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # Third-party request logs would print full URLs, which can carry signed query strings.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    return masking

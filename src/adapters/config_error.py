"""The one error a bad ``MCC_*`` value raises."""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message is a single line."""

    def __init__(self, variable: str, expected: str, got: str | None = None) -> None:
        shown = f", got {got!r}" if got is not None else ""
        super().__init__(f"{variable}: expected {expected}{shown}")
        self.variable = variable

"""A wrapper that keeps token and secret values out of ``repr``, ``str`` and logs."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Secret:
    _value: str = field(repr=False)

    def reveal(self) -> str:
        """The raw value, for the adapter that must send it; never log the result."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return "********"

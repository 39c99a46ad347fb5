"""Where a history import stands: its phase, search window and pages done, as a checkpoint."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import Enum

from domain.channel import TimeWindow
from domain.errors import InvalidArgument

HISTORY_DAYS = 30
PRODUCTS_SINCE = datetime(2016, 1, 1, tzinfo=UTC)
"""Before TikTok Shop existed: a product search from here covers the whole catalog."""


class Phase(Enum):
    PRODUCTS = "products"
    ORDERS = "orders"
    DONE = "done"


@dataclass(frozen=True)
class ImportPosition:
    """Where the import stands: the checkpoint, encoded as a string in the task."""

    phase: Phase
    window: TimeWindow
    pages: int
    """Pages of ``window`` already written."""
    cutoff: datetime
    """The import covers what TikTok held at this time; later changes belong to the incremental sync."""
    orders_since: datetime
    order_window: timedelta = timedelta(days=1)
    """How long each order search window is (the last one ends at the cutoff)."""

    def encode(self) -> str:
        return json.dumps(
            {
                "v": 1,
                "phase": self.phase.value,
                "window": [self.window.start.isoformat(), self.window.end.isoformat()],
                "pages": self.pages,
                "cutoff": self.cutoff.isoformat(),
                "orders_since": self.orders_since.isoformat(),
                "order_window_s": int(self.order_window.total_seconds()),
            },
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, text: str) -> ImportPosition:
        try:
            data = json.loads(text)
            start, end = data["window"]
            return cls(
                phase=Phase(data["phase"]),
                window=TimeWindow(datetime.fromisoformat(start), datetime.fromisoformat(end)),
                pages=int(data["pages"]),
                cutoff=datetime.fromisoformat(data["cutoff"]),
                orders_since=datetime.fromisoformat(data["orders_since"]),
                order_window=timedelta(seconds=int(data.get("order_window_s", 86_400))),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidArgument("checkpoint", f"not a history import checkpoint ({error})") from None

    def after(self) -> ImportPosition:
        """The window that follows this finished one."""
        end = self.window.end
        if self.phase is Phase.PRODUCTS and end >= self.cutoff:
            first = TimeWindow(self.orders_since, self._order_window_end(self.orders_since))
            return replace(self, phase=Phase.ORDERS, window=first, pages=0)
        if self.phase is Phase.ORDERS and end >= self.cutoff:
            return replace(self, phase=Phase.DONE, window=TimeWindow(end, end), pages=0)
        if self.phase is Phase.PRODUCTS:
            return replace(self, window=TimeWindow(end, self.cutoff), pages=0)
        return replace(self, window=TimeWindow(end, self._order_window_end(end)), pages=0)

    def following(self, count: int) -> list[ImportPosition]:
        """Up to ``count`` order windows after this one (the ones read ahead of it)."""
        following: list[ImportPosition] = []
        position = self
        for _ in range(count):
            position = position.after()
            if position.phase is not Phase.ORDERS:
                break
            following.append(position)
        return following

    def _order_window_end(self, start: datetime) -> datetime:
        return min(start + self.order_window, self.cutoff)


def first_half(window: TimeWindow) -> TimeWindow:
    half = (window.end - window.start) / 2
    middle = window.start + timedelta(seconds=int(half.total_seconds()))
    return TimeWindow(window.start, middle)

"""Hands each commit's events to the reactions the composition root lists for their type.

Reactions only wake work up (task watchers, the stock pusher, the on-hand read of newly linked
pools); what must not be lost is written in the same transaction as the change, so a reaction
failing here is logged, not raised: the commit already happened.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from domain.events import DomainEvent

log = logging.getLogger("mcc.events")

Reaction = Callable[[Sequence[Any]], Awaitable[None]]
"""Called once per commit with that commit's events of the type it is listed under, in order."""


class ReactionTable:
    """An ``EventPublisher``: which reaction runs on which committed domain event."""

    def __init__(self, table: Mapping[type[DomainEvent], Sequence[Reaction]]) -> None:
        self._table = {kind: tuple(reactions) for kind, reactions in table.items()}

    def reactions_to(self, kind: type[DomainEvent]) -> tuple[Reaction, ...]:
        return self._table.get(kind, ())

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        by_kind: dict[type[DomainEvent], list[DomainEvent]] = {}
        for event in events:
            by_kind.setdefault(type(event), []).append(event)
        for kind, happened in by_kind.items():
            for reaction in self.reactions_to(kind):
                try:
                    await reaction(happened)
                except Exception:
                    log.exception(
                        "event reaction failed event=%s reaction=%s", kind.__name__, _name(reaction)
                    )


def _name(reaction: Reaction) -> str:
    return getattr(reaction, "__qualname__", type(reaction).__name__)

"""The aggregates that passed through a repository, so the unit of work can collect their events."""

from __future__ import annotations

from typing import Generic, TypeVar

from domain.events import RecordsEvents

A = TypeVar("A", bound=RecordsEvents)


class Seen(Generic[A]):
    """Every object, not one per key: an aggregate read twice is two objects, and the first one
    may hold events the second does not."""

    def __init__(self) -> None:
        self._by_identity: dict[int, A] = {}

    def add(self, aggregate: A) -> None:
        self._by_identity[id(aggregate)] = aggregate

    def values(self) -> list[A]:
        return list(self._by_identity.values())

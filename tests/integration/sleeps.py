"""A sleep that advances the sandbox clock instead of waiting, recording what was asked."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sandbox.clock import SandboxClock


@dataclass
class Sleeps:
    clock: SandboxClock
    taken: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.taken.append(seconds)
        self.clock.advance(seconds)
        await asyncio.sleep(0)

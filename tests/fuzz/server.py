"""The populated server the fuzzer talks to: the e2e harness (the whole service on loopback with
the partner sandbox and a migrated database) on a loop of its own, filled by ``populate``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

from google.protobuf.message import Message

from sandbox.runner import start_sandbox
from tests.e2e.conftest import Harness, fresh_schema, running_harness
from tests.fuzz.calls import CLIENT_TIMEOUT, Outcome, invoke
from tests.fuzz.candidates import candidate_requests
from tests.fuzz.descriptors import Rpc
from tests.fuzz.loop_thread import LoopThread
from tests.fuzz.messages import strings_of
from tests.fuzz.population import (
    Population,
    is_destructive,
    live_secrets,
    populate,
    repair,
    restore_throwaway_shop,
)
from tests.fuzz.requests import Generated
from tests.fuzz.stats import STATS, ServerErrors
from tests.fuzz.values import Context

UNARY_DEADLINE = 10.0
STREAM_DEADLINE = 2.0
# Beyond the call's own deadline: how long the client waits for any answer before calling it a hang.
GRACE = 10.0
SETUP_TIMEOUT = 300.0
PROBES = 60
WELL_FORMED_CODES = ("OK", "FAILED_PRECONDITION", "ALREADY_EXISTS", "ABORTED")
BASES_KEPT = 16


@dataclass
class Call:
    outcome: Outcome
    inputs: list[str]
    secrets: list[str]


@dataclass
class FuzzServer:
    database: str
    url: str
    loop: LoopThread = field(default_factory=LoopThread)
    errors: ServerErrors = field(default_factory=ServerErrors)
    harness: Harness | None = None
    population: Population | None = None
    _stack: AsyncExitStack = field(default_factory=AsyncExitStack)
    _bases: dict[str, list[Message]] = field(default_factory=dict)
    # Well-formed reads (RPC id, base index) a sweep found broken: later sweeps skip them.
    broken_reads: set[tuple[str, int]] = field(default_factory=set)
    # The call after which the server's loop stopped answering: every later call fails at once.
    stuck_since: str | None = None

    def start(self) -> None:
        logging.getLogger("mcc.errors").addHandler(self.errors)
        self.loop.run(self._start(), SETUP_TIMEOUT)

    async def _start(self) -> None:
        await fresh_schema(self.url)
        sandbox = await start_sandbox(size="tiny", deliver_webhooks_in_background=False)
        self._stack.push_async_callback(sandbox.close)
        self.harness = await self._stack.enter_async_context(running_harness(self.url, sandbox))
        self.population = await populate(self.harness)

    def close(self) -> None:
        logging.getLogger("mcc.errors").removeHandler(self.errors)
        try:
            if self.stuck_since is None:
                self.loop.run(self._stack.aclose(), SETUP_TIMEOUT)
        finally:
            self.loop.close()

    def repair(self) -> None:
        """The populated data back as the next method's examples expect it (``population.repair``)."""
        assert self.harness is not None and self.population is not None
        if self.stuck_since is None:
            self.loop.run(repair(self.harness, self.population), SETUP_TIMEOUT)

    def context(self, rpc: Rpc) -> Context:
        assert self.population is not None
        return Context(self.population, rpc.name)

    def call(self, rpc: Rpc, generated: Generated) -> Call:
        deadline = STREAM_DEADLINE if rpc.server_streaming else UNARY_DEADLINE
        inputs = strings_of(generated.request) if generated.request is not None else []
        if self.stuck_since is not None:
            return Call(
                Outcome(CLIENT_TIMEOUT, f"the server has not answered since {self.stuck_since}"), inputs, []
            )
        try:
            return self.loop.run(self._call(rpc, generated, deadline), deadline + GRACE)
        except TimeoutError:
            self.stuck_since = f"{rpc.id} with {generated.describe()}"
            return Call(Outcome(code=CLIENT_TIMEOUT, elapsed=deadline + GRACE), inputs, [])

    async def _call(self, rpc: Rpc, generated: Generated, deadline: float) -> Call:
        assert self.harness is not None and self.population is not None
        outcome = await invoke(self.harness.channel, rpc, generated.payload(), deadline)
        inputs = strings_of(generated.request) if generated.request is not None else []
        if outcome.code == "OK" and is_destructive(rpc.name):
            for name in set(inputs) & set(self.population.throwaway.shops):
                await restore_throwaway_shop(self.harness, self.population, name)
        return Call(outcome, inputs, live_secrets(self.harness) + self.population.secrets)

    def bases(self, rpc: Rpc, observe: Callable[[Generated, Call], None]) -> list[Message]:
        """Well-formed requests for ``rpc``: probed candidates the server accepted, or refused only
        for the state of what they name (else those it did not find). ``observe`` sees every probe."""
        if rpc.id not in self._bases:
            accepted: list[Message] = []
            fallback: list[Message] = []
            for candidate in candidate_requests(rpc, self.context(rpc), PROBES):
                generated = Generated(candidate, labels=[("<probe>", "well-formed")])
                call = self.call(rpc, generated)
                observe(generated, call)
                if call.outcome.code in WELL_FORMED_CODES:
                    accepted.append(candidate)
                elif call.outcome.code in ("NOT_FOUND", "PERMISSION_DENIED"):
                    fallback.append(candidate)
                if len(accepted) >= BASES_KEPT:
                    break
            self._bases[rpc.id] = accepted or fallback[:BASES_KEPT] or [rpc.new_request()]
            STATS.record_bases(self.database, rpc.id, len(accepted))
        return self._bases[rpc.id]

"""Every RPC of every service, fuzzed against the populated server: the extremes of every field a
well-formed request sends, well-formed requests with one field mutated, and random requests (some
sent as corrupted bytes). No answer may be INTERNAL or
UNKNOWN, hang, or carry a secret, a trace or a long echo of the input (``verdict.problems``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from google.protobuf.message import Message
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz.boundaries import boundary_requests
from tests.fuzz.descriptors import Rpc, discover_rpcs
from tests.fuzz.messages import strings_of
from tests.fuzz.requests import Generated, mutated_request, random_request
from tests.fuzz.server import Call, FuzzServer
from tests.fuzz.stats import STATS
from tests.fuzz.verdict import problems

RPCS = discover_rpcs()
READ_VERBS = ("Get", "List", "Watch")
SWEEP_BASES = 3


def is_read(rpc: Rpc) -> bool:
    return rpc.name.startswith(READ_VERBS)


def _check(server: FuzzServer, rpc: Rpc, mode: str, generated: Generated, call: Call, survey: bool) -> None:
    outcome = call.outcome
    found = problems(outcome, call.inputs, call.secrets, streaming=rpc.server_streaming)
    STATS.record(server.database, rpc.id, mode, generated, outcome, found, server.errors.cause(outcome))
    if found and not survey:
        message = (
            outcome.message
            if len(outcome.message) <= 300
            else f"{outcome.message[:300]}… ({len(outcome.message)} chars)"
        )
        pytest.fail(
            f"{rpc.id} [{server.database}] {'; '.join(found)}\n"
            f"request: {generated.describe()}\nstatus {outcome.code}: {message!r}\n"
            f"server: {server.errors.cause(outcome) or '-'}",
            pytrace=False,
        )


def _observer(server: FuzzServer, rpc: Rpc, survey: bool) -> Callable[[Generated, Call], None]:
    """Checks the probes that look for well-formed requests like any other call."""

    def observe(generated: Generated, call: Call) -> None:
        _check(server, rpc, "probe", generated, call, survey)

    return observe


MODES = ["boundaries", "mutated", "random"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rpc", RPCS, ids=[rpc.id for rpc in RPCS])
def test_no_input_breaks_the_server(
    fuzz_server: FuzzServer, rpc: Rpc, mode: str, fuzz_examples: int, fuzz_survey: bool
) -> None:
    bases = fuzz_server.bases(rpc, _observer(fuzz_server, rpc, fuzz_survey)) if mode != "random" else []
    if mode == "boundaries":
        for generated in boundary_requests(rpc, fuzz_server.context(rpc), bases):
            _check(fuzz_server, rpc, mode, generated, fuzz_server.call(rpc, generated), fuzz_survey)
        if not is_read(rpc):  # before the random examples store well-formed values over the extremes
            _sweep_reads(fuzz_server, rpc, fuzz_survey)
        return

    @settings(
        max_examples=fuzz_examples,
        deadline=None,
        # The server keeps its state: a failure saved for replay would meet another server.
        database=None,
        # Shrinking re-sends a failing request many times: worth it in a long run, not in CI.
        phases=[Phase.explicit, Phase.reuse, Phase.generate]
        + ([Phase.shrink] if fuzz_examples > 100 else []),
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        context = fuzz_server.context(rpc)
        if mode == "mutated":
            generated = mutated_request(data.draw, rpc, context, bases)
        else:
            generated = random_request(data.draw, rpc, context)
        _check(fuzz_server, rpc, mode, generated, fuzz_server.call(rpc, generated), fuzz_survey)

    fuzz()
    if not is_read(rpc) and mode == MODES[-1]:
        try:
            _sweep_reads(fuzz_server, rpc, fuzz_survey)
        finally:
            fuzz_server.repair()


def _sweep_reads(server: FuzzServer, after: Rpc, survey: bool) -> None:
    """Well-formed reads of the populated data after a method that changes it was fuzzed (after
    its extremes and after its random examples): a value it accepted must not break what reads
    it later (a stored price rule every product listing then fails on, say)."""
    for read in RPCS:
        if not is_read(read):
            continue
        bases = server.bases(read, _observer(server, read, survey))
        for index, base in _distinct(bases):
            if (read.id, index) in server.broken_reads:
                continue  # reported once, after the method that broke it
            generated = Generated(base, labels=[("<well-formed>", f"read after fuzzing {after.id}")])
            call = server.call(read, generated)
            if problems(call.outcome, call.inputs, call.secrets, streaming=read.server_streaming):
                server.broken_reads.add((read.id, index))
            _check(server, read, "sweep", generated, call, survey)


def _distinct(bases: list[Message]) -> list[tuple[int, Message]]:
    """Up to ``SWEEP_BASES`` well-formed requests naming different resources (both shops' products)."""
    chosen: list[tuple[int, Message]] = []
    seen: set[tuple[str, ...]] = set()
    for index, base in enumerate(bases):
        names = tuple(sorted(text for text in strings_of(base) if text.startswith("apps/")))
        if names not in seen and len(chosen) < SWEEP_BASES:
            seen.add(names)
            chosen.append((index, base))
    return chosen


def test_every_rpc_the_server_binds_is_fuzzed() -> None:
    """The walk over the generated modules finds every method of every service the server binds."""
    from adapters.grpc.api import SERVICES, service_descriptor

    bound = {f"{name}.{method.name}" for name in SERVICES for method in service_descriptor(name).methods}
    assert bound
    assert bound <= {rpc.id for rpc in RPCS}

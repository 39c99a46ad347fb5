"""What makes an answer to a fuzzed request wrong, whatever its status code otherwise.

- INTERNAL, UNKNOWN or DATA_LOSS: the server failed on input it should have refused by name.
- A hang: DEADLINE_EXCEEDED on a unary call, a stream that sent nothing before its deadline, or
  no answer at all on the client side.
- An answer too large for the client's metadata limit (RESOURCE_EXHAUSTED raised by the client
  itself): a message that echoes a large input.
- A secret (partner tokens, app secrets, the token key) in the message, the details or a response.
- A Python traceback, an exception class name, or database driver text in the message or details.
- More than ``ECHO_LIMIT`` characters of one input string repeated in the message or details, or
  a message and details longer than ``MESSAGE_LIMIT`` in all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tests.fuzz.calls import CLIENT_TIMEOUT, Outcome

FAILING_CODES = {"INTERNAL", "UNKNOWN", "DATA_LOSS"}
ECHO_LIMIT = 200
MESSAGE_LIMIT = 2_000
_WINDOW = ECHO_LIMIT // 2
SCAN_LIMIT = 20_000

LEAK_PATTERNS = [
    re.compile(r"Traceback \(most recent call last\)"),
    re.compile(r'File "[^"]+", line \d+'),
    re.compile(r"\b(?:[A-Z][A-Za-z0-9]*)?(?:Error|Exception)\b(?=[:(\s]|$)"),
    re.compile(r"\b(?:sqlalchemy|psycopg|aiosqlite|asyncpg|sqlite3)\b", re.IGNORECASE),
    re.compile(r"\[SQL: |\(Background on this error"),
]
# Credentials by their shape, whoever issued them: API keys, bearer headers, JWTs (SHOPLINE's
# tokens). Looked for in error messages only: a successful CreateApiKey answer carries a key.
SECRET_PATTERNS = [
    re.compile(r"\bmcc_[A-Za-z0-9_-]{12,}"),
    re.compile(r"\bBearer\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE),
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}"),
]
# Words that end in Error but are plain English in a message, not a class name.
_ENGLISH = {"Error", "error"}
_CLIENT_METADATA_LIMIT = re.compile(r"metadata|header", re.IGNORECASE)


def longest_echo(texts: Iterable[str], inputs: Iterable[str]) -> int:
    """The length of a run of more than ``ECHO_LIMIT`` characters found both in a text and in one
    input (at least; the first such run found), else 0.

    Any common run of more than ``ECHO_LIMIT`` characters contains a whole window of ``_WINDOW``
    characters of the text at a multiple of ``_WINDOW``: only the runs through windows that occur
    in the input are checked. Texts are read up to ``SCAN_LIMIT`` characters (a longer one fails
    on its size anyway)."""
    run = ECHO_LIMIT + 1
    long_inputs = [text for text in inputs if len(text) > ECHO_LIMIT]
    for text in texts:
        text = text[:SCAN_LIMIT]
        if len(text) < run:
            continue
        for source in long_inputs:
            for window in range(0, len(text) - _WINDOW + 1, _WINDOW):
                if text[window : window + _WINDOW] not in source:
                    continue
                for start in range(max(0, window + _WINDOW - run), min(window, len(text) - run) + 1):
                    found = source.find(text[start : start + run])
                    if found >= 0:
                        return _run_length(text, start, source, found)
    return 0


def _run_length(text: str, at: int, source: str, found: int) -> int:
    """The common run through ``text[at]`` and ``source[found]``, extended both ways."""
    before = 0
    while at - before > 0 and found - before > 0 and text[at - before - 1] == source[found - before - 1]:
        before += 1
    after = 0
    while (
        at + after < len(text) and found + after < len(source) and text[at + after] == source[found + after]
    ):
        after += 1
    return before + after


def leaks(texts: Iterable[str], inputs: Iterable[str]) -> list[str]:
    """Traces, exception class names and driver text that the caller did not send itself."""
    sent = "\x00".join(inputs)
    found = []
    for text in texts:
        for pattern in LEAK_PATTERNS:
            for match in pattern.finditer(text):
                word = match.group(0)
                if word not in _ENGLISH and word not in sent:
                    found.append(word)
    return sorted(set(found))


def secrets_in(
    texts: Iterable[str], responses: Iterable[bytes], secrets: Iterable[str], inputs: Iterable[str] = ()
) -> list[str]:
    """Known secret values anywhere in the answer, and credential-shaped text in its messages
    that the caller did not send."""
    joined = "\x00".join(texts)
    raw = b"\x00".join(responses)
    sent = "\x00".join(inputs)
    hits = [secret[:6] + "…" for secret in secrets if secret in joined or secret.encode() in raw]
    for pattern in SECRET_PATTERNS:
        hits += [m.group(0)[:6] + "…" for m in pattern.finditer(joined) if m.group(0) not in sent]
    return hits


def problems(outcome: Outcome, inputs: list[str], secrets: list[str], *, streaming: bool) -> list[str]:
    found = []
    if outcome.code in FAILING_CODES:
        found.append(f"status {outcome.code}")
    if outcome.code == CLIENT_TIMEOUT:
        found.append("hang: no answer at all (the server's event loop is stuck?)")
    if outcome.code == "DEADLINE_EXCEEDED" and not (streaming and outcome.responses):
        found.append("hang: DEADLINE_EXCEEDED" + (" before the first message" if streaming else ""))
    over_limit = outcome.code == "RESOURCE_EXHAUSTED" and bool(_CLIENT_METADATA_LIMIT.search(outcome.message))
    if over_limit:
        # The client's own message then quotes part of the trailers: no echo check on top.
        found.append("answer over the client's metadata limit (a message echoing a large input?)")
    hidden = secrets_in(outcome.texts, outcome.responses, secrets, inputs)
    if hidden:
        found.append(f"secret in the answer: {', '.join(hidden)}")
    leaked = leaks(outcome.texts, inputs)
    if leaked:
        found.append(f"trace or exception text in the message: {', '.join(leaked[:3])}")
    # A message may quote an input as Python would (NUL as \x00): that is an echo too.
    quoted = [repr(text)[1:-1] for text in inputs if len(text) * 4 > ECHO_LIMIT and not text.isprintable()]
    echoed = 0 if over_limit else longest_echo(outcome.texts, [*inputs, *quoted])
    if echoed:
        found.append(f"message echoes {echoed} characters of the input")
    size = sum(len(text) for text in outcome.texts)
    if size > MESSAGE_LIMIT and not echoed and not over_limit:
        found.append(f"message and details of {size} characters")
    return found

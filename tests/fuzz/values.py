"""Hostile values for one field, by its protobuf type, each labelled with its input kind.

Kinds (they name the failure classes in the summary): out-of-range Timestamps and Durations,
decimals that are huge, negative, NaN or infinite (decimal fields are strings in this API),
integers at and beyond the 32- and 64-bit bounds, NUL bytes, long strings (up to 1 MiB), unicode,
another merchant's names, malformed names, huge repeated fields and maps, bad update masks, bad
page tokens, unknown enum numbers.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from google.protobuf import duration_pb2, field_mask_pb2, timestamp_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from hypothesis import strategies as st

from tests.fuzz.descriptors import (
    DURATION,
    FIELD_MASK,
    TIMESTAMP,
    dotted,
    is_map,
    is_message,
    is_repeated,
    leaf_paths,
)
from tests.fuzz.population import Population

Drawn = tuple[Any, str]  # a value and its input kind
T = TypeVar("T")

MIB = 1 << 20
# Timestamp limits: 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z.
TIMESTAMP_MIN, TIMESTAMP_MAX = -62_135_596_800, 253_402_300_799
DURATION_MAX = 315_576_000_000  # 10,000 years, the Duration limit
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
UINT32 = (0, 2**32 - 1)
UINT64 = (0, 2**64 - 1)

DECIMALS = [
    "NaN", "-NaN", "sNaN", "nan", "Infinity", "-Infinity", "inf", "-inf",
    "1e24", "-1e24", "1E+999999999", "1e-999999999", "1e999999999999999999", "9" * 400,
    "-" + "9" * 400, "0." + "0" * 400 + "1", "1" + "0" * 30, "-1", "-0", "+1", "0", "0.0000001",
    "1_000", ".5", "5.", "0x10", "1,5", " 1 ", "1e3", "12.345678901234", "100.000001",
    "-0.999999", "-1.0000001", "99999999999999999999.99", "\u0661\u0662\u0663", "\uff11\uff12",
]  # fmt: skip
BIG_DIGITS = [12, 24, 28, 30, 40, 100, 400]
UNICODE = [
    "\u202eevil", "\u200b", "\ufeffapps", "\u0430pps/x", "\U0001f600" * 3, "e\u0301", "\u2028",
    "\uff41\uff50\uff50\uff53", "\u0661\u0662\u0663", "\uff11\uff12\uff13", "\u00df", "\u0130",
]  # fmt: skip
LONG_UNITS = ["a", "\u00e9", "\x00", "9", "apps/x/", "\U0001f600", "%"]
LONG_LENGTHS = [201, 3_000, 70_000, MIB]


class LongText(str):
    """A long string that prints short (hypothesis prints what it drew when an example fails)."""

    def __repr__(self) -> str:
        return f"<{len(self)} chars: {str.__repr__(self[:12])}…>"


class ManyItems(list):  # type: ignore[type-arg]
    def __repr__(self) -> str:
        return f"<{len(self)} times {self[0]!r}>" if self else "[]"


class ManyEntries(dict):  # type: ignore[type-arg]
    def __repr__(self) -> str:
        return f"<{len(self)} entries>"


@dataclass
class Context:
    """What the values of one request draw on: the populated names, by the method they go to."""

    population: Population
    method_name: str

    @property
    def names(self) -> list[str]:
        return self.population.names_for(self.method_name)

    @property
    def other_names(self) -> list[str]:
        return self.population.other_names_for(self.method_name)


def labelled(strategy: st.SearchStrategy[Any], kind: str) -> st.SearchStrategy[Drawn]:
    return strategy.map(lambda value: (value, kind))


def any_of(*strategies: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """One of the strategies, each as likely as the others (``one_of`` favours some branches)."""
    return st.sampled_from(strategies).flatmap(lambda chosen: chosen)


def live_choice(pool: Callable[[], list[Any]]) -> st.SearchStrategy[Any]:
    """One element of a list read when drawn (the throwaway shops change as they are deleted)."""
    return st.integers(0, 1 << 16).map(lambda i: _pick(pool(), i))


def _pick(items: list[Any], index: int) -> Any:
    return items[index % len(items)] if items else ""


# --- strings -------------------------------------------------------------------------------------


def _long_strings() -> st.SearchStrategy[str]:
    return st.builds(
        lambda unit, length: LongText((unit * (length // len(unit) + 1))[:length]),
        st.sampled_from(LONG_UNITS),
        st.sampled_from(LONG_LENGTHS),
    )


def _with_nul(text: str, position: int) -> str:
    cut = position % (len(text) + 1)
    return text[:cut] + "\x00" + text[cut:]


_MALFORMING: list[Callable[[str], str]] = [
    lambda n: n + "/",
    lambda n: "/" + n,
    lambda n: n.upper(),
    lambda n: n.replace("apps/", "apps//"),
    lambda n: n + "/../" + n,
    lambda n: n.replace("/", "%2F"),
    lambda n: n + "?page=1",
    lambda n: n + " ",
    lambda n: n + "\n",
    lambda n: n.replace("apps/", "\u0430pps/"),
    lambda n: n.rsplit("/", 1)[0] + "/" + "a" * 65,
    lambda n: n.rsplit("/", 1)[0] + "/-",
    lambda n: n.rsplit("/", 1)[0] + "/" + "9" * 65,
    lambda n: n.rsplit("/", 1)[0] + "/" + str(2**64),
    lambda n: n.rsplit("/", 1)[0] + "/-1",
    lambda n: n.rsplit("/", 1)[0] + "/\uff11\uff12",
    lambda n: n.rsplit("/", 1)[0],
    lambda n: n + "/" + n,
    lambda n: "projects/" + n,
    lambda n: n.replace("shops", "Shops"),
    lambda n: "apps/*" + n[n.find("/", 5) :] if n.count("/") > 1 else "apps/*",
]


def _malformed(names: list[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda name, malform: malform(name), st.sampled_from(names), st.sampled_from(_MALFORMING)
    )


def _bad_page_tokens(population: Population) -> st.SearchStrategy[str]:
    tokens = population.page_tokens or ["AAAA"]

    def tampered(token: str, position: int) -> str:
        at = position % len(token)
        return token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]

    forged = [
        base64.urlsafe_b64encode(json.dumps(body).encode()).decode().rstrip("=")
        for body in ({"c": "x"}, {"c": 2**70, "f": "0"}, [], {"c": None})
    ]
    return any_of(
        st.sampled_from(tokens),  # real, but very likely for another list or filter
        st.builds(tampered, st.sampled_from(tokens), st.integers(0, 200)),
        st.sampled_from(tokens).map(lambda t: t[: len(t) // 2]),
        st.sampled_from(tokens).map(lambda t: t + "=="),
        st.sampled_from(forged),
        st.sampled_from(["-", "=", "%%%", LongText("A" * 4096), "\x00", "null"]),
    )


_DECIMAL_SHAPE = re.compile(r"-?\d+(\.\d+)?")


def hostile_strings(context: Context, hint: str | None = None) -> st.SearchStrategy[Drawn]:
    """Hostile strings of every kind; with a well-formed value of the field as ``hint``, the
    kinds of its shape (decimals, names) half the time."""
    names = context.names
    with_nul = st.builds(_with_nul, st.sampled_from([*names, "x", "USD", "0.5"]), st.integers(0, 1 << 10))
    unicode = st.one_of(
        st.sampled_from(UNICODE), st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
    )
    decimals = any_of(
        st.sampled_from(DECIMALS),
        st.sampled_from(BIG_DIGITS).map(lambda n: "1" + "0" * n),  # huge, yet plain decimal syntax
        st.builds(
            lambda sign, n: sign + "0." + "0" * n + "1",
            st.sampled_from(["", "-"]),
            st.sampled_from(BIG_DIGITS),
        ),
        st.integers(-(10**7), 10**7).map(lambda e: f"1e{e}"),
    )
    malformed = labelled(_malformed(names), "name-malformed")
    other_app = labelled(live_choice(lambda: context.other_names), "name-other-app")
    if hint and _DECIMAL_SHAPE.fullmatch(hint):
        shaped: st.SearchStrategy[Drawn] | None = labelled(decimals, "decimal")
    elif hint and hint.startswith("apps/"):
        shaped = any_of(malformed, other_app)
    else:
        shaped = None
    every_kind = any_of(
        labelled(st.sampled_from(["", " ", "\t"]), "empty"),
        labelled(with_nul, "nul"),
        labelled(_long_strings(), "long"),
        labelled(unicode, "unicode"),
        labelled(decimals, "decimal"),
        other_app,
        malformed,
        labelled(live_choice(lambda: context.names), "name-other-kind"),
        labelled(_bad_page_tokens(context.population), "page-token"),
    )
    return every_kind if shaped is None else any_of(shaped, every_kind)


# --- numbers -------------------------------------------------------------------------------------

_INT_TYPES = {
    FieldDescriptor.TYPE_INT32: INT32,
    FieldDescriptor.TYPE_SINT32: INT32,
    FieldDescriptor.TYPE_SFIXED32: INT32,
    FieldDescriptor.TYPE_INT64: INT64,
    FieldDescriptor.TYPE_SINT64: INT64,
    FieldDescriptor.TYPE_SFIXED64: INT64,
    FieldDescriptor.TYPE_UINT32: UINT32,
    FieldDescriptor.TYPE_FIXED32: UINT32,
    FieldDescriptor.TYPE_UINT64: UINT64,
    FieldDescriptor.TYPE_FIXED64: UINT64,
}
_BOUNDARIES = [0, 1, -1, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**53 + 1, -(2**31), -(2**31) - 1]


def _integers(low: int, high: int) -> st.SearchStrategy[Drawn]:
    bounds = sorted({low, low + 1, high - 1, high, *(b for b in _BOUNDARIES if low <= b <= high)})
    return any_of(labelled(st.sampled_from(bounds), "int-bound"), labelled(st.integers(low, high), "int"))


_FLOATS = [math.nan, math.inf, -math.inf, 1e308, -1e308, 5e-324, -0.0]


def _enum_values(field: FieldDescriptor) -> st.SearchStrategy[Drawn]:
    known = [value.number for value in field.enum_type.values]
    unknown = [-1, max(known) + 1, 999, *INT32]
    return any_of(
        labelled(st.sampled_from(known), "enum"), labelled(st.sampled_from(unknown), "enum-unknown")
    )


# --- well-known messages -------------------------------------------------------------------------


def _timestamp(seconds: int, nanos: int) -> timestamp_pb2.Timestamp:
    return timestamp_pb2.Timestamp(seconds=seconds, nanos=nanos)


def _pairs(build: Callable[[int, int], Any], seconds: list[int], nanos: list[int]) -> st.SearchStrategy[Any]:
    return st.builds(build, st.sampled_from(seconds), st.sampled_from(nanos))


def timestamps() -> st.SearchStrategy[Drawn]:
    out_seconds = [TIMESTAMP_MIN - 1, TIMESTAMP_MAX + 1, *INT64, 10**12, -(10**12), 2**33]
    out_nanos = [-1, 10**9, *INT32]
    edge_seconds = [TIMESTAMP_MIN, TIMESTAMP_MAX, 0, -1]
    return any_of(
        labelled(_pairs(_timestamp, out_seconds, [0]), "timestamp-out-of-range"),
        labelled(_pairs(_timestamp, [0, 1_700_000_000], out_nanos), "timestamp-out-of-range"),
        labelled(_pairs(_timestamp, edge_seconds, [0, 999_999_999]), "timestamp-edge"),
        labelled(st.builds(_timestamp, st.integers(*INT64), st.integers(*INT32)), "timestamp-random"),
    )


def _duration(seconds: int, nanos: int) -> duration_pb2.Duration:
    return duration_pb2.Duration(seconds=seconds, nanos=nanos)


def durations() -> st.SearchStrategy[Drawn]:
    out_seconds = [DURATION_MAX + 1, -DURATION_MAX - 1, *INT64, 10**15]
    out_nanos = [-1, 10**9, *INT32, -5]  # also nanos whose sign differs from the seconds'
    edge_seconds = [DURATION_MAX, -DURATION_MAX, 0, -1, 1, 300, 301]
    return any_of(
        labelled(_pairs(_duration, out_seconds, [0]), "duration-out-of-range"),
        labelled(_pairs(_duration, [1, -1, 0], out_nanos), "duration-out-of-range"),
        labelled(_pairs(_duration, edge_seconds, [0, 1, 999_999_999]), "duration-edge"),
        labelled(st.builds(_duration, st.integers(*INT64), st.integers(*INT32)), "duration-random"),
    )


def _mask_paths(request: Descriptor) -> list[str]:
    """The leaf paths of the request's resource messages, as a client would put in a mask."""
    paths = []
    for field in request.fields:
        if is_message(field) and not is_repeated(field) and field.message_type.full_name not in {FIELD_MASK}:
            paths += [dotted(path) for path in leaf_paths(field.message_type)]
    return paths or ["name"]


def field_masks(request: Descriptor) -> st.SearchStrategy[Drawn]:
    valid = _mask_paths(request)
    parents = sorted({path.rsplit(".", 1)[0] for path in valid if "." in path}) or valid
    bad = [
        [""], ["*"], ["nope"], ["name"], [".x"], ["x."], ["a..b"], ["a.b.c.d.e.f"], ["update_time"],
        ["settings.nope"], ["Settings"], ["name\x00"], [valid[0] + "\x00"], [valid[0], valid[0]],
        [valid[0].upper()], [LongText("a" * 3_000)], ["settings.default_price_rule.fixed_amount.amount.x"],
    ]  # fmt: skip
    return any_of(
        labelled(st.sampled_from(bad), "mask-bad"),
        labelled(st.lists(st.sampled_from(valid), min_size=1, max_size=4), "mask-valid-path"),
        labelled(st.lists(st.sampled_from(parents), min_size=1, max_size=2), "mask-parent-path"),
        labelled(
            st.sampled_from(
                [valid, ManyItems([valid[0]] * 10_000), ManyItems(f"x{i}" for i in range(10_000))]
            ),
            "mask-huge",
        ),
    ).map(lambda drawn: (field_mask_pb2.FieldMask(paths=drawn[0]), drawn[1]))


# --- by field ------------------------------------------------------------------------------------


def hostile_value(
    field: FieldDescriptor, context: Context, request: Descriptor, hint: str | None = None
) -> st.SearchStrategy[Drawn]:
    """A hostile value for a singular field (or one element of a repeated one)."""
    if field.type == FieldDescriptor.TYPE_STRING:
        return hostile_strings(context, hint)
    if field.type in _INT_TYPES:
        return _integers(*_INT_TYPES[field.type])
    if field.type == FieldDescriptor.TYPE_BOOL:
        return labelled(st.booleans(), "bool")
    if field.type == FieldDescriptor.TYPE_ENUM:
        return _enum_values(field)
    if field.type in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return labelled(st.sampled_from(_FLOATS), "float-special")
    if field.type == FieldDescriptor.TYPE_BYTES:
        return any_of(labelled(st.binary(max_size=64), "bytes"), labelled(st.just(b"\x00" * MIB), "long"))
    full_name = field.message_type.full_name
    if full_name == TIMESTAMP:
        return timestamps()
    if full_name == DURATION:
        return durations()
    if full_name == FIELD_MASK:
        return field_masks(request)
    raise TypeError(f"no hostile scalar for message field {field.full_name}")


HUGE_COUNTS = [1_000, 100_000]


def huge_repeated(field: FieldDescriptor, plain: st.SearchStrategy[Any]) -> st.SearchStrategy[Drawn]:
    """The same small plausible element many times (a huge list, not a huge message of huge values)."""
    if is_map(field):
        return labelled(
            st.sampled_from(HUGE_COUNTS).map(lambda n: ManyEntries({f"k{i}": "v" for i in range(n)})),
            "huge-map",
        )
    return labelled(
        st.builds(lambda element, n: ManyItems([element] * n), plain, st.sampled_from(HUGE_COUNTS)),
        "huge-repeated",
    )

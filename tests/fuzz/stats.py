"""Figures of a fuzz session: requests per RPC, status histogram, INTERNAL count, and the failure
classes found (RPC, field, input kind, status, message excerpt, the server's exception), written
as JSON and printed at the end of the session."""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from tests.fuzz.calls import Outcome
from tests.fuzz.requests import Generated

REPORT_VARIABLE = "MCC_FUZZ_REPORT"
EXAMPLES_PER_CLASS = 3
_CORRELATION = re.compile(r"correlation id ([0-9A-Za-z_-]+)")


def report_path() -> str:
    return os.environ.get(REPORT_VARIABLE) or f"/tmp/mcc-fuzz-report-{os.getpid()}.json"


class ServerErrors(logging.Handler):
    """The exception behind each INTERNAL answer, by correlation id, from the server's error log."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.by_correlation: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        correlation = getattr(record, "args", None)
        if not record.exc_info or not isinstance(correlation, tuple) or len(correlation) < 2:
            return
        error = record.exc_info[1]
        where = ""
        trace = error.__traceback__ if error is not None else None
        while trace is not None and trace.tb_next is not None:
            trace = trace.tb_next
        if trace is not None:
            code = trace.tb_frame.f_code
            where = f" at {os.path.basename(code.co_filename)}:{trace.tb_lineno} {code.co_name}"
        text = f"{type(error).__name__}: {str(error)[:160]}{where}"
        self.by_correlation[str(correlation[1])] = text

    def cause(self, outcome: Outcome) -> str:
        for text in outcome.texts:
            match = _CORRELATION.search(text)
            if match:
                return self.by_correlation.get(match.group(1), "")
        return ""


def _excerpt(text: str, limit: int = 120) -> str:
    text = text.replace("\x00", "\\0").replace("\n", "\\n")
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} chars)"


def _normalised(text: str) -> str:
    """The message with names, ids and numbers blurred, so one cause is one class."""
    text = _CORRELATION.sub("correlation id …", text)
    text = re.sub(r"apps/[^\s'\"]*", "apps/…", text)
    text = re.sub(r"\d+", "N", text)
    return _excerpt(text, 80)


@dataclass
class FailureClass:
    database: str
    rpc: str
    problem: str
    status: str
    message: str
    cause: str
    count: int = 0
    examples: list[str] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)


@dataclass
class FuzzStats:
    requests: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (database, rpc, mode)
    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)  # (database, code)
    statuses_by_rpc: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    kinds: Counter[str] = field(default_factory=Counter)
    failures: dict[tuple[str, ...], FailureClass] = field(default_factory=dict)
    bases: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(
        self,
        database: str,
        rpc: str,
        mode: str,
        generated: Generated,
        outcome: Outcome,
        problems: list[str],
        cause: str,
    ) -> None:
        with self.lock:
            self.requests[(database, rpc, mode)] += 1
            self.statuses[(database, outcome.code)] += 1
            self.statuses_by_rpc[rpc][outcome.code] += 1
            for _, kind in generated.labels:
                self.kinds[kind] += 1
            for problem in problems:
                problem_class = re.sub(r"\d+", "N", problem.split(":")[0])
                key = (
                    database,
                    rpc,
                    problem_class,
                    outcome.code,
                    _normalised(outcome.message),
                    cause.split(" at ")[0][:60],
                )
                found = self.failures.setdefault(
                    key,
                    FailureClass(database, rpc, problem, outcome.code, _excerpt(outcome.message), cause),
                )
                found.count += 1
                found.kinds.update(f"{path}={kind}" for path, kind in generated.labels)
                if len(found.examples) < EXAMPLES_PER_CLASS:
                    found.examples.append(_excerpt(generated.describe(), 200))

    def record_bases(self, database: str, rpc: str, accepted: int) -> None:
        """How many probed requests the server took as well-formed (0: mutations start from
        requests it refused as NOT_FOUND, or from an empty one)."""
        with self.lock:
            self.bases[f"{database}:{rpc}"] = accepted

    def as_json(self) -> dict[str, Any]:
        per_rpc: dict[str, dict[str, int]] = defaultdict(dict)
        for (database, rpc, mode), count in sorted(self.requests.items()):
            per_rpc[rpc][f"{database}/{mode}"] = count
        return {
            "total_requests": sum(self.requests.values()),
            "internal": sum(count for (_, code), count in self.statuses.items() if code == "INTERNAL"),
            "statuses": {f"{db}/{code}": count for (db, code), count in sorted(self.statuses.items())},
            "statuses_by_rpc": {rpc: dict(codes) for rpc, codes in sorted(self.statuses_by_rpc.items())},
            "requests_per_rpc": dict(per_rpc),
            "input_kinds": dict(self.kinds.most_common()),
            "well_formed_bases": self.bases,
            "failure_classes": [
                {
                    "database": f.database,
                    "rpc": f.rpc,
                    "problem": f.problem,
                    "status": f.status,
                    "message": f.message,
                    "server_exception": f.cause,
                    "count": f.count,
                    "fields_and_kinds": dict(f.kinds.most_common(6)),
                    "examples": f.examples,
                }
                for f in sorted(self.failures.values(), key=lambda f: (f.rpc, f.database, -f.count))
            ],
        }

    def summary_lines(self) -> list[str]:
        if not self.requests:
            return []
        data = self.as_json()
        lines = [
            f"{data['total_requests']} requests, INTERNAL: {data['internal']}, "
            f"failure classes: {len(data['failure_classes'])}; full report: {report_path()}",
            "statuses: " + ", ".join(f"{key} {count}" for key, count in data["statuses"].items()),
        ]
        totals = Counter[str]()
        for (_, rpc, _), count in self.requests.items():
            totals[rpc] += count
        lines.append(
            "requests per RPC: " + ", ".join(f"{rpc} {count}" for rpc, count in sorted(totals.items()))
        )
        for failure in data["failure_classes"]:
            lines.append(
                f"  [{failure['database']}] {failure['rpc']}: {failure['problem']} x{failure['count']} "
                f"— {failure['message']!r} {failure['server_exception']} — "
                + ", ".join(list(failure["fields_and_kinds"])[:3])
            )
        return lines

    def write(self) -> str | None:
        if not self.requests:
            return None
        path = report_path()
        with open(path, "w", encoding="utf-8") as out:
            json.dump(self.as_json(), out, indent=2, ensure_ascii=False)
        return path


STATS = FuzzStats()

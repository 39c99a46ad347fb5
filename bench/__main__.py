"""Benchmark suite entry point (`make bench`, `make bench-quick`).

Each benchmark prints its figures as one JSON line, with ratios against a reference measured in
the same run. A registered module provides ``suite(quick)`` (the argument lists of its runs) and
``main(argv)``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

BENCHMARKS: dict[str, str] = {
    "history_import": "bench.history_import",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a run under two minutes")
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {sorted(BENCHMARKS)})")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmarks {unknown}; known: {sorted(BENCHMARKS)}")
    if not BENCHMARKS:
        print(json.dumps({"benchmarks": [], "note": "no benchmarks are registered in this build"}))
        return 0
    failed = 0
    for name in args.names or list(BENCHMARKS):
        module = importlib.import_module(BENCHMARKS[name])
        for run in module.suite(args.quick):
            failed += module.main(run) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

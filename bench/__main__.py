"""Benchmark suite entry point (`make bench`, `make bench-quick`).

Each benchmark prints its figures as one JSON line, with ratios against a reference measured in
the same run. Benchmarks are registered here as they are added.
"""

from __future__ import annotations

import argparse
import json
import sys

BENCHMARKS: dict[str, str] = {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a run under two minutes")
    parser.parse_args(argv)
    if not BENCHMARKS:
        print(json.dumps({"benchmarks": [], "note": "no benchmarks are registered in this build"}))
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

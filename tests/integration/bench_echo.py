"""A stand-in benchmark for the runner's smoke test: one JSON line per run, no service."""

from __future__ import annotations

import argparse
import json
import sys


def suite(quick: bool) -> list[list[str]]:
    return [["--size=1"], ["--size=2"]] if not quick else [["--size=0.5"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=float, required=True)
    args = parser.parse_args(argv)
    if args.size == 2:
        print("not the figures")  # only lines that start with "{" are figures
    print(json.dumps({"benchmark": "echo", "size": args.size, "ratio_to_nothing": args.size}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

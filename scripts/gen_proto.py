#!/usr/bin/env python3
"""Generate the Python protobuf and gRPC stubs of the public API.

Runs ``python -m grpc_tools.protoc`` on every ``proto/multichannel/v1/*.proto`` with the include
paths ``proto``, grpc_tools' bundled well-known types and the googleapis-common-protos install
directory, writing ``*_pb2.py``, ``*_pb2.pyi`` and ``*_pb2_grpc.py`` under ``--out`` (default
``src``), so the modules land in ``src/multichannel/v1/`` and import each other as
``multichannel.v1.x_pb2``. Imports are never rewritten.

``--check`` generates into a temporary directory and compares with ``src/multichannel/v1/``
(``__init__.py`` ignored); it exits 1 listing every file that differs, is missing or is extra.

Usage:
    .venv/bin/python scripts/gen_proto.py            # regenerate into src/
    .venv/bin/python scripts/gen_proto.py --out DIR  # regenerate into DIR/
    .venv/bin/python scripts/gen_proto.py --check    # freshness check (CI)
"""

from __future__ import annotations

import argparse
import filecmp
import importlib.util
import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "proto"
PACKAGE_DIR = Path("multichannel") / "v1"
DEFAULT_OUT = ROOT / "src"


def _well_known_include() -> Path:
    return Path(str(resources.files("grpc_tools") / "_proto"))


def _googleapis_include() -> Path:
    # googleapis-common-protos installs <root>/google/api/*.proto; the include root is <root>.
    spec = importlib.util.find_spec("google.api")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("googleapis-common-protos is not installed (pip install -e '.[dev]')")
    return Path(next(iter(spec.submodule_search_locations))).resolve().parent.parent


def proto_files() -> list[Path]:
    """The proto sources, relative to PROTO_ROOT, in a stable order."""
    return sorted(p.relative_to(PROTO_ROOT) for p in (PROTO_ROOT / PACKAGE_DIR).glob("*.proto"))


def generate(out: Path) -> None:
    """Generate the stubs for every proto into ``out`` (created if needed)."""
    files = proto_files()
    if not files:
        raise SystemExit(f"no .proto files under {PROTO_ROOT / PACKAGE_DIR}")
    out.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "grpc_tools.protoc",
        f"--proto_path={PROTO_ROOT}",
        f"--proto_path={_well_known_include()}",
        f"--proto_path={_googleapis_include()}",
        f"--python_out={out}",
        f"--pyi_out={out}",
        f"--grpc_python_out={out}",
        *(p.as_posix() for p in files),
    ]
    # Relative proto paths (cwd = PROTO_ROOT) keep absolute machine paths out of the output.
    subprocess.run(command, check=True, cwd=PROTO_ROOT)  # noqa: S603 - fixed argument list
    ensure_packages(out)


def ensure_packages(out: Path) -> None:
    """Create empty ``multichannel/__init__.py`` and ``multichannel/v1/__init__.py`` if missing."""
    for package in (out / "multichannel", out / PACKAGE_DIR):
        package.mkdir(parents=True, exist_ok=True)
        init = package / "__init__.py"
        if not init.exists():
            init.write_bytes(b"")


def _generated_names(directory: Path) -> set[str]:
    """Every file of the package directory except ``__init__.py`` (sub-directories such as
    ``__pycache__`` are not files and are skipped)."""
    if not directory.is_dir():
        return set()
    return {p.name for p in directory.iterdir() if p.is_file() and p.name != "__init__.py"}


def check(committed_root: Path) -> list[str]:
    """Problems between freshly generated stubs and those under ``committed_root``; empty if fresh."""
    committed = committed_root / PACKAGE_DIR
    with tempfile.TemporaryDirectory(prefix="gen_proto_") as tmp:
        fresh = Path(tmp) / PACKAGE_DIR
        generate(Path(tmp))
        expected, actual = _generated_names(fresh), _generated_names(committed)
        problems = [f"missing: {committed / name}" for name in sorted(expected - actual)]
        problems += [f"extra:   {committed / name}" for name in sorted(actual - expected)]
        problems += [
            f"differs: {committed / name}"
            for name in sorted(expected & actual)
            if not filecmp.cmp(fresh / name, committed / name, shallow=False)
        ]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output root (default: src)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="generate into a temporary directory and compare with <out>/multichannel/v1",
    )
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if args.check:
        problems = check(out)
        if problems:
            print("generated stubs are stale; run: .venv/bin/python scripts/gen_proto.py", file=sys.stderr)
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
            return 1
        print(f"generated stubs in {out / PACKAGE_DIR} are up to date")
        return 0
    generate(out)
    print(f"generated {len(proto_files())} proto files into {out / PACKAGE_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

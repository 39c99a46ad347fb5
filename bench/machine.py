"""The machine a benchmark run measured: printed above its figures, since absolute times are only
comparable on the same machine."""

from __future__ import annotations

import os
import platform
import sqlite3
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.support import postgres_admin_url, postgres_available


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError):
        pass
    return None


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _postgres_version() -> str | None:
    url = postgres_admin_url()
    if not postgres_available(url):
        return None
    import psycopg
    from sqlalchemy.engine import make_url

    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, connect_timeout=3) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]).split(" ")[0] if row else None


def describe_machine() -> dict[str, Any]:
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "grpcio": _version("grpcio"),
        "sqlalchemy": _version("sqlalchemy"),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _postgres_version(),
    }

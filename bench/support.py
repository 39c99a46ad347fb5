"""Shared pieces of the benchmarks: child processes with their own peak RSS, throwaway databases,
the partner sandbox in a process of its own.

Every measured run is a fresh child process, so one run's heap never inflates the next one's
peak RSS, and the sandbox (which holds the whole generated shop in memory) runs in yet another
process, so its memory and CPU are not counted as the service's.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
TOKEN_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="  # a fixed test key: nothing real is stored
STORE_HANDLE = "sandbox-store"
POSTGRES_URL_VARIABLES = ("MCC_BENCH_POSTGRES_URL", "MCC_TEST_POSTGRES_URL")
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class ChildResult:
    figures: dict[str, Any]
    peak_rss_mib: float


def add_size_and_database(
    parser: argparse.ArgumentParser, presets: Mapping[str, float], unit: str, *, database: str = "postgresql"
) -> None:
    """The ``--size`` (a multiplier of ``unit``, or a preset's name) and ``--database`` flags that
    every benchmark script takes."""

    def size(text: str) -> float:
        if text in presets:
            return presets[text]
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"a multiplier like 1 or 0.1, or one of {sorted(presets)}"
            ) from None
        if value <= 0:
            raise argparse.ArgumentTypeError("the size must be positive")
        return value

    parser.add_argument(
        "--size", type=size, default=1.0, help=f"multiplier of {unit}, or one of {sorted(presets)}"
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default=database)


def child_environment() -> dict[str, str]:
    environment = dict(os.environ)
    source = str(REPOSITORY / "src")
    paths = [str(REPOSITORY), source, *filter(None, environment.get("PYTHONPATH", "").split(os.pathsep))]
    environment["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return environment


def run_child(module: str, arguments: Sequence[str], *, timeout: float | None = None) -> ChildResult:
    """Runs ``python -m module arguments`` and returns the JSON line it printed last and its peak RSS.

    ``os.wait4`` gives the resource usage of exactly that child (RUSAGE_CHILDREN would add up
    every child reaped so far).
    """
    command = [sys.executable, "-m", module, *arguments]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, env=child_environment(), cwd=REPOSITORY, text=True
    )
    assert process.stdout is not None
    try:
        output = process.stdout.read()
    finally:
        process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command[2:])} exited with {process.returncode}")
    lines = [line for line in output.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{' '.join(command[2:])} printed no JSON line")
    # ru_maxrss is in KiB on Linux.
    return ChildResult(json.loads(lines[-1]), round(usage.ru_maxrss / 1024, 1))


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time a running process has used so far (Linux ``/proc``)."""
    # The fields after the parenthesised command name start at the third, the state.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_admin_url() -> str:
    for variable in POSTGRES_URL_VARIABLES:
        value = os.environ.get(variable, "").strip()
        if value:
            return value
    return DEFAULT_POSTGRES_URL


def postgres_available(admin_url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(_libpq(admin_url), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _libpq(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def throwaway_database(database: str) -> Iterator[str]:
    """A fresh, empty database URL of the given kind, removed afterwards."""
    if database == "sqlite":
        with tempfile.TemporaryDirectory(prefix="mcc-bench-") as directory:
            yield f"sqlite+aiosqlite:///{directory}/bench.db"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    admin_url = postgres_admin_url()
    name = f"mcc_bench_{secrets.token_hex(6)}"
    with psycopg.connect(_libpq(admin_url), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(admin_url), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def sandbox_process(products: int, skus_per_product: int, orders: int) -> Iterator[dict[str, Any]]:
    """The sandbox serving one shop of the given size, in its own process; yields its summary."""
    command = [
        sys.executable,
        "-m",
        "bench.sandbox_process",
        f"--products={products}",
        f"--skus={skus_per_product}",
        f"--orders={orders}",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, env=child_environment(), cwd=REPOSITORY, text=True
    )
    assert process.stdout is not None
    try:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the sandbox process ended before it was ready")
        yield json.loads(line)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


# --------------------------------------------------------------------------- the service in a child


def sandbox_settings(sandbox: dict[str, Any], database_url: str) -> Any:
    """The service's settings for the sandbox of ``sandbox_process`` and the given database."""
    from adapters.settings import load_settings

    environment = {**sandbox["env"], "MCC_DATABASE_URL": database_url, "MCC_TOKEN_KEY": TOKEN_KEY}
    environment["MCC_TIKTOK_CONSENT_URL"] = sandbox["tiktok_auth_url"]
    return load_settings(environment)


async def sandbox_control(http: Any, sandbox: dict[str, Any], operation: str, **arguments: Any) -> Any:
    response = await http.post(f"{sandbox['tiktok_api_url']}/_sandbox/{operation}", json=arguments)
    response.raise_for_status()
    return response.json()["result"]


async def install_and_authorize(container: Any, http: Any, sandbox: dict[str, Any]) -> Any:
    """Installs the SHOPLINE app and authorizes the sandbox's TikTok shop, the way a merchant does;
    returns the authorization outcome (its shop and the history import task)."""
    installation = container.api.installation()
    started = await installation.start(STORE_HANDLE)
    callback = await sandbox_control(
        http, sandbox, "install_shopline", handle=STORE_HANDLE, custom_field=started.state
    )
    app = (await installation.complete(callback["params"])).app
    authorization = container.api.shop_authorization()
    pending = await authorization.start(app.id, "US")
    code = (await sandbox_control(http, sandbox, "grant_authorization"))["code"]
    return await authorization.complete(pending.state, code)


async def admin_key_metadata(container: Any) -> tuple[tuple[str, str], ...]:
    """Call metadata with a new admin key for every app: every API call needs a key."""
    from domain.api_key import Role

    issued = await container.api.api_keys().create(Role.ADMIN, None)
    return (("authorization", f"Bearer {issued.secret.reveal()}"),)

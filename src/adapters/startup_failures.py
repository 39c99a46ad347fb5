"""The one table from start-up failures to the single line ``mcc`` prints and its exit code.

Each line names the cause and the setting that fixes it. Anything not in the table is a bug
and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from adapters.crypto.token_cipher import UnknownTokenKey
from adapters.grpc.server import ListenAddressUnavailable
from adapters.inbound_http.server import HttpListenUnavailable
from adapters.persistence.engine import DatabaseUnreachable
from adapters.persistence.migrator import DatabaseNotMigrated
from adapters.sandbox_wiring import SandboxPortUnavailable
from adapters.settings import ConfigError
from adapters.transport_security import InsecureListenRefused

CONFIGURATION_EXIT_CODE = 2
START_FAILURE_EXIT_CODE = 1


@dataclass(frozen=True)
class StartupFailure:
    line: str
    exit_code: int


def _database_unreachable(error: DatabaseUnreachable) -> str:
    return (
        f"cannot reach the database at {error.url} ({error.cause}); "
        "check MCC_DATABASE_URL and that the server is running"
    )


def _listen_unavailable(error: ListenAddressUnavailable) -> str:
    return (
        f"cannot serve gRPC on {error.address} ({error.cause}); "
        "set MCC_LISTEN or --listen to a free HOST:PORT of this host"
    )


def _http_listen_unavailable(error: HttpListenUnavailable) -> str:
    return (
        f"cannot serve HTTP on {error.address} ({error.cause}); "
        "set MCC_HTTP_LISTEN to a free HOST:PORT of this host"
    )


def _sandbox_port_unavailable(error: SandboxPortUnavailable) -> str:
    return (
        f"cannot start the partner sandbox: port {error.port} is not available ({error.cause}); "
        "set MCC_SANDBOX_PORT to the first of three free consecutive ports, or 0 for any free ports"
    )


FAILURE_TABLE: tuple[tuple[type[BaseException], int, Callable[[Any], str]], ...] = (
    (ConfigError, CONFIGURATION_EXIT_CODE, lambda error: f"configuration error: {error}"),
    (DatabaseUnreachable, START_FAILURE_EXIT_CODE, _database_unreachable),
    (DatabaseNotMigrated, START_FAILURE_EXIT_CODE, str),
    (ListenAddressUnavailable, START_FAILURE_EXIT_CODE, _listen_unavailable),
    (HttpListenUnavailable, START_FAILURE_EXIT_CODE, _http_listen_unavailable),
    (SandboxPortUnavailable, START_FAILURE_EXIT_CODE, _sandbox_port_unavailable),
    (UnknownTokenKey, START_FAILURE_EXIT_CODE, str),
    (InsecureListenRefused, CONFIGURATION_EXIT_CODE, str),
)


def describe_startup_failure(error: BaseException) -> StartupFailure | None:
    for family, exit_code, describe in FAILURE_TABLE:
        if isinstance(error, family):
            return StartupFailure(f"mcc: {describe(error)}", exit_code)
    return None

"""The real ``mcc`` process at start-up: each command reads only its own settings, and a failure
to start is one line on stderr naming the cause and the setting that fixes it."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc
import pytest

from tests.e2e.mcc_process import MCC, free_port, is_free, listening_socket, mcc_env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MCC, *args], capture_output=True, text=True, env=env, timeout=60)


def _one_line_failure(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mcc: ")
    return lines[0]


def _migrated_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = mcc_env(tmp_path, **extra)
    migrated = _run(["migrate"], env)
    assert migrated.returncode == 0, migrated.stderr
    return env


@contextmanager
def _held_middle_port() -> Iterator[int]:
    """A held loopback port whose two neighbours are free: the middle of three sandbox ports."""
    for _ in range(20):
        held = listening_socket()
        port = held.getsockname()[1]
        if is_free(port - 1) and is_free(port + 1):
            with held:
                yield port
            return
        held.close()
    pytest.fail("no held port with free neighbours found")


# --- Each command validates only the settings it uses -----------------------------------------


def test_generate_key_writes_the_file_the_key_file_variable_names(tmp_path: Path) -> None:
    path = tmp_path / "token.key"
    env = mcc_env(tmp_path, partners=False, MCC_TOKEN_KEY_FILE=str(path))
    result = _run(["generate-key", str(path)], env)
    assert result.returncode == 0, result.stderr
    assert path.stat().st_mode & 0o777 == 0o600


def test_generate_key_reads_no_settings(tmp_path: Path) -> None:
    env = mcc_env(
        tmp_path, MCC_DATABASE_URL="mysql://nowhere/db", MCC_LISTEN="nowhere", MCC_TOKEN_KEY="short"
    )
    result = _run(["generate-key", str(tmp_path / "token.key")], env)
    assert result.returncode == 0, result.stderr


def test_migrate_reads_only_the_database_url(tmp_path: Path) -> None:
    env = mcc_env(
        tmp_path,
        partners=False,
        MCC_LISTEN="nowhere",
        MCC_TOKEN_KEY_FILE=str(tmp_path / "missing.key"),
        MCC_TIKTOK_API_URL="ftp://example",
    )
    result = _run(["migrate"], env)
    assert result.returncode == 0, result.stderr
    bad_url = _one_line_failure(_run(["migrate"], {**env, "MCC_DATABASE_URL": "mysql://nowhere/db"}))
    assert bad_url.startswith("mcc: configuration error: MCC_DATABASE_URL")


def test_rotate_key_reads_the_database_and_keys_only(tmp_path: Path) -> None:
    env = _migrated_env(tmp_path, partners=False, MCC_LISTEN="nowhere", MCC_SANDBOX_PORT="x")
    result = _run(["rotate-key"], {**env, "MCC_TOKEN_KEY": mcc_env(tmp_path)["MCC_TOKEN_KEY"]})
    assert result.returncode == 0, result.stderr
    bad_old_keys = _one_line_failure(_run(["rotate-key"], {**env, "MCC_TOKEN_OLD_KEYS": "short"}))
    assert bad_old_keys.startswith("mcc: configuration error: MCC_TOKEN_OLD_KEYS")


# --- The database cannot be reached ------------------------------------------------------------


@pytest.mark.parametrize("command", [["migrate"], ["serve"], ["rotate-key"]])
def test_an_unreachable_database_is_one_line_without_the_password(tmp_path: Path, command: list[str]) -> None:
    url = f"postgresql+psycopg://postgres:s3cret-pw@127.0.0.1:{free_port()}/x"
    env = mcc_env(tmp_path, MCC_DATABASE_URL=url, MCC_LISTEN=f"127.0.0.1:{free_port()}")
    line = _one_line_failure(_run(command, env))
    assert "s3cret-pw" not in line
    masked = url.replace("s3cret-pw", "***")
    assert line.startswith(f"mcc: cannot reach the database at {masked} (connection refused)")
    assert "MCC_DATABASE_URL" in line


def test_an_sqlite_file_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    env = mcc_env(tmp_path, MCC_DATABASE_URL=f"sqlite+aiosqlite:///{blocker}/mcc.db")
    line = _one_line_failure(_run(["migrate"], env))
    assert line.startswith("mcc: cannot reach the database at sqlite+aiosqlite:///")
    assert "MCC_DATABASE_URL" in line


# --- Ports that are taken ----------------------------------------------------------------------


def test_a_taken_grpc_address_is_one_line_naming_it(tmp_path: Path) -> None:
    env = _migrated_env(tmp_path)
    with listening_socket() as held:
        address = f"127.0.0.1:{held.getsockname()[1]}"
        from_flag = _one_line_failure(_run(["serve", "--listen", address], env))
        from_variable = _one_line_failure(_run(["serve"], {**env, "MCC_LISTEN": address}))
    for line in (from_flag, from_variable):
        assert line.startswith(f"mcc: cannot serve gRPC on {address} (address already in use)")
        assert "MCC_LISTEN" in line
        assert "--listen" in line


def test_a_taken_http_edge_address_is_one_line_naming_it(tmp_path: Path) -> None:
    env = _migrated_env(tmp_path, MCC_LISTEN=f"127.0.0.1:{free_port()}")
    with listening_socket() as held:
        address = f"127.0.0.1:{held.getsockname()[1]}"
        line = _one_line_failure(_run(["serve"], {**env, "MCC_HTTP_LISTEN": address}))
    assert line.startswith(f"mcc: cannot serve HTTP on {address} (address already in use)")
    assert "MCC_HTTP_LISTEN" in line


def test_a_second_server_on_a_served_address_fails_to_start(tmp_path: Path) -> None:
    env = _migrated_env(tmp_path)
    address = f"127.0.0.1:{free_port()}"
    first = subprocess.Popen(
        [*MCC, "serve", "--listen", address],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        with grpc.insecure_channel(address) as channel:
            grpc.channel_ready_future(channel).result(timeout=60)
        second = _run(["serve", "--listen", address], env)
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    line = _one_line_failure(second)
    assert line.startswith(f"mcc: cannot serve gRPC on {address} (address already in use)")
    assert first.returncode == 0


@pytest.mark.parametrize("command", [["serve", "--sandbox"], ["sandbox"]])
def test_a_taken_sandbox_port_is_one_line_naming_it(tmp_path: Path, command: list[str]) -> None:
    env = _migrated_env(tmp_path, MCC_LISTEN=f"127.0.0.1:{free_port()}")
    with _held_middle_port() as taken:
        line = _one_line_failure(_run(command, {**env, "MCC_SANDBOX_PORT": str(taken - 1)}))
    assert f"port {taken} is not available (address already in use)" in line
    assert "MCC_SANDBOX_PORT" in line

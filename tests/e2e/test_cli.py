"""The ``mcc`` command as operators run it: configuration errors, migrate, serve, graceful stop."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.e2e.mcc_process import MCC, PARTNER_ENV, free_port, mcc_env


def test_version_and_help() -> None:
    assert subprocess.run([*MCC, "--version"], capture_output=True, text=True, check=True).stdout.startswith(
        "mcc "
    )
    for command in ("serve", "migrate", "sandbox"):
        out = subprocess.run([*MCC, command, "--help"], capture_output=True, text=True, check=True).stdout
        assert f"mcc {command}" in out


def test_bad_configuration_is_one_line_naming_the_variable(tmp_path: Path) -> None:
    result = subprocess.run(
        [*MCC, "serve"],
        capture_output=True,
        text=True,
        env=mcc_env(tmp_path, MCC_LISTEN="nowhere"),
        timeout=30,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("mcc: configuration error: MCC_LISTEN: expected HOST:PORT")


def test_serve_without_partner_credentials_names_the_first_missing_one(tmp_path: Path) -> None:
    env = mcc_env(tmp_path, partners=False)
    subprocess.run([*MCC, "migrate"], capture_output=True, env=env, timeout=60, check=True)
    result = subprocess.run([*MCC, "serve"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("mcc: configuration error: MCC_TIKTOK_APP_KEY: expected")
    assert "--sandbox" in lines[-1]


def test_serve_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    result = subprocess.run(
        [*MCC, "serve", "--listen", f"127.0.0.1:{free_port()}"],
        capture_output=True,
        text=True,
        env=mcc_env(tmp_path),
        timeout=60,
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert "run `mcc migrate`" in last


def test_migrate_then_serve_then_stop_gracefully_on_sigterm(tmp_path: Path) -> None:
    env = mcc_env(tmp_path)
    migrated = subprocess.run([*MCC, "migrate"], capture_output=True, text=True, env=env, timeout=60)
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    server = subprocess.Popen(
        [*MCC, "serve", "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=30)
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, err
    assert f"grpcurl -plaintext 127.0.0.1:{port} list" in out
    assert "shutting down" in err


def test_sandbox_flag_starts_the_simulators(tmp_path: Path) -> None:
    env = mcc_env(tmp_path, partners=False, MCC_TOKEN_KEY=PARTNER_ENV["MCC_TOKEN_KEY"], MCC_SANDBOX_PORT="0")
    subprocess.run([*MCC, "migrate"], capture_output=True, env=env, timeout=60, check=True)
    port = free_port()
    server = subprocess.Popen(
        [*MCC, "serve", "--sandbox", "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=60)
        time.sleep(0.1)
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, err
    assert "partner sandbox: TikTok API http://127.0.0.1:" in out
    assert "sandbox-tiktok-app-secret" not in out + err
    assert PARTNER_ENV["MCC_TOKEN_KEY"] not in out + err


def _banner_addresses(server: subprocess.Popen[str]) -> tuple[str, str]:
    """The HTTP edge and the TikTok API sandbox, from the lines ``serve --sandbox`` prints."""
    assert server.stdout is not None
    edge = sandbox = ""
    while not (edge and sandbox):
        line = server.stdout.readline()
        assert line, "the server stopped before printing its addresses"
        if found := re.search(r"HTTP edge on (http://\S+)", line):
            edge = found[1]
        if found := re.search(r"TikTok API (http://[^,\s]+)", line):
            sandbox = found[1]
    return edge, sandbox


def test_serve_with_the_sandbox_has_its_webhooks_delivered_to_the_http_edge(tmp_path: Path) -> None:
    env = mcc_env(tmp_path, partners=False, MCC_TOKEN_KEY=PARTNER_ENV["MCC_TOKEN_KEY"], MCC_SANDBOX_PORT="0")
    subprocess.run([*MCC, "migrate"], capture_output=True, env=env, timeout=60, check=True)
    server = subprocess.Popen(
        [*MCC, "serve", "--sandbox", "--listen", f"127.0.0.1:{free_port()}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        edge, sandbox = _banner_addresses(server)
        asked = urllib.request.Request(f"{sandbox}/_sandbox/configure_webhooks", data=b"{}", method="POST")
        with urllib.request.urlopen(asked, timeout=30) as reply:
            configured = json.load(reply)["result"]
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert configured["tiktok_url"] == f"{edge}/webhooks/tiktok"
    assert list(configured["shopline_urls"].values()) == [f"{edge}/webhooks/shopline"]


def test_generate_key_writes_a_private_key_file_once(tmp_path: Path) -> None:
    path = tmp_path / "var" / "token.key"
    first = subprocess.run([*MCC, "generate-key", str(path)], capture_output=True, text=True, timeout=30)
    assert first.returncode == 0, first.stderr
    assert path.stat().st_mode & 0o777 == 0o600
    key = path.read_text()
    assert key.strip() not in first.stdout
    again = subprocess.run([*MCC, "generate-key", str(path)], capture_output=True, text=True, timeout=30)
    assert again.returncode == 0
    assert path.read_text() == key
    env = mcc_env(tmp_path, partners=False, MCC_TOKEN_KEY_FILE=str(path))
    subprocess.run([*MCC, "migrate"], capture_output=True, env=env, timeout=60, check=True)
    rotated = subprocess.run([*MCC, "rotate-key"], capture_output=True, text=True, env=env, timeout=60)
    assert rotated.returncode == 0, rotated.stderr
    assert "0 token rows now use key" in rotated.stdout


def test_rotate_key_needs_a_key(tmp_path: Path) -> None:
    result = subprocess.run(
        [*MCC, "rotate-key"],
        capture_output=True,
        text=True,
        env=mcc_env(tmp_path, partners=False),
        timeout=60,
    )
    assert result.returncode == 2
    assert "MCC_TOKEN_KEY" in result.stderr

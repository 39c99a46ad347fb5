"""``mcc api-key`` as operators run it, and the local admin key ``mcc serve`` keeps for ``make run``."""

from __future__ import annotations

import re
import signal
import subprocess
from pathlib import Path

import grpc

from multichannel.v1 import app_pb2, app_pb2_grpc
from tests.e2e.mcc_process import MCC, PARTNER_ENV, free_port, mcc_env

KEY = re.compile(r"mcc_([0-9a-f]{10})_[A-Za-z0-9_-]{43}")


def _mcc(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MCC, *args], capture_output=True, text=True, env=env, timeout=60)


def test_create_prints_the_key_once_then_list_and_revoke(tmp_path: Path) -> None:
    env = mcc_env(tmp_path, partners=False)
    assert _mcc(env, "migrate").returncode == 0

    created = _mcc(
        env,
        "api-key",
        "create",
        "--role",
        "operator",
        "--app",
        "apps/a1",
        "--app",
        "apps/a2",
        "--expires",
        "90d",
    )
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    matched = KEY.fullmatch(key)
    assert matched is not None, created.stdout
    prefix = f"mcc_{matched[1]}"
    assert f"created key {prefix}" in created.stderr and "role operator; apps/a1, apps/a2" in created.stderr
    admin = _mcc(env, "api-key", "create", "--role", "admin")
    assert admin.returncode == 0 and "every app" in admin.stderr

    listed = _mcc(env, "api-key", "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split()[:5] == ["PREFIX", "ID", "ROLE", "APPS", "STATE"]
    mine = next(line.split() for line in lines if line.startswith(prefix))
    assert mine[2:5] == ["operator", "apps/a1,apps/a2", "active"]
    assert key[len(prefix) + 1 :] not in listed.stdout + created.stderr

    revoked = _mcc(env, "api-key", "revoke", prefix)
    assert revoked.returncode == 0, revoked.stderr
    assert f"revoked key {prefix}" in revoked.stdout
    after = next(
        line.split() for line in _mcc(env, "api-key", "list").stdout.splitlines() if line.startswith(prefix)
    )
    assert after[4] == "revoked"
    assert _mcc(env, "api-key", "revoke", "mcc_ffffffffff").returncode == 1


def test_create_refuses_bad_arguments_in_one_line(tmp_path: Path) -> None:
    env = mcc_env(tmp_path, partners=False)
    assert _mcc(env, "migrate").returncode == 0
    for args, says in [
        (["--role", "reader"], "apps"),
        (["--role", "reader", "--app", "shops/x"], "--app"),
        (["--role", "admin", "--expires", "soon"], "--expires"),
    ]:
        result = _mcc(env, "api-key", "create", *args)
        assert result.returncode in (1, 2), result
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1 and says in result.stderr


def test_serve_keeps_a_working_admin_key_in_its_file(tmp_path: Path) -> None:
    key_file = tmp_path / "var" / "admin.key"
    env = mcc_env(
        tmp_path,
        partners=False,
        MCC_TOKEN_KEY=PARTNER_ENV["MCC_TOKEN_KEY"],
        MCC_SANDBOX_PORT="0",
        MCC_ADMIN_KEY_FILE=str(key_file),
    )
    assert _mcc(env, "migrate").returncode == 0
    keys = []
    for _ in range(2):  # the second start keeps the key the first one made
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
                key = key_file.read_text().strip()
                reply = app_pb2_grpc.AppServiceStub(channel).ListApps(
                    app_pb2.ListAppsRequest(), metadata=(("authorization", f"Bearer {key}"),), timeout=10
                )
                assert list(reply.apps) == []
            server.send_signal(signal.SIGTERM)
            out, err = server.communicate(timeout=30)
        finally:
            if server.poll() is None:
                server.kill()
        assert server.returncode == 0, err
        keys.append(key)
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert key not in out + err
        assert f'-H "authorization: Bearer $(cat {key_file})"' in out
    assert keys[0] == keys[1]
    listed = _mcc(env, "api-key", "list").stdout
    assert sum(line.startswith("mcc_") for line in listed.splitlines()) == 1

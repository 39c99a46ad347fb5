"""Process lifecycles behind the CLI: migrate, serve (optionally with the sandbox), sandbox alone.

Start-up failures propagate as exceptions; ``adapters.startup_failures`` turns them into one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shlex
import signal
import sys
from pathlib import Path
from typing import Any

from adapters.bootstrap import build_container
from adapters.crypto.token_cipher import TokenCipher, new_key
from adapters.key_commands import ensure_local_admin_key
from adapters.lifecycle import start_service
from adapters.logging_setup import configure_logging
from adapters.persistence.engine import create_engine, session_factory
from adapters.persistence.migrator import ensure_migrated, upgrade_to_head
from adapters.persistence.token_rotation import rotate
from adapters.sandbox_wiring import (
    deliver_sandbox_webhooks_to,
    sandbox_ports,
    start_sandbox_for,
    unavailable_sandbox_port,
)
from adapters.settings import Settings, redact_url, require_serving_settings, require_token_key

log = logging.getLogger("mcc")


async def migrate(settings: Settings) -> int:
    configure_logging(settings.log_level)
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()
    print(f"mcc: database {redact_url(settings.database_url)} is at the latest schema")
    return 0


async def serve(settings: Settings, *, sandbox: bool = False) -> int:
    masking = configure_logging(
        settings.log_level,
        [settings.tiktok_app_secret, settings.shopline_app_secret],
    )
    # The schema check at start-up is routine; migration chatter belongs to `mcc migrate`.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    running_sandbox = None
    if sandbox:
        running_sandbox, settings = await start_sandbox_for(settings)
        masking.add(settings.tiktok_app_secret)
        masking.add(settings.shopline_app_secret)

    try:
        require_serving_settings(settings)
        container = build_container(settings)
        service = await start_service(container)
        if settings.admin_key_file is not None:
            path = Path(settings.admin_key_file)
            if await ensure_local_admin_key(path, container.api.api_keys(), container.api.authenticator()):
                log.info("made a new admin key for every app in %s (mode 0600)", path)
        if running_sandbox is not None:
            edge = f"http://{_reachable(settings.http_listen, service.http_port)}"
            deliver_sandbox_webhooks_to(running_sandbox, edge)
        _print_banner(settings, service.port, service.http_port, running_sandbox)
        await _wait_for_stop_signal()
        log.info("shutting down grace_seconds=%s", settings.shutdown_grace_seconds)
        await service.stop(settings.shutdown_grace_seconds)
    finally:
        if running_sandbox is not None:
            await running_sandbox.close()
    return 0


async def _wait_for_stop_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.remove_signal_handler(sig)


def _reachable(listen: str, port: int) -> str:
    host = listen.rpartition(":")[0].strip("[]") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # noqa: S104 - only to print a reachable address
        host = "127.0.0.1"
    return f"{host}:{port}"


def _print_banner(settings: Settings, port: int, http_port: int, running_sandbox: Any) -> None:
    target = _reachable(settings.listen, port)
    tls = settings.tls_cert_file is not None
    scheme, security = ("https", "with TLS") if tls else ("http", "in plaintext")
    # With TLS, grpcurl checks the certificate (-cacert CA.pem for a private CA).
    plaintext = "" if tls else "-plaintext "
    lines = [
        f"mcc: serving gRPC {security} on {target} (database {redact_url(settings.database_url)})",
        f"mcc: HTTP edge on {scheme}://{_reachable(settings.http_listen, http_port)} "
        "(webhooks, OAuth callbacks, /healthz, /readyz)",
    ]
    if running_sandbox is not None:
        lines.append(
            f"mcc: partner sandbox: TikTok API {running_sandbox.tiktok_api_url}, "
            f"TikTok auth {running_sandbox.tiktok_auth_url}, SHOPLINE {running_sandbox.shopline_url()}; "
            "its webhooks go to the HTTP edge"
        )
    # The key stays in its file: the lines read it there, so it never reaches a terminal or log.
    if settings.admin_key_file is not None:
        key = f"$(cat {shlex.quote(settings.admin_key_file)})"
        where = f"# the admin key {settings.admin_key_file}, made on the first start"
    else:
        key = "$MCC_KEY"
        where = "# MCC_KEY: a key from `mcc api-key create --role admin`"
    lines += [
        "Try:",
        f"  grpcurl {plaintext}{target} list",
        f"  grpcurl {plaintext}{target} describe multichannel.v1.ShopService",
        f"  grpcurl {plaintext}{target} grpc.health.v1.Health/Check",
        f"  grpcurl {plaintext}-H \"authorization: Bearer {key}\" -d '{{}}' {target} "
        f"multichannel.v1.AppService/ListApps   {where}",
    ]
    print("\n".join(lines), flush=True)


def run_sandbox(settings: Settings) -> int:
    try:
        from sandbox.runner import main as sandbox_main
    except ImportError:
        print("mcc: the partner sandbox is not yet available in this build", file=sys.stderr)
        return 1
    api_port, auth_port, shopline_port = sandbox_ports(settings.sandbox_port)
    ports = ["--tiktok-port", str(api_port), "--tiktok-auth-port", str(auth_port)]
    try:
        return int(sandbox_main([*ports, "--shopline-port", str(shopline_port)]) or 0)
    except OSError as error:
        unavailable = unavailable_sandbox_port(settings.sandbox_port, error)
        if unavailable is None:
            raise
        raise unavailable from error


def generate_key(path: str) -> int:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        print(f"mcc: key file {target} already exists; left unchanged")
        return 0
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(new_key() + "\n")
    print(f"mcc: wrote a new token key to {target} (mode 0600); set MCC_TOKEN_KEY_FILE={target}")
    return 0


async def rotate_key(settings: Settings) -> int:
    configure_logging(settings.log_level)
    token_key = require_token_key(settings)
    cipher = TokenCipher(token_key, settings.token_old_keys)
    engine = create_engine(settings.database_url)
    try:
        await ensure_migrated(engine)
        rewritten = await rotate(session_factory(engine), cipher)
    finally:
        await engine.dispose()
    print(f"mcc: {rewritten} token rows now use key {cipher.current_key_id}")
    return 0

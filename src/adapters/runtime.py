"""Process lifecycles behind the CLI: migrate, serve (optionally with the sandbox), sandbox alone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

from adapters.bootstrap import Container, build_container
from adapters.logging_setup import configure_logging
from adapters.persistence.engine import create_engine
from adapters.persistence.migrator import DatabaseNotMigrated, ensure_migrated, upgrade_to_head
from adapters.settings import Settings, redact_url

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
        from adapters.sandbox_wiring import start_sandbox_for

        running_sandbox, settings = await start_sandbox_for(settings)
        masking.add(settings.tiktok_app_secret)
        masking.add(settings.shopline_app_secret)

    container = build_container(settings)
    try:
        await container.init_resources()
        try:
            await ensure_migrated(container.engine())
        except DatabaseNotMigrated as error:
            print(f"mcc: {error}", file=sys.stderr)
            return 1
        server = await container.grpc_server()
        _print_banner(settings, server.port, running_sandbox)
        await _wait_for_stop_signal()
        log.info("shutting down grace_seconds=%s", settings.shutdown_grace_seconds)
        await server.stop(settings.shutdown_grace_seconds)
    finally:
        await _shutdown(container)
        if running_sandbox is not None:
            await running_sandbox.close()
    return 0


async def _shutdown(container: Container) -> None:
    result = container.shutdown_resources()
    if result is not None:
        await result


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


def _print_banner(settings: Settings, port: int, running_sandbox: Any) -> None:
    host = settings.listen.rpartition(":")[0].strip("[]") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # noqa: S104 - only to print a reachable address
        host = "127.0.0.1"
    target = f"{host}:{port}"
    lines = [
        f"mcc: serving gRPC on {target} (database {redact_url(settings.database_url)})",
    ]
    if running_sandbox is not None:
        lines.append(
            f"mcc: partner sandbox: TikTok API {running_sandbox.tiktok_api_url}, "
            f"TikTok auth {running_sandbox.tiktok_auth_url}, SHOPLINE {running_sandbox.shopline_url()}"
        )
    lines += [
        "Try:",
        f"  grpcurl -plaintext {target} list",
        f"  grpcurl -plaintext {target} describe multichannel.v1.ShopService",
        f"  grpcurl -plaintext {target} grpc.health.v1.Health/Check",
        f"  grpcurl -plaintext -d '{{}}' {target} multichannel.v1.AppService/ListApps",
    ]
    print("\n".join(lines), flush=True)


def run_sandbox() -> int:
    try:
        from sandbox.runner import main as sandbox_main
    except ImportError:
        print("mcc: the partner sandbox is not yet available in this build", file=sys.stderr)
        return 1
    return int(sandbox_main(sys.argv[2:]) or 0)

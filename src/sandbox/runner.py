"""Starting the simulators: in-process (`start_sandbox`) or standalone (`main`, used by `mcc sandbox`).

URLs and conventions:
  * TikTok Open API host: `tiktok_api_url` (replaces https://open-api.tiktokglobalshop.com)
  * TikTok auth host:     `tiktok_auth_url` (replaces https://auth.tiktok-shops.com); it also serves
    a consent page at `/open/authorize?service_id=...&state=...` that approves every shop
  * SHOPLINE:             `shopline_url_template`, e.g. `http://127.0.0.1:PORT/stores/{handle}`
    (replaces https://{handle}.myshopline.com); append `/admin/openapi/{version}/...`
  * Control:              `POST {any of the above}/_sandbox/{operation}` with JSON keyword arguments
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import socket
import sys
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.clock import SandboxClock
from sandbox.control import SandboxControl, control_routes
from sandbox.credentials import SandboxCredentials
from sandbox.datagen import PRESETS, DatasetSpec, default_shops, resolve_spec
from sandbox.faults import FaultInjector
from sandbox.shopline.app import build_app as build_shopline_app
from sandbox.shopline.state import ShoplineApp, ShoplineState
from sandbox.tiktok.app import build_api_app, build_auth_app
from sandbox.tiktok.state import TikTokApp, TikTokState
from sandbox.webhooks import WebhookDispatcher


@dataclass
class RunningSandbox:
    tiktok_api_url: str
    tiktok_auth_url: str
    shopline_url_template: str
    control: SandboxControl
    credentials: SandboxCredentials
    _runners: list[web.AppRunner] = field(default_factory=list, repr=False)

    @property
    def shopline_handle(self) -> str:
        return self.credentials.shopline_handle

    def shopline_url(self, handle: str | None = None) -> str:
        return self.shopline_url_template.format(handle=handle or self.credentials.shopline_handle)

    def describe(self) -> dict[str, Any]:
        return {
            "tiktok_api_url": self.tiktok_api_url,
            "tiktok_auth_url": self.tiktok_auth_url,
            "tiktok_consent_url": (
                f"{self.tiktok_auth_url}/open/authorize?service_id={self.credentials.tiktok_service_id}"
            ),
            "shopline_url_template": self.shopline_url_template,
            "shopline_handle": self.credentials.shopline_handle,
            "credentials": self.credentials.to_dict(),
            "control": f"POST {self.tiktok_api_url}/_sandbox/<operation> (also on the other ports)",
            "env": {
                "MCC_TIKTOK_APP_KEY": self.credentials.tiktok_app_key,
                "MCC_TIKTOK_APP_SECRET": self.credentials.tiktok_app_secret,
                "MCC_TIKTOK_SERVICE_ID": self.credentials.tiktok_service_id,
                "MCC_TIKTOK_API_URL": self.tiktok_api_url,
                "MCC_TIKTOK_AUTH_URL": self.tiktok_auth_url,
                "MCC_SHOPLINE_APP_KEY": self.credentials.shopline_app_key,
                "MCC_SHOPLINE_APP_SECRET": self.credentials.shopline_app_secret,
                "MCC_SHOPLINE_URL_TEMPLATE": self.shopline_url_template,
            },
        }

    async def close(self) -> None:
        await self.control.dispatcher.close()
        for runner in reversed(self._runners):
            await runner.cleanup()
        self._runners.clear()

    async def __aenter__(self) -> RunningSandbox:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()


async def _serve(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    site = web.SockSite(runner, sock)
    await site.start()
    return runner, sock.getsockname()[1]


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


async def start_sandbox(
    host: str = "127.0.0.1",
    tiktok_port: int = 0,
    shopline_port: int = 0,
    seed: int = 0,
    size: str | DatasetSpec | None = "small",
    *,
    tiktok_auth_port: int = 0,
    credentials: SandboxCredentials | None = None,
    clock: SandboxClock | None = None,
    deliver_webhooks_in_background: bool = True,
) -> RunningSandbox:
    """Start both simulators on loopback (port 0 = any free port) with a seeded data set."""
    credentials = credentials or SandboxCredentials()
    clock = clock or SandboxClock()
    spec = resolve_spec(size)
    faults = FaultInjector(seed)
    dispatcher = WebhookDispatcher(clock, seed=seed)
    tiktok = TikTokState(
        clock,
        TikTokApp(credentials.tiktok_app_key, credentials.tiktok_app_secret, credentials.tiktok_service_id),
        seed,
        spec,
    )
    for shop in default_shops(spec, seed):
        tiktok.add_shop(shop)
    tiktok.dispatcher = dispatcher
    shopline = ShoplineState(
        clock, ShoplineApp(credentials.shopline_app_key, credentials.shopline_app_secret), seed, spec
    )
    shopline.add_store(credentials.shopline_handle)
    shopline.dispatcher = dispatcher
    control = SandboxControl(clock, tiktok, shopline, faults, dispatcher)
    runners: list[web.AppRunner] = []
    try:
        api_runner, api_port = await _serve(
            build_api_app(tiktok, faults, control_routes(control)), host, tiktok_port
        )
        runners.append(api_runner)
        auth_app = build_auth_app(tiktok, faults, control_routes(control, consent_page=True))
        auth_runner, auth_port = await _serve(auth_app, host, tiktok_auth_port)
        runners.append(auth_runner)
        sl_runner, sl_port = await _serve(
            build_shopline_app(shopline, faults, control_routes(control)), host, shopline_port
        )
        runners.append(sl_runner)
    except BaseException:
        for runner in runners:
            await runner.cleanup()
        raise
    if deliver_webhooks_in_background:
        dispatcher.start()
    return RunningSandbox(
        tiktok_api_url=_url(host, api_port),
        tiktok_auth_url=_url(host, auth_port),
        shopline_url_template=_url(host, sl_port) + "/stores/{handle}",
        control=control,
        credentials=credentials,
        _runners=runners,
    )


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="mcc sandbox", description="Run the TikTok Shop and SHOPLINE simulators."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--tiktok-port", type=int, default=8701, help="TikTok Open API host port (0 = any)")
    parser.add_argument("--tiktok-auth-port", type=int, default=8702, help="TikTok auth host port (0 = any)")
    parser.add_argument("--shopline-port", type=int, default=8703, help="SHOPLINE port (0 = any)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", default="small", choices=sorted(PRESETS))
    parser.add_argument("--json", action="store_true", help="print the start-up summary as one JSON line")
    return parser.parse_args(argv)


async def _run_until_signalled(args: argparse.Namespace) -> None:
    sandbox = await start_sandbox(
        args.host,
        args.tiktok_port,
        args.shopline_port,
        args.seed,
        args.size,
        tiktok_auth_port=args.tiktok_auth_port,
    )
    summary = sandbox.describe()
    if args.json:
        print(json.dumps(summary), flush=True)
    else:
        print("Multichannel Connect sandbox is running", flush=True)
        for key in (
            "tiktok_api_url",
            "tiktok_auth_url",
            "tiktok_consent_url",
            "shopline_url_template",
            "shopline_handle",
            "control",
        ):
            print(f"  {key:<22} {summary[key]}")
        print("  environment:")
        for key, value in summary["env"].items():
            print(f"    {key}={value}")
        print(
            "  authorize every TikTok shop:  curl -X POST "
            f"{sandbox.tiktok_api_url}/_sandbox/grant_authorization"
        )
        print(
            f"  install the SHOPLINE app:     curl -X POST {sandbox.tiktok_api_url}/_sandbox/install_shopline"
        )
        print("Press Ctrl+C to stop.", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await sandbox.close()


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_run_until_signalled(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())

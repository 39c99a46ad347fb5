"""Starting and stopping the HTTP edge on its listen address."""

from __future__ import annotations

import dataclasses
import os
import socket
import ssl

from aiohttp import web

from adapters.transport_security import ServerTls


class HttpListenUnavailable(OSError):
    """The HTTP edge's address cannot be bound: another process serves it, or it is not this host's."""

    def __init__(self, address: str, cause: str) -> None:
        super().__init__(f"cannot listen on {address} ({cause})")
        self.address = address
        self.cause = cause


@dataclasses.dataclass
class RunningHttpEdge:
    runner: web.AppRunner
    port: int

    async def stop(self) -> None:
        """Stops taking connections, lets requests in flight finish (up to the shutdown grace)."""
        await self.runner.cleanup()


async def start_http_edge(
    app: web.Application, address: str, *, grace_seconds: float, tls: ServerTls | None = None
) -> RunningHttpEdge:
    host, _, port = address.rpartition(":")
    # No aiohttp access log: callback URLs carry one-time codes and states.
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=grace_seconds)
    await runner.setup()
    # Partners sign their webhooks but hold no client certificate: the HTTP edge never asks for one.
    context = None
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(tls.cert_file, tls.key_file)
    site = web.TCPSite(runner, host.strip("[]"), int(port), ssl_context=context)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        # asyncio's message repeats the address; the errno's own words are enough.
        if isinstance(error, socket.gaierror) or not error.errno:
            cause = str(error.strerror or error).lower()
        else:
            cause = os.strerror(error.errno).lower()
        raise HttpListenUnavailable(address, cause) from None
    bound = runner.addresses[0][1]
    return RunningHttpEdge(runner, int(bound))

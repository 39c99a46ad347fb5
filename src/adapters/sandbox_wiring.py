"""``mcc serve --sandbox``: start the partner simulators in-process and point the service at them.

Only partner settings the environment leaves unset are taken from the sandbox, so one partner
can be real (or another simulator) while the other is simulated. Its three ports come from
``MCC_SANDBOX_PORT`` here and for ``mcc sandbox`` alike; a port that cannot be bound is named.
"""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Mapping
from typing import Any

from adapters.settings import Settings

_SANDBOX_FIELDS: dict[str, tuple[str, str]] = {
    # settings field: (environment variable, attribute of the running sandbox or its credentials)
    "tiktok_api_url": ("MCC_TIKTOK_API_URL", "tiktok_api_url"),
    "tiktok_auth_url": ("MCC_TIKTOK_AUTH_URL", "tiktok_auth_url"),
    "tiktok_consent_url": ("MCC_TIKTOK_CONSENT_URL", "tiktok_auth_url"),
    "shopline_url_template": ("MCC_SHOPLINE_URL_TEMPLATE", "shopline_url_template"),
    "tiktok_app_key": ("MCC_TIKTOK_APP_KEY", "credentials.tiktok_app_key"),
    "tiktok_app_secret": ("MCC_TIKTOK_APP_SECRET", "credentials.tiktok_app_secret"),
    "tiktok_service_id": ("MCC_TIKTOK_SERVICE_ID", "credentials.tiktok_service_id"),
    "shopline_app_key": ("MCC_SHOPLINE_APP_KEY", "credentials.shopline_app_key"),
    "shopline_app_secret": ("MCC_SHOPLINE_APP_SECRET", "credentials.shopline_app_secret"),
}


SANDBOX_HOST = "127.0.0.1"
BIND_FAILURES = (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES)


class SandboxPortUnavailable(OSError):
    """A sandbox port cannot be bound; ``port`` is the first of the three that fails."""

    def __init__(self, port: int, cause: str) -> None:
        super().__init__(f"sandbox port {port} is not available ({cause})")
        self.port = port
        self.cause = cause


def sandbox_ports(base: int) -> tuple[int, int, int]:
    """TikTok API, TikTok auth and SHOPLINE ports: consecutive from ``base``, or all any-free for 0."""
    return (base, base + 1, base + 2) if base else (0, 0, 0)


def unavailable_sandbox_port(base: int, error: OSError) -> SandboxPortUnavailable | None:
    """The port behind a simulator's bind failure, or None when ``error`` is something else."""
    if error.errno not in BIND_FAILURES:
        return None
    # The simulators' error does not say which of the three ports failed; binding each tells.
    for port in sandbox_ports(base):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((SANDBOX_HOST, port))
            except OSError as taken:
                return SandboxPortUnavailable(port, os.strerror(taken.errno or errno.EADDRINUSE).lower())
    return SandboxPortUnavailable(base, os.strerror(error.errno or errno.EADDRINUSE).lower())


def _lookup(source: Any, path: str) -> str:
    for part in path.split("."):
        source = getattr(source, part)
    return str(source)


def deliver_sandbox_webhooks_to(sandbox: Any, edge_url: str) -> dict[str, Any]:
    """Both simulators send every webhook (all TikTok events, every topic of the sandbox store) to
    this process's HTTP edge, so a partner-side change reaches the service without a poll."""
    configured: dict[str, Any] = sandbox.control.configure_webhooks(
        tiktok_url=f"{edge_url}/webhooks/tiktok",
        shopline_url=f"{edge_url}/webhooks/shopline",
        handle=sandbox.shopline_handle,
    )
    return configured


def apply_sandbox(settings: Settings, sandbox: Any, environ: Mapping[str, str]) -> Settings:
    changes = {
        field: _lookup(sandbox, attribute)
        for field, (variable, attribute) in _SANDBOX_FIELDS.items()
        if not environ.get(variable, "").strip()
    }
    return settings.with_overrides(**changes)


async def start_sandbox_for(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> tuple[Any, Settings]:
    from sandbox.runner import start_sandbox

    # Three consecutive ports (TikTok API, TikTok auth, SHOPLINE) so demo commands can be pasted.
    api_port, auth_port, shopline_port = sandbox_ports(settings.sandbox_port)
    try:
        running = await start_sandbox(
            SANDBOX_HOST, tiktok_port=api_port, tiktok_auth_port=auth_port, shopline_port=shopline_port
        )
    except OSError as error:
        unavailable = unavailable_sandbox_port(settings.sandbox_port, error)
        if unavailable is None:
            raise
        raise unavailable from error
    return running, apply_sandbox(settings, running, os.environ if environ is None else environ)

"""``mcc serve --sandbox``: start the partner simulators in-process and point the service at them.

Only partner settings the environment leaves unset are taken from the sandbox, so one partner
can be real (or another simulator) while the other is simulated.
"""

from __future__ import annotations

import os
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


def _lookup(source: Any, path: str) -> str:
    for part in path.split("."):
        source = getattr(source, part)
    return str(source)


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
    base = settings.sandbox_port
    running = await start_sandbox(
        tiktok_port=base, tiktok_auth_port=base + 1 if base else 0, shopline_port=base + 2 if base else 0
    )
    return running, apply_sandbox(settings, running, os.environ if environ is None else environ)

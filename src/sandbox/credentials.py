"""App credentials the simulators accept. Fixed defaults so they can be pasted into a config."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SandboxCredentials:
    tiktok_app_key: str = "6sbxtt0app0key"
    tiktok_app_secret: str = "sandbox-tiktok-app-secret-0001"  # noqa: S105
    tiktok_service_id: str = "7310000000000000001"
    shopline_app_key: str = "sandbox-shopline-app-key"
    shopline_app_secret: str = "sandbox-shopline-app-secret-0001"  # noqa: S105
    shopline_handle: str = "sandbox-store"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

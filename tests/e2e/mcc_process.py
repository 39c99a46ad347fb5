"""Running the real ``mcc`` process: its command line, a clean environment, free loopback ports."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

MCC = [sys.executable, "-m", "adapters.cli"]

PARTNER_ENV = {
    "MCC_TIKTOK_APP_KEY": "app-key",
    "MCC_TIKTOK_APP_SECRET": "tiktok-app-secret-value",
    "MCC_TIKTOK_SERVICE_ID": "7000000000000000001",
    "MCC_SHOPLINE_APP_KEY": "shopline-app-key",
    "MCC_SHOPLINE_APP_SECRET": "shopline-app-secret-value",
    "MCC_TOKEN_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
}


def mcc_env(tmp_path: Path, *, partners: bool = True, **extra: str) -> dict[str, str]:
    """This process's environment (PYTHONPATH included) without its MCC_* variables, plus these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCC_")}
    env["MCC_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path}/mcc.db"
    env["MCC_HTTP_LISTEN"] = "127.0.0.1:0"  # concurrent runs never race for the default port
    if partners:
        env.update(PARTNER_ENV)
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def listening_socket(port: int = 0) -> socket.socket:
    """A socket listening on loopback: the port it holds is taken for anyone else."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return sock

"""The standalone entry point `sandbox.runner.main` serves until SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

SRC = Path(__file__).resolve().parents[3] / "src"


def test_main_prints_urls_and_credentials_and_stops_on_sigterm():
    code = "import sys; from sandbox.runner import main; sys.exit(main(sys.argv[1:]))"
    args = [
        "--tiktok-port",
        "0",
        "--tiktok-auth-port",
        "0",
        "--shopline-port",
        "0",
        "--size",
        "tiny",
        "--json",
    ]
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None
        summary = json.loads(process.stdout.readline())
        assert summary["credentials"]["tiktok_app_key"] and summary["credentials"]["shopline_app_secret"]
        assert summary["shopline_url_template"].endswith("/stores/{handle}")
        assert summary["env"]["MCC_TIKTOK_API_URL"] == summary["tiktok_api_url"]
        granted = httpx.post(f"{summary['tiktok_api_url']}/_sandbox/grant_authorization", json={}, timeout=5)
        assert granted.json()["result"]["code"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

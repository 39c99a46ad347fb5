"""The ``mcc`` command: serve, migrate, generate-key, rotate-key, api-key, sandbox."""

from __future__ import annotations

import argparse
import asyncio
import sys
from importlib import metadata

from adapters.settings import load_settings


def _version() -> str:
    try:
        return metadata.version("multichannel-connect")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mcc",
        description="Multichannel Connect: a gRPC backend linking TikTok Shops to a SHOPLINE store.",
    )
    parser.add_argument("--version", action="version", version=f"mcc {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the gRPC server",
        description="Run the gRPC server. Configuration comes from MCC_* environment variables.",
    )
    serve.add_argument(
        "--sandbox",
        action="store_true",
        help="start the partner simulators in-process and use them for every partner URL and credential "
        "the environment does not set",
    )
    serve.add_argument("--listen", metavar="ADDR", help="HOST:PORT to listen on (overrides MCC_LISTEN)")

    commands.add_parser(
        "migrate",
        help="apply database migrations",
        description="Bring the database named by MCC_DATABASE_URL up to this build's schema.",
    )
    generate = commands.add_parser(
        "generate-key",
        help="write a new token encryption key file (mode 0600) if it does not exist",
        description="Write a new random AES-256 token key, url-safe base64, to PATH with mode 0600. "
        "An existing file is left unchanged. Point MCC_TOKEN_KEY_FILE at it.",
    )
    generate.add_argument("path", metavar="PATH")
    commands.add_parser(
        "rotate-key",
        help="re-encrypt every stored token under the current key",
        description="Re-encrypt every stored token under MCC_TOKEN_KEY (or MCC_TOKEN_KEY_FILE); tokens "
        "under earlier keys are read with the keys listed in MCC_TOKEN_OLD_KEYS.",
    )
    from adapters.key_commands import add_parser as add_api_key_parser

    add_api_key_parser(commands)
    commands.add_parser(
        "sandbox",
        help="run the TikTok Shop and SHOPLINE simulators alone",
        description="Run the loopback TikTok Shop and SHOPLINE simulators and print their URLs.",
    )
    return parser


# The settings each command reads and validates (None: all of them); the rest stay unread.
COMMAND_SETTINGS: dict[str, tuple[str, ...] | None] = {
    "serve": None,
    "migrate": ("database_url", "log_level"),
    "generate-key": (),
    "rotate-key": ("database_url", "log_level", "token_key", "token_old_keys"),
    "sandbox": ("sandbox_port",),
    "api-key": ("database_url", "log_level"),
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except Exception as error:
        from adapters.startup_failures import describe_startup_failure

        failure = describe_startup_failure(error)
        if failure is None:
            raise
        print(failure.line, file=sys.stderr)
        return failure.exit_code


def _run(args: argparse.Namespace) -> int:
    settings = load_settings(only=COMMAND_SETTINGS[args.command])
    if getattr(args, "listen", None):
        settings = settings.with_overrides(listen=_checked_listen(args.listen))

    if args.command == "migrate":
        from adapters.runtime import migrate

        return asyncio.run(migrate(settings))
    if args.command == "serve":
        from adapters.runtime import serve

        return asyncio.run(serve(settings, sandbox=args.sandbox))
    if args.command == "generate-key":
        from adapters.runtime import generate_key

        return generate_key(args.path)
    if args.command == "rotate-key":
        from adapters.runtime import rotate_key

        return asyncio.run(rotate_key(settings))
    if args.command == "api-key":
        from adapters.key_commands import run as run_key_command

        return asyncio.run(run_key_command(settings, args))
    if args.command == "sandbox":
        from adapters.runtime import run_sandbox

        return run_sandbox(settings)
    return 2  # pragma: no cover - argparse rejects unknown commands


def _checked_listen(value: str) -> str:
    return load_settings({"MCC_LISTEN": value}, only=("listen",)).listen


if __name__ == "__main__":
    sys.exit(main())

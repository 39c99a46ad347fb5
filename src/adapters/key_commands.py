"""``mcc api-key create|list|revoke`` and the local admin key ``mcc serve`` keeps in a file.

The key itself is printed once, on create, alone on stdout (so ``KEY=$(mcc api-key create ...)``
works); everything else goes to stderr or the listing. Keys are never logged.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

from adapters.logging_setup import configure_logging
from adapters.persistence.engine import create_engine, session_factory
from adapters.persistence.migrator import ensure_migrated
from adapters.persistence.repositories.api_keys import SqlAlchemyApiKeyRepository
from adapters.settings import Settings
from adapters.system import SystemClock, SystemSecureRandom, UuidIdGenerator
from domain.api_key import ApiKey, KeyState, Role
from domain.errors import DomainError, Unauthenticated
from domain.ids import AppId
from services.access.authentication import Authenticator
from services.access.keys import ApiKeys

_APP = re.compile(r"apps/([A-Za-z0-9][A-Za-z0-9_-]{0,63})")
_LIFETIME = re.compile(r"(\d{1,6})([smhd])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
MAX_LIFETIME = timedelta(days=3650)


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    api_key = commands.add_parser(
        "api-key",
        help="create, list and revoke API keys",
        description="Manage the API keys callers send as `authorization: Bearer mcc_...` "
        "(database: MCC_DATABASE_URL).",
    )
    actions = api_key.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create",
        help="create a key and print it (shown only this once)",
        description="Create a key and print it alone on stdout; only its SHA-256 is stored.",
    )
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument(
        "--app",
        action="append",
        default=[],
        metavar="apps/APP",
        help="an app the key may see (repeatable); none: every app (admin keys only)",
    )
    create.add_argument("--expires", metavar="DURATION", help="lifetime: 90d, 12h, 30m or 3600s")
    create.add_argument(
        "--certificate-subject",
        metavar="SUBJECT",
        help="register a client certificate subject (mTLS, e.g. CN=reporting,O=Example) instead of "
        "making a secret",
    )
    actions.add_parser("list", help="list every key", description="List every key, revoked and expired too.")
    revoke = actions.add_parser("revoke", help="revoke a key", description="Revoke a key at once.")
    revoke.add_argument("key", metavar="PREFIX_OR_ID", help="the key's prefix (mcc_...) or id")


def lifetime(text: str) -> timedelta:
    matched = _LIFETIME.fullmatch(text.strip().lower())
    if matched is None or int(matched[1]) == 0:
        raise ValueError("--expires: expected a positive duration like 90d, 12h, 30m or 3600s")
    value = timedelta(seconds=int(matched[1]) * _UNITS[matched[2]])
    if value > MAX_LIFETIME:
        raise ValueError(f"--expires: at most {MAX_LIFETIME.days}d")
    return value


def _apps(names: list[str]) -> frozenset[AppId] | None:
    apps = set()
    for name in names:
        matched = _APP.fullmatch(name)
        if matched is None:
            raise ValueError(f"--app: expected apps/APP, got {name[:100]!r}")
        apps.add(AppId(matched[1]))
    return frozenset(apps) or None


@asynccontextmanager
async def _key_management(settings: Settings) -> AsyncIterator[ApiKeys]:
    configure_logging(settings.log_level)
    # The schema check is routine; migration chatter belongs to `mcc migrate`.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    engine = create_engine(settings.database_url)
    try:
        await ensure_migrated(engine)
        store = SqlAlchemyApiKeyRepository(session_factory(engine))
        yield ApiKeys(store, SystemClock(), UuidIdGenerator(), SystemSecureRandom())
    finally:
        await engine.dispose()


async def run(settings: Settings, args: argparse.Namespace) -> int:
    try:
        if args.action == "create":
            return await _create(settings, args)
        if args.action == "list":
            return await _list(settings)
        return await _revoke(settings, args.key)
    except ValueError as error:
        print(f"mcc: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"mcc: {error}", file=sys.stderr)
        return 1


async def _create(settings: Settings, args: argparse.Namespace) -> int:
    valid_for = lifetime(args.expires) if args.expires else None
    apps = _apps(args.app)
    async with _key_management(settings) as keys:
        issued = await keys.create(
            Role(args.role), apps, valid_for=valid_for, certificate_subject=args.certificate_subject
        )
    key = issued.key
    if issued.secret is not None:
        print(issued.secret.reveal(), flush=True)
    scope = ", ".join(f"apps/{app}" for app in sorted(key.apps)) if key.apps else "every app"
    expiry = _when(key.expires_at) if key.expires_at else "never"
    shown = "; the key is shown only now" if issued.secret is not None else ""
    print(
        f"mcc: created key {key.display_prefix} (id {key.id}; role {key.role.value}; {scope}; "
        f"expires {expiry}){shown}",
        file=sys.stderr,
    )
    return 0


async def _list(settings: Settings) -> int:
    rows = [("PREFIX", "ID", "ROLE", "APPS", "STATE", "CREATED", "LAST USED", "EXPIRES", "REVOKED")]
    async with _key_management(settings) as keys:
        after: str | None = None
        while True:
            page = await keys.list_keys(page_size=100, after=after)
            rows += [_row(key, keys.state(key)) for key in page.items]
            if page.next_cursor is None:
                break
            after = page.next_cursor
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _row(key: ApiKey, state: KeyState) -> tuple[str, ...]:
    apps = ",".join(f"apps/{app}" for app in sorted(key.apps)) if key.apps else "*"
    if key.certificate_subject:
        apps += f" (cert {key.certificate_subject})"
    return (
        key.display_prefix,
        key.id,
        key.role.value,
        apps,
        state.value,
        _when(key.created_at),
        _when(key.last_used_at),
        _when(key.expires_at),
        _when(key.revoked_at),
    )


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def _revoke(settings: Settings, reference: str) -> int:
    async with _key_management(settings) as keys:
        key = await keys.revoke(reference)
    print(f"mcc: revoked key {key.display_prefix} (id {key.id}) at {_when(key.revoked_at)}")
    return 0


async def ensure_local_admin_key(path: Path, keys: ApiKeys, authenticator: Authenticator) -> bool:
    """Keeps a working admin key for every app in ``path`` (mode 0600); True when one was made.

    A key the file already holds is kept while it authenticates as such; otherwise (no file, a
    database made afresh, a revoked key) a new one replaces it."""
    held = _read_key(path)
    if held is not None:
        try:
            principal = await authenticator.bearer(held)
        except Unauthenticated:
            principal = None
        if principal is not None and principal.role is Role.ADMIN and principal.apps is None:
            return False
    issued = await keys.create(Role.ADMIN, None)
    assert issued.secret is not None
    _write_key(path, issued.secret.reveal())
    return True


def _read_key(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _write_key(path: Path, key: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode on open: make it private too
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")

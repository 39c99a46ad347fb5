"""A throwaway PostgreSQL database per test session: random name, dropped at the end."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy.engine import make_url

POSTGRES_URL_VARIABLE = "MCC_TEST_POSTGRES_URL"


def admin_url_or_skip() -> str:
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_URL_VARIABLE} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    return url


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def throwaway_database(admin_url: str) -> Iterator[str]:
    name = f"mcc_test_{secrets.token_hex(6)}"
    with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

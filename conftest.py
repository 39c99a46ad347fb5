"""Test-wide configuration: hypothesis profiles and the PostgreSQL switch.

PostgreSQL tests read ``MCC_TEST_POSTGRES_URL`` and skip visibly without it. With
``MCC_REQUIRE_POSTGRES=1`` (set by CI) a skipped PostgreSQL test fails the run instead.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", database=None, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

POSTGRES_URL_VARIABLE = "MCC_TEST_POSTGRES_URL"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fuzz-long",
        action="store_true",
        help="fuzz every RPC with the nightly example budget (tests/fuzz/README.md); also MCC_FUZZ_LONG=1",
    )


def postgres_required() -> bool:
    return os.environ.get("MCC_REQUIRE_POSTGRES") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.skipped and postgres_required() and item.get_closest_marker("postgres") is not None:
        report.outcome = "failed"
        report.longrepr = (
            f"PostgreSQL test skipped although MCC_REQUIRE_POSTGRES=1: set {POSTGRES_URL_VARIABLE} "
            "to a reachable postgresql+psycopg:// URL"
        )

"""The populated server per database (SQLite, and PostgreSQL when ``MCC_TEST_POSTGRES_URL`` is
set), the example budget, and the session's fuzz figures at the end of the run."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.fuzz.server import FuzzServer
from tests.fuzz.stats import STATS
from tests.postgres import admin_url_or_skip, throwaway_database

LONG_VARIABLE = "MCC_FUZZ_LONG"
EXAMPLES_VARIABLE = "MCC_FUZZ_EXAMPLES"
SURVEY_VARIABLE = "MCC_FUZZ_SURVEY"
# Examples per RPC and mode: a few minutes for both databases in CI; the long run is for nightly.
CI_EXAMPLES = 25
LONG_EXAMPLES = 400


@pytest.fixture(scope="session")
def fuzz_examples(pytestconfig: pytest.Config) -> int:
    if os.environ.get(EXAMPLES_VARIABLE):
        return int(os.environ[EXAMPLES_VARIABLE])
    long = pytestconfig.getoption("--fuzz-long", default=False) or os.environ.get(LONG_VARIABLE) == "1"
    return LONG_EXAMPLES if long else CI_EXAMPLES


@pytest.fixture(scope="session")
def fuzz_survey() -> bool:
    """With ``MCC_FUZZ_SURVEY=1`` problems are only recorded (to list every failure class at once)."""
    return os.environ.get(SURVEY_VARIABLE) == "1"


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fuzz_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FuzzServer]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('fuzz')}/mcc.db"
        yield from _serving("sqlite", url)
    else:
        with throwaway_database(admin_url_or_skip()) as url:
            yield from _serving("postgresql", url)


def _serving(database: str, url: str) -> Iterator[FuzzServer]:
    server = FuzzServer(database, url)
    try:
        server.start()
        yield server
    finally:
        server.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    path = STATS.write()
    lines = STATS.summary_lines()
    if path is None or not lines:
        return
    terminalreporter.section("fuzz figures")
    for line in lines:
        terminalreporter.write_line(line)

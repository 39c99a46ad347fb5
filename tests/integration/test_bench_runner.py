"""`python -m bench` runs each registered benchmark's suite in child processes, saves the figures
under the machine's description and regenerates the README table (smoke tests, nothing timed)."""

from __future__ import annotations

import json
from pathlib import Path

import bench.__main__ as runner
import pytest
from bench import report

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def scratch_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(report, "RESULTS", tmp_path / "results")
    readme = tmp_path / "README.md"
    readme.write_text(f"# Benchmarks\n\n{report.START}\nold table\n{report.END}\n\nThe prose stays.\n")
    monkeypatch.setattr(report, "README", readme)
    return tmp_path


def test_the_runner_saves_every_run_and_rewrites_only_the_table(scratch_outputs: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(runner, "BENCHMARKS", {"echo": "tests.integration.bench_echo"})

    assert runner.main([]) == 0

    [saved] = list((scratch_outputs / "results").glob("*.json"))
    run = json.loads(saved.read_text())
    assert run["suite"] == "full" and run["machine"]["cores"] >= 1
    assert [result["size"] for result in run["results"]] == [1, 2]
    assert [result["arguments"] for result in run["results"]] == [["--size=1"], ["--size=2"]]
    assert all(result["run_seconds"] >= 0 for result in run["results"])
    readme = (scratch_outputs / "README.md").read_text()
    assert "old table" not in readme and "The prose stays." in readme
    assert "| echo: ratio_to_nothing |" in readme and saved.name in readme


def test_an_unknown_benchmark_is_refused(scratch_outputs: Path) -> None:
    with pytest.raises(SystemExit):
        runner.main(["no_such_benchmark"])
    assert not (scratch_outputs / "results").exists()


def test_every_committed_run_renders_a_table_row_per_figure() -> None:
    for saved in sorted((REPOSITORY / "bench" / "results").glob("*.json")):
        run = json.loads(saved.read_text())
        table = report.render(run)
        benchmarks = {result["benchmark"] for result in run["results"]}
        assert table.count("\n| ") >= len(run["results"]) + 1, saved.name
        assert "history import" in table or "history_import" not in benchmarks


def test_every_registered_benchmark_has_a_full_and_a_quick_suite() -> None:
    import importlib

    for module_name in runner.BENCHMARKS.values():
        module = importlib.import_module(module_name)
        for quick in (False, True):
            runs = module.suite(quick)
            assert runs and all(isinstance(argument, str) for run in runs for argument in run), module_name


def test_a_run_of_some_benchmarks_keeps_the_other_rows_of_the_newest_run(
    scratch_outputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        runner,
        "BENCHMARKS",
        {"echo": "tests.integration.bench_echo", "other": "tests.integration.bench_echo"},
    )
    earlier = {
        "started_at": "2026-01-01T00:00:00+00:00",
        "suite": "full",
        "results": [{"benchmark": "other", "ratio_to_nothing": 0.5}, {"benchmark": "echo", "stale": 1}],
    }
    (scratch_outputs / "results").mkdir()
    (scratch_outputs / "results" / "20260101T000000Z.json").write_text(json.dumps(earlier))

    assert runner.main(["echo"]) == 0

    [saved] = [p for p in (scratch_outputs / "results").glob("*.json") if p.name != "20260101T000000Z.json"]
    run = json.loads(saved.read_text())
    assert run["merged_from"] == "20260101T000000Z.json" and run["ran"] == ["echo"]
    assert [r["benchmark"] for r in run["results"]] == ["other", "echo", "echo"]
    assert all("stale" not in r for r in run["results"])
    readme = (scratch_outputs / "README.md").read_text()
    assert "Only echo ran then; the other rows are from `20260101T000000Z.json`." in readme
    assert "| other: ratio_to_nothing |" in readme

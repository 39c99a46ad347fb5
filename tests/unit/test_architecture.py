"""Rules about the domain package as a whole, checked over its source."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

import pytest

import domain
from domain import errors

DOMAIN_DIR = Path(domain.__file__).parent
# Recursive: the packages under domain (order, errors, ports) obey the same rules.
SOURCES = sorted(DOMAIN_DIR.rglob("*.py"))
FORBIDDEN_CALLS = re.compile(
    r"datetime\.now|utcnow|time\.time\(|uuid4|\brandom\b|time\.monotonic|date\.today"
)


def _source_id(path: Path) -> str:
    return str(path.relative_to(DOMAIN_DIR))


def _modules() -> list[str]:
    return [info.name for info in pkgutil.walk_packages([str(DOMAIN_DIR)], prefix="domain.")]


@pytest.mark.parametrize("path", SOURCES, ids=_source_id)
def test_domain_never_reads_the_clock_or_randomness(path: Path) -> None:
    offending = [
        f"{_source_id(path)}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if FORBIDDEN_CALLS.search(line)
    ]
    assert offending == []


@pytest.mark.parametrize("path", SOURCES, ids=_source_id)
def test_domain_imports_only_the_standard_library_and_itself(path: Path) -> None:
    tree = ast.parse(path.read_text())
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative imports are banned"
            imported.add((node.module or "").split(".")[0])
    outside = {name for name in imported if name not in sys.stdlib_module_names and name != "domain"}
    assert outside == set()


@pytest.mark.parametrize("path", SOURCES, ids=_source_id)
def test_every_raise_in_the_domain_raises_a_domain_error(path: Path) -> None:
    tree = ast.parse(path.read_text())
    names = {name for name, value in vars(errors).items() if inspect.isclass(value)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", None)
            assert name in names, f"{_source_id(path)}:{node.lineno} raises {ast.unparse(node.exc)}"
            assert issubclass(getattr(errors, name), errors.DomainError)


def _error_classes() -> list[type[errors.DomainError]]:
    found: list[type[errors.DomainError]] = []
    pending: list[type[errors.DomainError]] = [errors.DomainError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_error_class_has_its_own_stable_reason() -> None:
    classes = _error_classes()
    reasons = [cls.__dict__.get("reason") for cls in classes]
    assert None not in reasons, [c.__name__ for c in classes if "reason" not in c.__dict__]
    assert len(set(reasons)) == len(reasons)
    for reason in reasons:
        assert isinstance(reason, str)
        assert re.fullmatch(r"[A-Z][A-Z0-9_]{0,62}", reason)


def test_every_domain_module_imports() -> None:
    for name in _modules():
        importlib.import_module(name)


def test_events_are_frozen_dataclasses_named_in_the_past_tense() -> None:
    from dataclasses import is_dataclass

    from domain import events

    for name, value in vars(events).items():
        if (
            inspect.isclass(value)
            and issubclass(value, events.DomainEvent)
            and value is not events.DomainEvent
        ):
            assert is_dataclass(value)
            assert value.__dataclass_params__.frozen  # type: ignore[attr-defined]
            # ShopNeedsReauthorization names the state the shop entered, as the issue spells it.
            assert re.search(r"ed$", name) or name == "ShopNeedsReauthorization", name

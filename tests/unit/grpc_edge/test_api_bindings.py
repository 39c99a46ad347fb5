"""The API is served whole: every service needs its servicer."""

from __future__ import annotations

import pytest

from adapters.grpc.api import SERVICES, api_bindings


def test_every_service_is_bound_once_with_its_full_name() -> None:
    bindings = api_bindings(dict.fromkeys(SERVICES, object()))
    assert [binding.full_name for binding in bindings] == [f"multichannel.v1.{name}" for name in SERVICES]


def test_a_missing_servicer_is_refused_at_wiring_time() -> None:
    servicers = dict.fromkeys(SERVICES, object())
    del servicers["OrderService"]
    with pytest.raises(ValueError, match="OrderService"):
        api_bindings(servicers)


def test_an_unknown_servicer_is_refused() -> None:
    with pytest.raises(ValueError, match="NoSuchService"):
        api_bindings({**dict.fromkeys(SERVICES, object()), "NoSuchService": object()})

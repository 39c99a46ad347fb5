"""App rules: store handle and settings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.app import App, AppSettings, ImportScope
from domain.errors import InvalidMoney, InvalidSetting, InvalidStoreHandle
from domain.events import AppInstalled, AppSettingsChanged
from domain.ids import AppId
from domain.pricing import PriceRule
from tests.unit.builders import T0, at


def test_an_app_starts_with_safe_defaults() -> None:
    app = App.install(AppId("a"), "open001", T0)
    assert app.settings == AppSettings()
    assert app.settings.auto_import_orders is False
    assert app.settings.import_scope is ImportScope.ONLY_LINKED


@pytest.mark.parametrize("handle", ["", "Open001", "open_001", "-open", "open-", "a" * 64, "open.store"])
def test_store_handle_is_a_store_subdomain(handle: str) -> None:
    with pytest.raises(InvalidStoreHandle):
        App.install(AppId("a"), handle, T0)


def test_settings_validate_safety_stock_and_locations() -> None:
    with pytest.raises(InvalidSetting):
        AppSettings(default_safety_stock=-1)
    with pytest.raises(InvalidSetting):
        AppSettings(location_ids=("loc-1", "loc-1"))


def test_changing_settings_is_announced_only_when_something_changes() -> None:
    app = App.install(AppId("a"), "open001", T0)
    assert app.pull_events() == [AppInstalled(AppId("a"), T0)]
    rule = PriceRule("USD", Decimal("0.1"))
    app.change_settings(AppSettings(True, ImportScope.ALL_ORDERS, 2, ("loc-1",), rule), at(hours=1))
    app.change_settings(AppSettings(True, ImportScope.ALL_ORDERS, 2, ("loc-1",), rule), at(hours=2))
    app.set_auto_import(True, at(hours=3))
    assert app.pull_events() == [AppSettingsChanged(AppId("a"), at(hours=1))]
    assert app.settings.default_price_rule == rule


def test_the_store_currency_is_unknown_until_shopline_reports_it() -> None:
    app = App.install(AppId("app-1"), "maomao", T0)
    assert app.store_currency is None
    assert app.record_store_currency("SGD") is True
    assert app.record_store_currency("SGD") is False
    assert app.record_store_currency("USD") is True and app.store_currency == "USD"
    with pytest.raises(InvalidMoney):
        app.record_store_currency("usd")
    assert app.store_currency == "USD"


def test_install_time_is_the_first_install_until_the_merchant_installs_again() -> None:
    app = App.install(AppId("a"), "open001", T0)
    assert app.installed_at == T0
    app.reinstall(at(days=3))
    assert (app.created_at, app.installed_at) == (T0, at(days=3))
    stored = App(app_id=AppId("a"), store_handle="open001", settings=AppSettings(), created_at=T0)
    assert stored.installed_at == T0  # a row from before install times were kept


def test_installing_and_installing_again_are_announced() -> None:
    app = App.install(AppId("a"), "open001", T0)
    app.uninstall(at(hours=1))
    app.reinstall(at(hours=2))
    assert app.pull_events() == [AppInstalled(AppId("a"), T0), AppInstalled(AppId("a"), at(hours=2))]

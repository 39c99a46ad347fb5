"""App lifecycle against a model: store handle rule, validated settings, settings events only on
real changes, and the store currency as SHOPLINE reports it."""

from __future__ import annotations

import string
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain.app import App, AppSettings, ImportScope
from domain.errors import InvalidMoney, InvalidSetting, InvalidStoreHandle
from domain.events import AppInstalled, AppSettingsChanged, DomainEvent
from domain.ids import AppId
from domain.pricing import PriceRule
from tests.unit.builders import T0

APP = AppId("app-1")
HANDLE_ALPHABET = string.ascii_lowercase + string.digits + "-"
HANDLES = (
    st.text(HANDLE_ALPHABET, min_size=0, max_size=66)
    | st.text(min_size=0, max_size=8)
    | st.sampled_from(["open001", "Open001", "open_001", "-open", "open-", "a" * 63, "a" * 64, "ö"])
)
SAFETY_STOCKS = st.integers(-2, 5) | st.sampled_from([True, False])
LOCATION_IDS = st.lists(st.sampled_from(["loc-1", "loc-2", "loc-3", ""]), max_size=3).map(tuple)
PRICE_RULES = st.sampled_from([None, PriceRule("USD", Decimal("0.1")), PriceRule("SGD", Decimal("0"))])
CURRENCIES = st.sampled_from(["USD", "SGD", "GBP", "usd", "US", "USDX", "U$D", ""])


def valid_handle(handle: str) -> bool:
    """An independent statement of the store-handle rule (a store subdomain)."""
    return (
        0 < len(handle) <= 63
        and all(ch in HANDLE_ALPHABET for ch in handle)
        and not handle.startswith("-")
        and not handle.endswith("-")
    )


def valid_settings(safety_stock: int, location_ids: tuple[str, ...]) -> bool:
    stock_ok = not isinstance(safety_stock, bool) and safety_stock >= 0
    locations_ok = len(set(location_ids)) == len(location_ids) and "" not in location_ids
    return stock_ok and locations_ok


def valid_currency(code: str) -> bool:
    return len(code) == 3 and all(ch in string.ascii_uppercase for ch in code)


class AppMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.hour = 0
        self.model_settings = (False, ImportScope.ONLY_LINKED, 0, (), None)
        self.model_currency: str | None = None
        self.model_installed_at = T0
        self.model_uninstalled_at: datetime | None = None
        self.model_events: list[DomainEvent] = []
        self.handle = ""

    def _now(self) -> datetime:
        self.hour += 1
        return T0 + timedelta(hours=self.hour)

    @initialize(handle=st.sampled_from(["open001", "maomao", "a", "shop-2", "9" * 63]))
    def install(self, handle: str) -> None:
        self.app = App.install(APP, handle, T0)
        self.handle = handle
        self.model_events = [AppInstalled(APP, T0)]

    # --- commands ---------------------------------------------------------------------------

    @rule(handle=HANDLES)
    def install_another(self, handle: str) -> None:
        if valid_handle(handle):
            assert App.install(AppId("app-2"), handle, T0).store_handle == handle
        else:
            with pytest.raises(InvalidStoreHandle) as raised:
                App.install(AppId("app-2"), handle, T0)
            assert raised.value.metadata()["field"] == "store_handle"

    @rule(
        auto_import=st.booleans(),
        scope=st.sampled_from(list(ImportScope)),
        safety_stock=SAFETY_STOCKS,
        location_ids=LOCATION_IDS,
        price_rule=PRICE_RULES,
    )
    def change_settings(
        self,
        auto_import: bool,
        scope: ImportScope,
        safety_stock: int,
        location_ids: tuple[str, ...],
        price_rule: PriceRule | None,
    ) -> None:
        now = self._now()
        if not valid_settings(safety_stock, location_ids):
            with pytest.raises(InvalidSetting):
                self.app.change_settings(
                    AppSettings(auto_import, scope, safety_stock, location_ids, price_rule), now
                )
            return
        self.app.change_settings(AppSettings(auto_import, scope, safety_stock, location_ids, price_rule), now)
        wanted = (auto_import, scope, safety_stock, location_ids, price_rule)
        if wanted != self.model_settings:
            self.model_settings = wanted
            self.model_events.append(AppSettingsChanged(APP, now))

    @rule(enabled=st.booleans())
    def set_auto_import(self, enabled: bool) -> None:
        now = self._now()
        self.app.set_auto_import(enabled, now)
        if enabled != self.model_settings[0]:
            self.model_settings = (enabled, *self.model_settings[1:])
            self.model_events.append(AppSettingsChanged(APP, now))

    @rule(currency=CURRENCIES)
    def shopline_reports_the_store_currency(self, currency: str) -> None:
        if not valid_currency(currency):
            with pytest.raises(InvalidMoney):
                self.app.record_store_currency(currency)
            return
        assert self.app.record_store_currency(currency) is (currency != self.model_currency)
        self.model_currency = currency

    @rule()
    def merchant_uninstalls(self) -> None:
        now = self._now()
        assert self.app.uninstall(now) is (self.model_uninstalled_at is None)
        self.model_uninstalled_at = self.model_uninstalled_at or now

    @rule()
    def merchant_installs_again(self) -> None:
        now = self._now()
        self.app.reinstall(now)
        self.model_installed_at, self.model_uninstalled_at = now, None
        self.model_events.append(AppInstalled(APP, now))

    @rule()
    def commit(self) -> None:
        assert self.app.pull_events() == self.model_events
        self.model_events = []

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def identity_never_changes(self) -> None:
        assert (self.app.id, self.app.store_handle, self.app.created_at) == (APP, self.handle, T0)

    @invariant()
    def settings_match_the_model(self) -> None:
        held = self.app.settings
        assert (
            held.auto_import_orders,
            held.import_scope,
            held.default_safety_stock,
            held.location_ids,
            held.default_price_rule,
        ) == self.model_settings

    @invariant()
    def installation_matches_the_model(self) -> None:
        # Uninstalling keeps settings and currency (checked above): a re-installation restores them.
        assert self.app.installed_at == self.model_installed_at
        assert self.app.uninstalled_at == self.model_uninstalled_at
        assert self.app.uninstalled is (self.model_uninstalled_at is not None)

    @invariant()
    def store_currency_matches_the_model(self) -> None:
        assert self.app.store_currency == self.model_currency


AppMachine.TestCase.settings = settings(
    max_examples=200, stateful_step_count=30, deadline=None, database=None
)
TestApp = AppMachine.TestCase

"""Shops and the registry against a model: one app per TikTok shop, status, display names.

The linking service is async over the registry port; the machine drives the fake registry on
one event loop it owns.
"""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Coroutine
from datetime import timedelta
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.authorization import ShopLinking
from domain.errors import InvalidDisplayName, InvalidPriceRule, ShopLinkedToAnotherApp
from domain.ids import AppId, ShopId, TikTokShopId
from domain.pricing import PriceRounding, PriceRule
from domain.shop import DisplayName, Shop, ShopStatus
from tests.fakes import FakeShopRegistry
from tests.unit.builders import T0, identity

T = TypeVar("T")
APPS = [AppId("app-a"), AppId("app-b"), AppId("app-c")]
TIKTOK_SHOPS = [TikTokShopId(str(7000 + i)) for i in range(4)]
NAMES = st.text(min_size=0, max_size=70) | st.sampled_from(["東京ストア", "  Shop  ", "a\x07b", "x" * 65])


def expected_name(text: str) -> str | None:
    """An independent statement of the display-name rule."""
    cleaned = unicodedata.normalize("NFC", text).strip()
    if not cleaned or len(cleaned) > 64:
        return None
    if any(unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029" for ch in cleaned):
        return None
    return cleaned


class ShopRegistryMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.registry = FakeShopRegistry()
        self.linking = ShopLinking(self.registry)
        self.shops: dict[TikTokShopId, Shop] = {}  # the shop repository, by TikTok shop id
        self.model_owner: dict[TikTokShopId, AppId] = {}
        self.model_status: dict[TikTokShopId, ShopStatus] = {}
        self.model_name: dict[TikTokShopId, str] = {}
        self.model_shop_id: dict[TikTokShopId, ShopId] = {}
        self.model_rule: dict[TikTokShopId, tuple[PriceRule, object]] = {}  # own rule, when set
        self.counter = 0
        self.hour = 0

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def teardown(self) -> None:
        self.loop.close()

    def _now(self) -> Any:
        self.hour += 1
        return T0 + timedelta(hours=self.hour)

    # --- commands ---------------------------------------------------------------------------

    @rule(app=st.sampled_from(APPS), tiktok_shop=st.sampled_from(TIKTOK_SHOPS))
    def authorize(self, app: AppId, tiktok_shop: TikTokShopId) -> None:
        existing = self.shops.get(tiktok_shop)
        owner = self.model_owner.get(tiktok_shop)
        self.counter += 1
        new_id = ShopId(f"shop-{self.counter}")
        if owner is not None and owner != app:
            with pytest.raises(ShopLinkedToAnotherApp) as raised:
                self.run(self.linking.link(app, identity(tiktok_shop), None, new_id, self._now()))
            assert owner not in str(raised.value)
            assert owner not in "".join(raised.value.metadata().values())
            return
        shop = self.run(self.linking.link(app, identity(tiktok_shop), existing, new_id, self._now()))
        if existing is None:
            self.model_shop_id[tiktok_shop] = new_id
            self.model_rule.pop(tiktok_shop, None)
            self.model_name[tiktok_shop] = shop.display_name.value
        assert shop.id == self.model_shop_id[tiktok_shop]  # re-authorization keeps the same shop
        self.shops[tiktok_shop] = shop
        self.model_owner[tiktok_shop] = app
        self.model_status[tiktok_shop] = ShopStatus.ACTIVE

    @precondition(lambda self: self.shops)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        tiktok_shop = data.draw(st.sampled_from(sorted(self.shops)))
        self.run(self.linking.unlink(self.shops.pop(tiktok_shop)))
        for model in (self.model_owner, self.model_status, self.model_name, self.model_shop_id):
            del model[tiktok_shop]
        self.model_rule.pop(tiktok_shop, None)

    @precondition(lambda self: self.shops)
    @rule(data=st.data(), text=NAMES)
    def rename(self, data: st.DataObject, text: str) -> None:
        tiktok_shop = data.draw(st.sampled_from(sorted(self.shops)))
        wanted = expected_name(text)
        if wanted is None:
            with pytest.raises(InvalidDisplayName):
                self.shops[tiktok_shop].rename(DisplayName.parse(text))
        else:
            self.shops[tiktok_shop].rename(DisplayName.parse(text))
            self.model_name[tiktok_shop] = wanted

    @precondition(lambda self: self.shops)
    @rule(data=st.data())
    def refresh_rejected(self, data: st.DataObject) -> None:
        tiktok_shop = data.draw(st.sampled_from(sorted(self.shops)))
        self.shops[tiktok_shop].mark_needs_reauthorization(self._now())
        if self.model_status[tiktok_shop] is ShopStatus.ACTIVE:
            self.model_status[tiktok_shop] = ShopStatus.NEEDS_REAUTHORIZATION

    @precondition(lambda self: self.shops)
    @rule(data=st.data())
    def seller_revokes(self, data: st.DataObject) -> None:
        tiktok_shop = data.draw(st.sampled_from(sorted(self.shops)))
        self.shops[tiktok_shop].mark_deauthorized(self._now())
        self.model_status[tiktok_shop] = ShopStatus.DEAUTHORIZED

    @precondition(lambda self: self.shops)
    @rule(
        data=st.data(),
        currency=st.sampled_from(["GBP", "USD"]),
        markup=st.sampled_from([Decimal("0"), Decimal("0.15"), Decimal("-0.5")]),
        rounding=st.sampled_from(list(PriceRounding)),
    )
    def change_price_rule(
        self, data: st.DataObject, currency: str, markup: Decimal, rounding: PriceRounding
    ) -> None:
        tiktok_shop = data.draw(st.sampled_from(sorted(self.shops)))
        shop = self.shops[tiktok_shop]
        rule = PriceRule(currency, markup, rounding=rounding)
        now = self._now()
        if currency != "GBP":  # the identity's region is GB: prices go out in GBP only
            with pytest.raises(InvalidPriceRule):
                shop.change_price_rule(rule, now)
            return
        shop.change_price_rule(rule, now)
        held = self.model_rule.get(tiktok_shop)
        if held is None or held[0] != rule:
            self.model_rule[tiktok_shop] = (rule, now)

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def each_tiktok_shop_is_linked_to_at_most_one_app(self) -> None:
        assert self.registry.owners == self.model_owner
        for tiktok_shop, shop in self.shops.items():
            assert shop.app_id == self.registry.owners[tiktok_shop]

    @invariant()
    def shops_match_the_model(self) -> None:
        assert {k: s.status for k, s in self.shops.items()} == self.model_status
        assert {k: s.display_name.value for k, s in self.shops.items()} == self.model_name
        assert {k: s.id for k, s in self.shops.items()} == self.model_shop_id

    @invariant()
    def price_rules_match_the_model_and_fall_back_to_the_app_default(self) -> None:
        default = PriceRule("USD", Decimal("0.2"), exchange_rate=None)
        for tiktok_shop, shop in self.shops.items():
            held = self.model_rule.get(tiktok_shop)
            assert (shop.price_rule, shop.price_rule_updated_at) == (held or (None, None))
            effective = shop.effective_price_rule(default)
            assert effective.target_currency == "GBP"
            assert effective == (held[0] if held else PriceRule("GBP", Decimal("0.2")))


ShopRegistryMachine.TestCase.settings = settings(
    max_examples=200, stateful_step_count=30, deadline=None, database=None
)
TestShopRegistry = ShopRegistryMachine.TestCase

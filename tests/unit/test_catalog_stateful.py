"""Channel product links against a model: one link per SKU, auto-link never overrides a link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.catalog import ChannelProduct, LinkKind, VariantSkuIndex
from domain.channel import ChannelProductData, ChannelSkuData
from domain.errors import ChannelSkuNotFound
from domain.events import SkuLinked, SkuUnlinked
from domain.ids import AppId, ChannelProductId, ChannelSkuId, ShoplineVariantId
from tests.unit.builders import SHOP, T0

SKU_IDS = [ChannelSkuId(f"s{i}") for i in range(5)]
VARIANTS = [ShoplineVariantId(f"v{i}") for i in range(4)]
CODES = ["RED", " RED", "red", "BLUE ", "", "GREEN"]
INDEX = st.lists(st.tuples(st.sampled_from(VARIANTS), st.sampled_from(CODES)), max_size=6)


class CatalogMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.update = 0
        self.codes: dict[ChannelSkuId, str] = {SKU_IDS[0]: "RED", SKU_IDS[1]: "BLUE"}
        self.links: dict[ChannelSkuId, tuple[ShoplineVariantId, LinkKind]] = {}
        self.product = ChannelProduct.synced(AppId("a"), SHOP, self._data())
        self.current: dict[ChannelSkuId, ShoplineVariantId] = {}

    def _data(self) -> ChannelProductData:
        skus = tuple(ChannelSkuData(sku, code, None) for sku, code in sorted(self.codes.items()))
        return ChannelProductData(
            ChannelProductId("p"), "title", "ACTIVATE", T0 + timedelta(hours=self.update), skus
        )

    @rule(sku=st.sampled_from(SKU_IDS), variant=st.sampled_from(VARIANTS))
    def link_manually(self, sku: ChannelSkuId, variant: ShoplineVariantId) -> None:
        if sku not in self.codes:
            with pytest.raises(ChannelSkuNotFound):
                self.product.link_sku(sku, variant, T0)
            return
        self.product.link_sku(sku, variant, T0)
        self.links[sku] = (variant, LinkKind.MANUAL)

    @rule(sku=st.sampled_from(SKU_IDS))
    def unlink(self, sku: ChannelSkuId) -> None:
        if sku not in self.codes:
            with pytest.raises(ChannelSkuNotFound):
                self.product.unlink_sku(sku)
            return
        self.product.unlink_sku(sku)
        self.links.pop(sku, None)

    @rule(entries=INDEX)
    def auto_link(self, entries: list[tuple[ShoplineVariantId, str]]) -> None:
        before = dict(self.links)
        report = self.product.auto_link(VariantSkuIndex(entries), T0)
        for sku, code in self.codes.items():
            if sku in self.links:
                assert sku in report.already_linked
                continue
            wanted = code.strip()
            matches = {variant for variant, other in entries if wanted and other.strip() == wanted}
            if len(matches) == 1:
                self.links[sku] = (matches.pop(), LinkKind.AUTO)
                assert sku in report.linked
            elif matches:
                assert sku in report.ambiguous
            else:
                assert sku in report.unmatched
        for sku, link in before.items():
            assert self.links[sku] == link  # existing links, manual ones above all, are untouched

    @rule(
        shift=st.integers(-1, 2),
        codes=st.dictionaries(st.sampled_from(SKU_IDS), st.sampled_from(CODES), min_size=1, max_size=5),
    )
    def sync_from_tiktok(self, shift: int, codes: dict[ChannelSkuId, str]) -> None:
        when = self.update + shift
        data = ChannelProductData(
            ChannelProductId("p"),
            "title",
            "ACTIVATE",
            T0 + timedelta(hours=when),
            tuple(ChannelSkuData(sku, code, None) for sku, code in sorted(codes.items())),
        )
        applied = self.product.apply_sync(data)
        assert applied == (when > self.update)
        if applied:
            self.update = when
            self.codes = dict(codes)
            self.links = {sku: link for sku, link in self.links.items() if sku in codes}

    @invariant()
    def links_match_the_model(self) -> None:
        actual = {
            sku.sku_id: (sku.link.variant_id, sku.link.kind)
            for sku in self.product.skus
            if sku.link is not None
        }
        assert actual == self.links
        assert {sku.sku_id for sku in self.product.skus} == set(self.codes)

    @invariant()
    def events_replay_to_the_current_links(self) -> None:
        for event in self.product.pull_events():
            if isinstance(event, SkuLinked):
                assert event.sku_id not in self.current, "linked twice without an unlink"
                self.current[event.sku_id] = event.variant_id
            elif isinstance(event, SkuUnlinked):
                assert self.current.pop(event.sku_id) == event.variant_id
        assert self.current == {sku: variant for sku, (variant, _) in self.links.items()}


CatalogMachine.TestCase.settings = settings(
    max_examples=200, stateful_step_count=30, deadline=None, database=None
)
TestCatalog = CatalogMachine.TestCase

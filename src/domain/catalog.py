"""Catalog: TikTok products and SKUs, their links to SHOPLINE variants, and price sync.

A channel SKU links to at most one SHOPLINE variant; a variant may serve many channel SKUs
across shops (the variant side is not limited, so it is not tracked here).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum

from domain.channel import ChannelProductData, SalesAttribute, WarehouseQuantity
from domain.errors import ChannelSkuNotFound, InvalidArgument
from domain.events import RecordsEvents, SkuLinked, SkuUnlinked
from domain.ids import AppId, ChannelProductId, ChannelSkuId, ShopId, ShoplineVariantId
from domain.money import Money
from domain.resource_names import sku_name


class LinkKind(Enum):
    MANUAL = "MANUAL"
    AUTO = "AUTO"


@dataclass(frozen=True)
class SkuLink:
    variant_id: ShoplineVariantId
    kind: LinkKind
    linked_at: datetime


@dataclass(frozen=True)
class ChannelSku:
    sku_id: ChannelSkuId
    seller_sku: str
    price: Money | None
    inventory: tuple[WarehouseQuantity, ...] = ()
    link: SkuLink | None = None
    attributes: tuple[SalesAttribute, ...] | None = None
    """TikTok's sales attributes; None until the product has been read through Get Product."""


class VariantSkuIndex:
    """SHOPLINE variants by SKU code: trimmed, case-sensitive; blank codes never match."""

    def __init__(self, variants: Iterable[tuple[ShoplineVariantId, str]]) -> None:
        index: dict[str, list[ShoplineVariantId]] = {}
        for variant_id, sku in variants:
            code = sku.strip()
            if code and variant_id not in index.get(code, []):
                index.setdefault(code, []).append(variant_id)
        self._index = {code: tuple(ids) for code, ids in index.items()}

    def lookup(self, seller_sku: str) -> tuple[ShoplineVariantId, ...]:
        code = seller_sku.strip()
        return self._index.get(code, ()) if code else ()


@dataclass
class AutoLinkReport:
    linked: list[ChannelSkuId] = field(default_factory=list)
    ambiguous: list[ChannelSkuId] = field(default_factory=list)
    """Several SHOPLINE variants share the SKU code: nothing is linked."""
    unmatched: list[ChannelSkuId] = field(default_factory=list)
    already_linked: list[ChannelSkuId] = field(default_factory=list)
    """Left alone: auto-link never overrides an existing (in particular a manual) link."""


class ChannelProduct(RecordsEvents):
    def __init__(
        self,
        *,
        product_id: ChannelProductId,
        app_id: AppId,
        shop_id: ShopId,
        title: str,
        status: str,
        update_time: datetime,
        skus: Iterable[ChannelSku],
    ) -> None:
        """Rebuilds a product from stored state; ``synced`` creates one from TikTok data."""
        self._id = product_id
        self._app_id = app_id
        self._shop_id = shop_id
        self._title = title
        self._status = status
        self._update_time = update_time
        self._skus = {sku.sku_id: sku for sku in skus}
        self._events = []

    @classmethod
    def synced(cls, app_id: AppId, shop_id: ShopId, data: ChannelProductData) -> ChannelProduct:
        return cls(
            product_id=data.product_id,
            app_id=app_id,
            shop_id=shop_id,
            title=data.title,
            status=data.status,
            update_time=data.update_time,
            skus=(
                ChannelSku(s.sku_id, s.seller_sku, s.price, s.inventory, attributes=s.attributes)
                for s in data.skus
            ),
        )

    @property
    def id(self) -> ChannelProductId:
        return self._id

    @property
    def app_id(self) -> AppId:
        return self._app_id

    @property
    def shop_id(self) -> ShopId:
        return self._shop_id

    @property
    def title(self) -> str:
        return self._title

    @property
    def status(self) -> str:
        return self._status

    @property
    def update_time(self) -> datetime:
        return self._update_time

    @property
    def skus(self) -> tuple[ChannelSku, ...]:
        return tuple(self._skus[k] for k in sorted(self._skus))

    def sku(self, sku_id: ChannelSkuId) -> ChannelSku:
        try:
            return self._skus[sku_id]
        except KeyError:
            raise ChannelSkuNotFound(sku_name(self._app_id, self._shop_id, self._id, sku_id)) from None

    def linked_variants(self) -> dict[ChannelSkuId, ShoplineVariantId]:
        return {k: s.link.variant_id for k, s in self._skus.items() if s.link is not None}

    # --- sync -------------------------------------------------------------------------------

    def apply_sync(self, data: ChannelProductData) -> bool:
        """Takes newer TikTok data; links survive for SKUs that still exist."""
        if data.product_id != self._id:
            raise InvalidArgument("product_id", "sync data is for another product")
        if data.update_time <= self._update_time:
            return False
        fresh: dict[ChannelSkuId, ChannelSku] = {}
        for incoming in data.skus:
            held = self._skus.get(incoming.sku_id)
            # A search result carries no sales attributes: the newer product leaves them unknown
            # (None) until Get Product is read, rather than showing ones that may have changed.
            fresh[incoming.sku_id] = ChannelSku(
                incoming.sku_id,
                incoming.seller_sku,
                incoming.price,
                incoming.inventory,
                None if held is None else held.link,
                incoming.attributes,
            )
        for sku_id, old in self._skus.items():
            if sku_id not in fresh and old.link is not None:
                self._record(SkuUnlinked(self._shop_id, self._id, sku_id, old.link.variant_id))
        self._skus = fresh
        self._title = data.title
        self._status = data.status
        self._update_time = data.update_time
        return True

    @property
    def needs_attributes(self) -> bool:
        """Some SKU's sales attributes are unknown: they come from Get Product only."""
        return any(sku.attributes is None for sku in self._skus.values())

    def record_attributes(self, data: ChannelProductData) -> bool:
        """Takes the sales attributes of a Get Product answer for the SKUs held; True on a change.

        Get Product leaves ``sales_attributes`` out for a product's only SKU: such a SKU has none.
        Nothing else is taken: the search that feeds ``apply_sync`` owns the rest of the product.
        """
        if data.product_id != self._id:
            raise InvalidArgument("product_id", "product data is for another product")
        answered = {incoming.sku_id: incoming.attributes or () for incoming in data.skus}
        changed = False
        for sku_id, held in list(self._skus.items()):
            # A SKU TikTok no longer lists has none to show; the next search drops it.
            attributes = answered.get(sku_id, () if held.attributes is None else held.attributes)
            if attributes != held.attributes:
                self._skus[sku_id] = replace(held, attributes=attributes)
                changed = True
        return changed

    # --- links ------------------------------------------------------------------------------

    def link_sku(self, sku_id: ChannelSkuId, variant_id: ShoplineVariantId, now: datetime) -> None:
        """A manual link; it replaces whatever link the SKU had."""
        self._set_link(sku_id, SkuLink(variant_id, LinkKind.MANUAL, now))

    def unlink_sku(self, sku_id: ChannelSkuId) -> None:
        sku = self.sku(sku_id)
        if sku.link is not None:
            self._skus[sku_id] = replace(sku, link=None)
            self._record(SkuUnlinked(self._shop_id, self._id, sku_id, sku.link.variant_id))

    def auto_link(self, index: VariantSkuIndex, now: datetime) -> AutoLinkReport:
        """Links unlinked SKUs whose ``seller_sku`` equals exactly one SHOPLINE variant SKU."""
        report = AutoLinkReport()
        for sku_id in sorted(self._skus):
            sku = self._skus[sku_id]
            if sku.link is not None:
                report.already_linked.append(sku_id)
                continue
            matches = index.lookup(sku.seller_sku)
            if len(matches) == 1:
                self._set_link(sku_id, SkuLink(matches[0], LinkKind.AUTO, now))
                report.linked.append(sku_id)
            elif matches:
                report.ambiguous.append(sku_id)
            else:
                report.unmatched.append(sku_id)
        return report

    def _set_link(self, sku_id: ChannelSkuId, link: SkuLink) -> None:
        sku = self.sku(sku_id)
        if sku.link is not None and sku.link.variant_id == link.variant_id and sku.link.kind is link.kind:
            return
        if sku.link is not None and sku.link.variant_id != link.variant_id:
            self._record(SkuUnlinked(self._shop_id, self._id, sku_id, sku.link.variant_id))
        self._skus[sku_id] = replace(sku, link=link)
        if sku.link is None or sku.link.variant_id != link.variant_id:
            self._record(
                SkuLinked(self._shop_id, self._id, sku_id, link.variant_id, link.kind is LinkKind.MANUAL)
            )

    # --- prices -----------------------------------------------------------------------------

    def record_price(self, sku_id: ChannelSkuId, price: Money) -> None:
        """TikTok accepted a pushed price."""
        self._skus[sku_id] = replace(self.sku(sku_id), price=price)

    def __repr__(self) -> str:
        return f"ChannelProduct(id={self._id!r}, shop_id={self._shop_id!r}, skus={len(self._skus)})"

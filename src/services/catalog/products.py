"""Catalog use cases: list products with link state and prices, manual links, price rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TypeVar

from domain.app import App
from domain.catalog import ChannelProduct, ChannelSku, LinkKind
from domain.channel import ShoplineVariant
from domain.errors import (
    ChannelProductNotFound,
    DomainError,
    InvalidArgument,
    InvalidPriceRule,
    PoolAlreadyExists,
    ShoplineVariantNotFound,
)
from domain.ids import AppId, ChannelProductId, ChannelSkuId, PoolId, ShopId, ShoplineVariantId
from domain.money import Money
from domain.paging import Page
from domain.ports import Clock, UnitOfWork
from domain.pricing import ExchangeRate, PriceRounding, PriceRule
from domain.shop import Shop
from services.catalog.links import PoolLinks
from services.catalog.variants import VariantRefresh
from services.shared.requests import ClientRequest
from services.shared.stale_writes import retry_stale
from services.shared.update_mask import masked_fields
from services.shops.management import owned_shop

T = TypeVar("T")

MAX_SCANNED_PER_PAGE = 1_000
"""A filtered list page reads at most this many products; it may then hold fewer than asked."""
LINK_SKU = "LinkSku"
UNLINK_SKU = "UnlinkSku"
UPDATE_PRICE_RULE = "UpdatePriceRule"

_PRICE_RULE_PATHS = {
    "enabled": ("enabled",),
    "markup": ("markup",),
    "fixed_amount": ("fixed",),
    "exchange_rate": ("exchange_rate",),
    "rounding": ("rounding",),
    "auto_sync": ("auto_sync",),
}


class LinkState(Enum):
    UNLINKED = "UNLINKED"
    LINKED_MANUAL = "LINKED_MANUAL"
    LINKED_AUTO = "LINKED_AUTO"

    @classmethod
    def of(cls, sku: ChannelSku) -> LinkState:
        if sku.link is None:
            return cls.UNLINKED
        return cls.LINKED_MANUAL if sku.link.kind is LinkKind.MANUAL else cls.LINKED_AUTO


@dataclass(frozen=True)
class ProductFilter:
    status: str | None = None
    link_state: LinkState | None = None
    seller_sku: str | None = None

    def matches(self, product: ChannelProduct) -> bool:
        if self.status is not None and product.status != self.status:
            return False
        if self.link_state is not None and all(LinkState.of(s) is not self.link_state for s in product.skus):
            return False
        return self.seller_sku is None or any(s.seller_sku == self.seller_sku for s in product.skus)


@dataclass(frozen=True)
class SkuView:
    sku: ChannelSku
    target_price: Money | None
    """What the price rule computes from the linked variant's price; None when unlinked or not computable."""
    pool_id: PoolId | None


@dataclass(frozen=True)
class ProductView:
    product: ChannelProduct
    skus: tuple[SkuView, ...]

    def sku(self, sku_id: ChannelSkuId) -> SkuView:
        return next(view for view in self.skus if view.sku.sku_id == sku_id)


@dataclass(frozen=True)
class PriceRuleView:
    app_id: AppId
    shop_id: ShopId
    rule: PriceRule
    updated_at: datetime | None
    """When the shop's own rule was set; None while the app's default applies."""


@dataclass(frozen=True)
class PriceRuleChanges:
    """New values for the paths of an update mask (others are ignored)."""

    enabled: bool = False
    markup: Decimal = Decimal(0)
    fixed_amount: Money | None = None
    exchange_rate: Decimal | None = None
    """Units of the shop currency per unit of the store currency; None means no conversion."""
    rounding: PriceRounding = PriceRounding.HALF_UP
    auto_sync: bool = False


async def product_views(
    uow: UnitOfWork, app: App, shop: Shop, products: Iterable[ChannelProduct]
) -> list[ProductView]:
    """Products with each SKU's target price and pool, read in one pass over their links."""
    products = list(products)
    links = {sku: v for product in products for sku, v in product.linked_variants().items()}
    variants = await uow.shopline_variants.get_many(app.id, set(links.values()))
    pools = await uow.inventory_pools.pool_ids_for_skus(shop.id, links)
    rule = shop.effective_price_rule(app.settings.default_price_rule)
    return [
        ProductView(product, tuple(_sku_view(sku, rule, variants, pools) for sku in product.skus))
        for product in products
    ]


def _sku_view(
    sku: ChannelSku,
    rule: PriceRule,
    variants: dict[ShoplineVariantId, ShoplineVariant],
    pools: dict[ChannelSkuId, PoolId],
) -> SkuView:
    if sku.link is None:
        return SkuView(sku, None, None)
    variant = variants.get(sku.link.variant_id)
    return SkuView(sku, target_price(rule, variant), pools.get(sku.sku_id))


def target_price(rule: PriceRule, variant: ShoplineVariant | None) -> Money | None:
    if variant is None:
        return None
    try:
        return rule.apply(variant.price)
    except DomainError:
        return None


class CatalogQueries:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork]) -> None:
        self._unit_of_work = unit_of_work

    async def list_products(
        self,
        app_id: AppId,
        shop_id: ShopId,
        *,
        page_size: int,
        after: str | None,
        filter: ProductFilter = ProductFilter(),
    ) -> Page[ProductView]:
        found: list[ChannelProduct] = []
        cursor = after
        async with self._unit_of_work() as uow:
            shop = await owned_shop(uow, app_id, shop_id)
            app = await uow.apps.get(app_id)
            scanned = 0
            while len(found) < page_size and scanned < MAX_SCANNED_PER_PAGE:
                # Asking for exactly what is missing: every product of the page is examined, so
                # the repository's cursor is where the next page starts.
                page = await uow.channel_products.list(
                    shop_id, page_size=page_size - len(found), after=cursor
                )
                scanned += len(page.items)
                found.extend(product for product in page.items if filter.matches(product))
                cursor = page.next_cursor
                if cursor is None:
                    break
            views = await product_views(uow, app, shop, found)
        return Page(views, cursor)

    async def get_product(self, app_id: AppId, shop_id: ShopId, product_id: ChannelProductId) -> ProductView:
        async with self._unit_of_work() as uow:
            shop = await owned_shop(uow, app_id, shop_id)
            app = await uow.apps.get(app_id)
            product = await _product(uow, app_id, shop_id, product_id)
            return (await product_views(uow, app, shop, [product]))[0]


async def _product(
    uow: UnitOfWork, app_id: AppId, shop_id: ShopId, product_id: ChannelProductId
) -> ChannelProduct:
    product = await uow.channel_products.find(shop_id, product_id)
    if product is None:
        raise ChannelProductNotFound(f"apps/{app_id}/shops/{shop_id}/products/{product_id}")
    return product


class ManualLinks:
    """LinkSku / UnlinkSku: the product, its SKU's pools and nothing else, in one transaction."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        pool_links: PoolLinks,
        variants: VariantRefresh,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._pool_links = pool_links
        self._variants = variants

    async def link(
        self,
        app_id: AppId,
        shop_id: ShopId,
        product_id: ChannelProductId,
        sku_id: ChannelSkuId,
        variant_id: ShoplineVariantId,
        request_id: str | None = None,
    ) -> SkuView:
        """A call repeating the ``request_id`` of an earlier one returns the SKU as it is now."""
        subject = _sku_subject(shop_id, product_id, sku_id)
        request = ClientRequest(app_id, request_id, LINK_SKU, subject, variant_id)
        if not await self._replayed(request) and not await self._variant_known(app_id, shop_id, variant_id):
            # The cache may lag behind SHOPLINE: one refresh before saying the variant is not there.
            await self._variants.refresh(app_id)
            if not await self._variant_known(app_id, shop_id, variant_id):
                raise ShoplineVariantNotFound(variant_id)
        return await self._change(
            request, shop_id, product_id, sku_id, lambda p: p.link_sku(sku_id, variant_id, self._clock.now())
        )

    async def unlink(
        self,
        app_id: AppId,
        shop_id: ShopId,
        product_id: ChannelProductId,
        sku_id: ChannelSkuId,
        request_id: str | None = None,
    ) -> SkuView:
        """A call repeating the ``request_id`` of an earlier one returns the SKU as it is now."""
        request = ClientRequest(app_id, request_id, UNLINK_SKU, _sku_subject(shop_id, product_id, sku_id))
        return await self._change(request, shop_id, product_id, sku_id, lambda p: p.unlink_sku(sku_id))

    async def _replayed(self, request: ClientRequest) -> bool:
        if request.request_id is None:
            return False
        async with self._unit_of_work() as uow:
            return await request.replayed(uow) is not None

    async def _variant_known(self, app_id: AppId, shop_id: ShopId, variant_id: ShoplineVariantId) -> bool:
        async with self._unit_of_work() as uow:
            await owned_shop(uow, app_id, shop_id)
            return bool(await uow.shopline_variants.get_many(app_id, [variant_id]))

    async def _change(
        self,
        request: ClientRequest,
        shop_id: ShopId,
        product_id: ChannelProductId,
        sku_id: ChannelSkuId,
        change: Callable[[ChannelProduct], None],
    ) -> SkuView:
        app_id = request.app_id

        async def write() -> SkuView:
            async with self._unit_of_work() as uow:
                shop = await owned_shop(uow, app_id, shop_id)
                app = await uow.apps.get(app_id)
                product = await _product(uow, app_id, shop_id, product_id)
                product.sku(sku_id)  # ChannelSkuNotFound before anything changes
                if not await request.replayed(uow):
                    before = product.linked_variants()
                    change(product)
                    if product.linked_variants() != before:
                        await self._pool_links.follow(uow, app, product, before)
                    await uow.channel_products.update(product)
                    await request.record(uow, self._clock.now())
                view = (await product_views(uow, app, shop, [product]))[0].sku(sku_id)
                await uow.commit()
                return view

        return await retry_stale(write, also=(PoolAlreadyExists,))


def _sku_subject(shop_id: ShopId, product_id: ChannelProductId, sku_id: ChannelSkuId) -> str:
    return f"shops/{shop_id}/products/{product_id}/skus/{sku_id}"


class PriceRules:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, variants: VariantRefresh
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._variants = variants

    async def get(self, app_id: AppId, shop_id: ShopId) -> PriceRuleView:
        async with self._unit_of_work() as uow:
            shop = await owned_shop(uow, app_id, shop_id)
            app = await uow.apps.get(app_id)
        return _rule_view(app, shop)

    async def update(
        self,
        app_id: AppId,
        shop_id: ShopId,
        changes: PriceRuleChanges,
        update_mask: Sequence[str],
        request_id: str | None = None,
    ) -> PriceRuleView:
        """A call repeating the ``request_id`` of an earlier one returns the rule as it is now."""
        fields = masked_fields(update_mask, _PRICE_RULE_PATHS)
        details = repr((sorted(fields), changes))
        request = ClientRequest(app_id, request_id, UPDATE_PRICE_RULE, f"shops/{shop_id}/priceRule", details)
        async with self._unit_of_work() as uow:
            shop = await owned_shop(uow, app_id, shop_id)
            if await request.replayed(uow):
                return _rule_view(await uow.apps.get(app_id), shop)
        values: dict[str, object] = {}
        if "enabled" in fields:
            values["enabled"] = changes.enabled
        if "markup" in fields:
            values["markup"] = changes.markup
        if "rounding" in fields:
            values["rounding"] = changes.rounding
        if "auto_sync" in fields:
            values["auto_sync"] = changes.auto_sync
        if "fixed" in fields:
            fixed = changes.fixed_amount
            if fixed is not None and fixed.currency != shop.currency:
                raise InvalidArgument(
                    "price_rule.fixed_amount.currency_code", f"must be the shop currency {shop.currency}"
                )
            values["fixed"] = Decimal(0) if fixed is None else fixed.amount
        if "exchange_rate" in fields:
            values["exchange_rate"] = await self._exchange_rate(app_id, shop, changes.exchange_rate)

        async def write() -> PriceRuleView:
            async with self._unit_of_work() as uow:
                shop = await owned_shop(uow, app_id, shop_id)
                app = await uow.apps.get(app_id)
                if not await request.replayed(uow):  # a concurrent first call may have got in meanwhile
                    current = shop.effective_price_rule(app.settings.default_price_rule)
                    shop.change_price_rule(_with_values(current, values), self._clock.now())
                    await uow.shops.update(shop)
                    await request.record(uow, self._clock.now())
                    await uow.commit()
                return _rule_view(app, shop)

        return await retry_stale(write)

    async def _exchange_rate(self, app_id: AppId, shop: Shop, rate: Decimal | None) -> ExchangeRate | None:
        if rate is None:
            return None
        if not rate.is_finite() or rate <= 0:
            raise InvalidArgument("price_rule.exchange_rate", "must be a positive decimal number")
        # The rate converts from the store currency, whatever SHOPLINE says it is now.
        source = await self._variants.store_currency(app_id)
        return _prefixed(lambda: ExchangeRate(source, shop.currency, rate))


def _with_values(rule: PriceRule, values: dict[str, object]) -> PriceRule:
    return _prefixed(lambda: replace(rule, **values))  # type: ignore[arg-type]  # checked by PriceRule


def _prefixed(build: Callable[[], T]) -> T:
    """Domain checks name the rule's own fields; the API's field is under ``price_rule``."""
    try:
        return build()
    except InvalidArgument as error:
        raise InvalidPriceRule(f"price_rule.{error.field}", error.description) from None


def _rule_view(app: App, shop: Shop) -> PriceRuleView:
    rule = shop.effective_price_rule(app.settings.default_price_rule)
    return PriceRuleView(app.id, shop.id, rule, shop.price_rule_updated_at)

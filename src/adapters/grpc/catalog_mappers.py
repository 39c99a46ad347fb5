"""CatalogService conversions: products, SKUs and price rules to and from protobuf."""

from __future__ import annotations

from decimal import Decimal

from adapters.grpc.decimals import bounded_decimal
from adapters.grpc.mappers import price_rule_to_proto, timestamp
from adapters.grpc.names import inventory_pool_name, price_rule_name, product_name, sku_name
from domain.errors import InvalidArgument
from domain.ids import AppId, ShopId
from domain.money import Money, check_currency_code, minor_unit_digits
from domain.pricing import (
    MARKUP_DIGITS,
    MAX_EXCHANGE_RATE,
    MAX_FIXED_AMOUNT,
    MAX_MARKUP,
    RATE_DIGITS,
    PriceRounding,
)
from multichannel.v1 import catalog_pb2, common_pb2
from services.catalog.products import (
    LinkState,
    PriceRuleChanges,
    PriceRuleView,
    ProductFilter,
    ProductView,
    SkuView,
)

_STATUSES = (
    "DRAFT",
    "PENDING",
    "FAILED",
    "ACTIVATE",
    "SELLER_DEACTIVATED",
    "PLATFORM_DEACTIVATED",
    "FREEZE",
    "DELETED",
)
_STATUS_TO_PROTO = {
    status: catalog_pb2.ProductStatus.Value(f"PRODUCT_STATUS_{status}") for status in _STATUSES
}
_STATUS_FROM_PROTO = {value: status for status, value in _STATUS_TO_PROTO.items()}
_LINK_TO_PROTO = {state: catalog_pb2.LinkState.Value(f"LINK_STATE_{state.value}") for state in LinkState}
_LINK_FROM_PROTO = {value: state for state, value in _LINK_TO_PROTO.items()}
_ROUNDING_FROM_PROTO = {
    common_pb2.PriceRounding.Value(f"PRICE_ROUNDING_{mode.value}"): mode for mode in PriceRounding
} | {common_pb2.PRICE_ROUNDING_UNSPECIFIED: PriceRounding.HALF_UP}
SELLER_SKU_MAX = 128


def money_to_proto(money: Money | None) -> common_pb2.Money | None:
    if money is None:
        return None
    return common_pb2.Money(currency_code=money.currency, amount=format(money.amount, "f"))


def sku_view_to_proto(app_id: AppId, shop_id: ShopId, product_id: str, view: SkuView) -> catalog_pb2.Sku:
    sku = view.sku
    message = catalog_pb2.Sku(
        name=sku_name(app_id, shop_id, product_id, sku.sku_id),
        tiktok_sku_id=sku.sku_id,
        seller_sku=sku.seller_sku,
        attributes=[f"{attribute.name}: {attribute.value}" for attribute in sku.attributes or ()],
        price=money_to_proto(sku.price),
        link_state=_LINK_TO_PROTO[LinkState.of(sku)],
        target_price=money_to_proto(view.target_price),
    )
    if sku.link is not None:
        message.shopline_variant_id = sku.link.variant_id
        message.link_time.CopyFrom(timestamp(sku.link.linked_at))
        if view.pool_id is not None:  # pools are named by their SHOPLINE variant
            message.inventory_pool = inventory_pool_name(app_id, sku.link.variant_id)
    return message


def product_view_to_proto(view: ProductView) -> catalog_pb2.Product:
    product = view.product
    return catalog_pb2.Product(
        name=product_name(product.app_id, product.shop_id, product.id),
        tiktok_product_id=product.id,
        title=product.title,
        status=_STATUS_TO_PROTO.get(product.status, catalog_pb2.PRODUCT_STATUS_UNSPECIFIED),
        skus=[sku_view_to_proto(product.app_id, product.shop_id, product.id, sku) for sku in view.skus],
        update_time=timestamp(product.update_time),
    )


def product_filter_from_proto(request: catalog_pb2.ListProductsRequest) -> ProductFilter:
    if request.status and request.status not in _STATUS_FROM_PROTO:
        raise InvalidArgument("status", f"{request.status} is not a ProductStatus")
    if request.link_state and request.link_state not in _LINK_FROM_PROTO:
        raise InvalidArgument("link_state", f"{request.link_state} is not a LinkState")
    if len(request.seller_sku) > SELLER_SKU_MAX:
        raise InvalidArgument("seller_sku", f"must be at most {SELLER_SKU_MAX} characters")
    return ProductFilter(
        status=_STATUS_FROM_PROTO.get(request.status),
        link_state=_LINK_FROM_PROTO.get(request.link_state),
        seller_sku=request.seller_sku or None,
    )


def price_rule_view_to_proto(view: PriceRuleView) -> common_pb2.PriceRule:
    message = price_rule_to_proto(view.rule)
    message.name = price_rule_name(view.app_id, view.shop_id)
    if view.updated_at is not None:
        message.update_time.CopyFrom(timestamp(view.updated_at))
    return message


def price_rule_changes_from_proto(rule: common_pb2.PriceRule, paths: list[str]) -> PriceRuleChanges:
    """Reads the fields the mask names only, so unnamed fields are never validated."""
    named = set(paths)
    markup = Decimal(0)
    if "markup" in named and rule.markup:
        markup = bounded_decimal(
            rule.markup, "price_rule.markup", maximum=MAX_MARKUP, fraction_digits=MARKUP_DIGITS
        )
        if not Decimal(-1) < markup <= MAX_MARKUP:
            raise InvalidArgument("price_rule.markup", 'must be greater than "-1" and at most "100"')
    fixed = None
    if "fixed_amount" in named and rule.HasField("fixed_amount"):
        fixed = _money(rule.fixed_amount, "price_rule.fixed_amount")
    rate = None
    if "exchange_rate" in named and rule.exchange_rate:
        rate = bounded_decimal(
            rule.exchange_rate,
            "price_rule.exchange_rate",
            maximum=MAX_EXCHANGE_RATE,
            fraction_digits=RATE_DIGITS,
            example="1.35",
        )
        if rate <= 0:
            raise InvalidArgument("price_rule.exchange_rate", "must be a positive decimal number")
    rounding = PriceRounding.HALF_UP
    if "rounding" in named:
        if rule.rounding not in _ROUNDING_FROM_PROTO:
            raise InvalidArgument("price_rule.rounding", f"{rule.rounding} is not a PriceRounding")
        rounding = _ROUNDING_FROM_PROTO[rule.rounding]
    return PriceRuleChanges(
        enabled=rule.enabled,
        markup=markup,
        fixed_amount=fixed,
        exchange_rate=rate,
        rounding=rounding,
        auto_sync=rule.auto_sync,
    )


def _money(message: common_pb2.Money, field: str) -> Money:
    try:
        currency = check_currency_code(message.currency_code)
    except InvalidArgument:
        raise InvalidArgument(f"{field}.currency_code", "must be an ISO 4217 code like USD") from None
    if not message.amount:
        raise InvalidArgument(f"{field}.amount", 'is required: a decimal amount like "1.50"')
    if len(message.amount.partition(".")[2]) > minor_unit_digits(currency):
        raise InvalidArgument(f"{field}.amount", f"has more fractional digits than {currency} allows")
    amount = bounded_decimal(
        message.amount, f"{field}.amount", maximum=MAX_FIXED_AMOUNT, fraction_digits=2, example="1.50"
    )
    return Money(amount, currency)

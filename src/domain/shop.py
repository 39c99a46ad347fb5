"""Shop: an authorized TikTok shop inside an app."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from domain.channel import AuthorizedShop
from domain.errors import InvalidArgument, InvalidDisplayName, InvalidPriceRule, UnsupportedRegion, quoted
from domain.events import (
    RecordsEvents,
    ShopAuthorized,
    ShopDeauthorized,
    ShopNeedsReauthorization,
    ShopReauthorized,
    ShopRenamed,
)
from domain.ids import AppId, ShopId, TikTokShopId
from domain.pricing import PriceRule

DISPLAY_NAME_MAX_LENGTH = 64


class Region(Enum):
    """Regions supported for authorization; TikTok's code for the United Kingdom is GB."""

    SG = "SG"
    MY = "MY"
    JP = "JP"
    GB = "GB"
    US = "US"

    @classmethod
    def parse(cls, text: str) -> Region:
        code = text.strip().upper()
        if code == "UK":
            code = "GB"
        try:
            return cls(code)
        except ValueError:
            raise UnsupportedRegion(text) from None

    @property
    def currency(self) -> str:
        return _REGION_CURRENCY[self]


_REGION_CURRENCY = {Region.SG: "SGD", Region.MY: "MYR", Region.JP: "JPY", Region.GB: "GBP", Region.US: "USD"}


class SellerType(Enum):
    LOCAL = "LOCAL"
    CROSS_BORDER = "CROSS_BORDER"

    @classmethod
    def parse(cls, text: str) -> SellerType:
        try:
            return cls(text.strip().upper())
        except ValueError:
            raise InvalidArgument("seller_type", f"{quoted(text)} is not LOCAL or CROSS_BORDER") from None


class ShopStatus(Enum):
    ACTIVE = "ACTIVE"
    NEEDS_REAUTHORIZATION = "NEEDS_REAUTHORIZATION"
    DEAUTHORIZED = "DEAUTHORIZED"


_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


@dataclass(frozen=True)
class DisplayName:
    """Our name for a shop: trimmed, 1-64 characters of any script, no control characters."""

    value: str

    def __post_init__(self) -> None:
        if self.value != self.value.strip() or unicodedata.normalize("NFC", self.value) != self.value:
            raise InvalidDisplayName("must be built with DisplayName.parse")
        if not self.value:
            raise InvalidDisplayName("must not be empty")
        if len(self.value) > DISPLAY_NAME_MAX_LENGTH:
            raise InvalidDisplayName(f"must be at most {DISPLAY_NAME_MAX_LENGTH} characters")
        if any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in self.value):
            raise InvalidDisplayName("must not contain control characters or line breaks")

    @classmethod
    def parse(cls, text: str) -> DisplayName:
        return cls(unicodedata.normalize("NFC", text).strip())

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class ShopIdentity:
    """What TikTok tells us about a shop at authorization (from Get Authorized Shops)."""

    tiktok_shop_id: TikTokShopId
    cipher: str
    region: Region
    seller_type: SellerType
    tiktok_name: str

    @classmethod
    def from_authorized_shop(cls, shop: AuthorizedShop) -> ShopIdentity:
        """Checks TikTok's raw values: only supported regions may be authorized."""
        return cls(
            shop.tiktok_shop_id,
            shop.cipher,
            Region.parse(shop.region),
            SellerType.parse(shop.seller_type),
            shop.name,
        )


def _default_display_name(identity: ShopIdentity) -> DisplayName:
    """TikTok's own shop name when it is a valid display name, else the shop id."""
    cleaned = "".join(
        ch for ch in identity.tiktok_name if unicodedata.category(ch) not in _FORBIDDEN_CATEGORIES
    )
    cleaned = unicodedata.normalize("NFC", cleaned).strip()[:DISPLAY_NAME_MAX_LENGTH].strip()
    return DisplayName(cleaned) if cleaned else DisplayName(identity.tiktok_shop_id)


class Shop(RecordsEvents):
    def __init__(
        self,
        *,
        shop_id: ShopId,
        app_id: AppId,
        identity: ShopIdentity,
        display_name: DisplayName,
        status: ShopStatus,
        authorized_at: datetime,
        reauthorized_at: datetime | None = None,
        orders_synced_until: datetime | None = None,
        products_synced_until: datetime | None = None,
        price_rule: PriceRule | None = None,
        price_rule_updated_at: datetime | None = None,
    ) -> None:
        """Rebuilds a shop from stored state without checking rules; ``authorize`` creates one."""
        self._id = shop_id
        self._app_id = app_id
        self._identity = identity
        self._display_name = display_name
        self._status = status
        self._authorized_at = authorized_at
        self._reauthorized_at = reauthorized_at
        self._orders_synced_until = orders_synced_until
        self._products_synced_until = products_synced_until
        self._price_rule = price_rule
        self._price_rule_updated_at = price_rule_updated_at
        self._events = []

    @classmethod
    def authorize(
        cls,
        shop_id: ShopId,
        app_id: AppId,
        identity: ShopIdentity,
        now: datetime,
        display_name: DisplayName | None = None,
    ) -> Shop:
        """A new shop; callers go through ``ShopLinking`` so the one-shop-per-app rule holds."""
        name = display_name or _default_display_name(identity)
        shop = cls(
            shop_id=shop_id,
            app_id=app_id,
            identity=identity,
            display_name=name,
            status=ShopStatus.ACTIVE,
            authorized_at=now,
        )
        shop._record(ShopAuthorized(shop_id, app_id, identity.tiktok_shop_id, now))
        return shop

    # --- read-only state --------------------------------------------------------------------

    @property
    def id(self) -> ShopId:
        return self._id

    @property
    def app_id(self) -> AppId:
        return self._app_id

    @property
    def identity(self) -> ShopIdentity:
        return self._identity

    @property
    def tiktok_shop_id(self) -> TikTokShopId:
        return self._identity.tiktok_shop_id

    @property
    def cipher(self) -> str:
        return self._identity.cipher

    @property
    def region(self) -> Region:
        return self._identity.region

    @property
    def display_name(self) -> DisplayName:
        return self._display_name

    @property
    def status(self) -> ShopStatus:
        return self._status

    @property
    def authorized_at(self) -> datetime:
        return self._authorized_at

    @property
    def reauthorized_at(self) -> datetime | None:
        return self._reauthorized_at

    @property
    def orders_synced_until(self) -> datetime | None:
        return self._orders_synced_until

    @property
    def products_synced_until(self) -> datetime | None:
        return self._products_synced_until

    @property
    def currency(self) -> str:
        """The currency of the shop's TikTok prices."""
        return self._identity.region.currency

    @property
    def price_rule(self) -> PriceRule | None:
        """The shop's own price rule; None while the app's default applies."""
        return self._price_rule

    @property
    def price_rule_updated_at(self) -> datetime | None:
        return self._price_rule_updated_at

    def effective_price_rule(self, app_default: PriceRule | None) -> PriceRule:
        """The shop's own rule, else the app's default (its target is always the shop currency)."""
        if self._price_rule is not None:
            return self._price_rule
        if app_default is None:
            return PriceRule(self.currency)
        return replace(app_default, target_currency=self.currency, exchange_rate=None)

    # --- commands ---------------------------------------------------------------------------

    def change_price_rule(self, rule: PriceRule, now: datetime) -> None:
        """Gives the shop its own rule; prices are pushed in the shop currency only."""
        if rule.target_currency != self.currency:
            raise InvalidPriceRule(
                "target_currency_code",
                f"must be the shop currency {self.currency}, not {rule.target_currency}",
            )
        if rule != self._price_rule:
            self._price_rule = rule
            self._price_rule_updated_at = now

    def reauthorize(self, identity: ShopIdentity, now: datetime) -> None:
        """Same shop, fresh grant: back to ACTIVE, every record kept."""
        if identity.tiktok_shop_id != self.tiktok_shop_id:
            raise InvalidArgument("tiktok_shop_id", "re-authorization must be for the same shop")
        self._identity = identity
        self._status = ShopStatus.ACTIVE
        self._reauthorized_at = now
        self._record(ShopReauthorized(self._id, self._app_id, self.tiktok_shop_id, now))

    def rename(self, display_name: DisplayName) -> None:
        if display_name != self._display_name:
            self._display_name = display_name
            self._record(ShopRenamed(self._id, self._app_id, display_name.value))

    def mark_needs_reauthorization(self, now: datetime) -> None:
        if self._status is ShopStatus.ACTIVE:
            self._status = ShopStatus.NEEDS_REAUTHORIZATION
            self._record(ShopNeedsReauthorization(self._id, self._app_id, now))

    def mark_deauthorized(self, now: datetime) -> None:
        """The seller revoked the app on TikTok's side."""
        if self._status is not ShopStatus.DEAUTHORIZED:
            self._status = ShopStatus.DEAUTHORIZED
            self._record(ShopDeauthorized(self._id, self._app_id, now))

    def advance_orders_watermark(self, until: datetime) -> None:
        """Sync windows only move forward, so a late or replayed run cannot rewind them."""
        if self._orders_synced_until is None or until > self._orders_synced_until:
            self._orders_synced_until = until

    def advance_products_watermark(self, until: datetime) -> None:
        if self._products_synced_until is None or until > self._products_synced_until:
            self._products_synced_until = until

    def __repr__(self) -> str:
        return (
            f"Shop(id={self._id!r}, app_id={self._app_id!r}, tiktok_shop_id={self.tiktok_shop_id!r}, "
            f"status={self._status.value})"
        )

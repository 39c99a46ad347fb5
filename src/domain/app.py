"""App: one SHOPLINE store's installation and its settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from domain.errors import InvalidSetting, InvalidStoreHandle
from domain.events import AppInstalled, AppSettingsChanged, RecordsEvents
from domain.ids import AppId
from domain.money import check_currency_code
from domain.pricing import PriceRule

_HANDLE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# One address, no display name: local part, "@", a dotted domain; SHOPLINE keeps emails to 64 characters.
_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(rf"[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})+")
EMAIL_MAX = 64


class ImportScope(Enum):
    ONLY_LINKED = "ONLY_LINKED"
    """Import only orders whose SKUs are all linked to SHOPLINE variants."""
    ALL_ORDERS = "ALL_ORDERS"
    """Import every order; unlinked lines become custom items."""


class ReturnRestock(Enum):
    """Whether a TikTok refund puts the returned units back into SHOPLINE stock."""

    RESTOCK_ON_RETURN_RECEIVED = "RESTOCK_ON_RETURN_RECEIVED"
    """Restock the units of a return-and-refund once the goods came back; refund-only never."""
    NEVER = "NEVER"


@dataclass(frozen=True)
class AppSettings:
    auto_import_orders: bool = False
    import_scope: ImportScope = ImportScope.ONLY_LINKED
    default_safety_stock: int = 0
    location_ids: tuple[str, ...] = ()
    """SHOPLINE location ids whose stock feeds the shared pools."""
    default_price_rule: PriceRule | None = None
    default_email: str = ""
    """Given to SHOPLINE for orders TikTok ships whose buyer email TikTok hides; empty: none."""
    sync_customers: bool = False
    """Buyers of imported orders are created or matched in SHOPLINE Customers."""
    return_restock: ReturnRestock = ReturnRestock.RESTOCK_ON_RETURN_RECEIVED
    """What the SHOPLINE refund of a TikTok return does with the returned units."""

    def __post_init__(self) -> None:
        if isinstance(self.default_safety_stock, bool) or self.default_safety_stock < 0:
            raise InvalidSetting("default_safety_stock", "must be zero or more")
        if len(set(self.location_ids)) != len(self.location_ids) or any(not x for x in self.location_ids):
            raise InvalidSetting("location_ids", "must be distinct, non-empty location ids")
        if self.default_email and (
            len(self.default_email) > EMAIL_MAX or not _EMAIL.fullmatch(self.default_email)
        ):
            raise InvalidSetting(
                "default_email", f"must be one email address of at most {EMAIL_MAX} characters"
            )


def check_store_handle(handle: str) -> str:
    if not _HANDLE.fullmatch(handle):
        raise InvalidStoreHandle("must be 1-63 lowercase letters, digits or hyphens (the store subdomain)")
    return handle


class App(RecordsEvents):
    def __init__(
        self,
        *,
        app_id: AppId,
        store_handle: str,
        settings: AppSettings,
        created_at: datetime,
        store_currency: str | None = None,
        installed_at: datetime | None = None,
        uninstalled_at: datetime | None = None,
    ) -> None:
        """Rebuilds an app from stored state without checking rules; ``install`` creates a new one.

        ``installed_at`` defaults to ``created_at``: an app not re-installed since was installed then.
        """
        self._id = app_id
        self._store_handle = store_handle
        self._settings = settings
        self._created_at = created_at
        self._store_currency = store_currency
        self._installed_at = installed_at or created_at
        self._uninstalled_at = uninstalled_at
        self._events = []

    @classmethod
    def install(
        cls, app_id: AppId, store_handle: str, now: datetime, settings: AppSettings | None = None
    ) -> App:
        app = cls(
            app_id=app_id,
            store_handle=check_store_handle(store_handle),
            settings=settings or AppSettings(),
            created_at=now,
        )
        app._record(AppInstalled(app_id, now))
        return app

    @property
    def id(self) -> AppId:
        return self._id

    @property
    def store_handle(self) -> str:
        return self._store_handle

    @property
    def settings(self) -> AppSettings:
        return self._settings

    @property
    def created_at(self) -> datetime:
        return self._created_at

    @property
    def installed_at(self) -> datetime:
        """When the installation was last completed (the first install or the latest re-install)."""
        return self._installed_at

    @property
    def uninstalled_at(self) -> datetime | None:
        """When the merchant uninstalled the app in SHOPLINE; None while it is installed."""
        return self._uninstalled_at

    @property
    def uninstalled(self) -> bool:
        return self._uninstalled_at is not None

    def reinstall(self, now: datetime) -> None:
        """The merchant completed the installation again; settings and shops stay as they are."""
        self._installed_at = now
        self._uninstalled_at = None
        self._record(AppInstalled(self._id, now))

    def uninstall(self, now: datetime) -> bool:
        """The merchant removed the app from the store: its work stops, its data is kept for a
        re-installation. False when it was already uninstalled."""
        if self._uninstalled_at is not None:
            return False
        self._uninstalled_at = now
        return True

    @property
    def store_currency(self) -> str | None:
        """The SHOPLINE store's settlement currency, the currency of its variant prices; None until read."""
        return self._store_currency

    def record_store_currency(self, currency: str) -> bool:
        """SHOPLINE reported the store's currency; True when it differs from what was known."""
        check_currency_code(currency)
        if currency == self._store_currency:
            return False
        self._store_currency = currency
        return True

    def change_settings(self, settings: AppSettings, now: datetime) -> None:
        if settings != self._settings:
            self._settings = settings
            self._record(AppSettingsChanged(self._id, now))

    def set_auto_import(self, enabled: bool, now: datetime) -> None:
        self.change_settings(replace(self._settings, auto_import_orders=enabled), now)

    def __repr__(self) -> str:
        return f"App(id={self._id!r}, store_handle={self._store_handle!r})"

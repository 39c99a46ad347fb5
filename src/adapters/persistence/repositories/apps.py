"""Apps: explicit row <-> aggregate mapping with optimistic locking on ``version``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.seen import Seen
from adapters.persistence.tables import apps
from domain.app import App, AppSettings, ImportScope, ReturnRestock
from domain.errors import AppAlreadyExists, AppNotFound, StaleWrite
from domain.ids import AppId
from domain.paging import Page
from domain.pricing import ExchangeRate, PriceRounding, PriceRule


class SqlAlchemyAppRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._versions: dict[AppId, int] = {}
        self.seen: Seen[App] = Seen()

    async def get(self, app_id: AppId) -> App:
        row = (await self._session.execute(select(apps).where(apps.c.id == app_id))).mappings().first()
        if row is None:
            raise AppNotFound(f"apps/{app_id}")
        return self._track(row)

    async def find_by_handle(self, store_handle: str) -> App | None:
        row = (
            (await self._session.execute(select(apps).where(apps.c.store_handle == store_handle)))
            .mappings()
            .first()
        )
        return None if row is None else self._track(row)

    async def add(self, app: App) -> None:
        try:
            await self._session.execute(insert(apps).values(**app_to_row(app), version=1))
        except IntegrityError:
            # The transaction is spoiled either way; the unit of work rolls it back.
            raise AppAlreadyExists(f"apps/{app.id}") from None
        self._versions[app.id] = 1
        self.seen.add(app)

    async def update(self, app: App) -> None:
        expected = self._versions.get(app.id)
        if expected is None:
            raise StaleWrite(f"apps/{app.id}", "was not loaded in this unit of work")
        result = await self._session.execute(
            update(apps)
            .where(apps.c.id == app.id, apps.c.version == expected)
            .values(**app_to_row(app), version=expected + 1)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleWrite(f"apps/{app.id}", "changed since it was read")
        self._versions[app.id] = expected + 1
        self.seen.add(app)

    async def delete(self, app_id: AppId) -> None:
        result = await self._session.execute(delete(apps).where(apps.c.id == app_id))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise AppNotFound(f"apps/{app_id}")
        self._versions.pop(app_id, None)

    async def list(self, *, page_size: int, after: str | None = None) -> Page[App]:
        query = select(apps).order_by(apps.c.id).limit(page_size + 1)
        if after is not None:
            query = query.where(apps.c.id > after)
        rows = (await self._session.execute(query)).mappings().all()
        items = [self._track(row) for row in rows[:page_size]]
        next_cursor = items[-1].id if len(rows) > page_size else None
        return Page(items=items, next_cursor=next_cursor)

    def _track(self, row: Any) -> App:
        app = app_from_row(row)
        self._versions[app.id] = row["version"]
        self.seen.add(app)
        return app


def app_to_row(app: App) -> dict[str, Any]:
    settings = app.settings
    return {
        "id": app.id,
        "store_handle": app.store_handle,
        "auto_import_orders": settings.auto_import_orders,
        "import_scope": settings.import_scope.value,
        "default_safety_stock": settings.default_safety_stock,
        "location_ids": list(settings.location_ids),
        "default_price_rule": price_rule_to_json(settings.default_price_rule),
        "default_email": settings.default_email or None,
        "sync_customers": settings.sync_customers,
        "return_restock": settings.return_restock.value,
        "created_at": app.created_at,
        "store_currency": app.store_currency,
        "installed_at": app.installed_at,
        "uninstalled_at": app.uninstalled_at,
    }


def app_from_row(row: Any) -> App:
    settings = AppSettings(
        auto_import_orders=row["auto_import_orders"],
        import_scope=ImportScope(row["import_scope"]),
        default_safety_stock=row["default_safety_stock"],
        location_ids=tuple(row["location_ids"]),
        default_price_rule=price_rule_from_json(row["default_price_rule"]),
        default_email=row["default_email"] or "",
        sync_customers=bool(row["sync_customers"]),
        return_restock=ReturnRestock(row["return_restock"] or ReturnRestock.RESTOCK_ON_RETURN_RECEIVED.value),
    )
    return App(
        app_id=AppId(row["id"]),
        store_handle=row["store_handle"],
        settings=settings,
        created_at=row["created_at"],
        store_currency=row["store_currency"],
        installed_at=row["installed_at"],
        uninstalled_at=row["uninstalled_at"],
    )


def price_rule_to_json(rule: PriceRule | None) -> dict[str, Any] | None:
    """A rule as JSON (also the shops' ``price_rule``); rows written before rounding and
    ``enabled`` existed read back as half-up and enabled, and rows from before ``auto_sync``
    without automatic price sync."""
    if rule is None:
        return None
    rate = rule.exchange_rate
    return {
        "target_currency": rule.target_currency,
        "markup": str(rule.markup),
        "fixed": str(rule.fixed),
        "exchange_rate": None
        if rate is None
        else {"source": rate.source, "target": rate.target, "rate": str(rate.rate)},
        "rounding": rule.rounding.value,
        "enabled": rule.enabled,
        "auto_sync": rule.auto_sync,
    }


def price_rule_from_json(data: dict[str, Any] | None) -> PriceRule | None:
    if data is None:
        return None
    rate = data.get("exchange_rate")
    return PriceRule(
        target_currency=data["target_currency"],
        markup=Decimal(data["markup"]),
        fixed=Decimal(data["fixed"]),
        exchange_rate=None
        if rate is None
        else ExchangeRate(source=rate["source"], target=rate["target"], rate=Decimal(rate["rate"])),
        rounding=PriceRounding(data.get("rounding", PriceRounding.HALF_UP.value)),
        enabled=bool(data.get("enabled", True)),
        auto_sync=bool(data.get("auto_sync", False)),
    )

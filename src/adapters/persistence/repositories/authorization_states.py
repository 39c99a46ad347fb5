"""Pending OAuth states, stored by hash and taken exactly once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.common import upsert_insert
from adapters.persistence.tables import oauth_states
from domain.authorization_state import (
    AuthorizationStateInvalid,
    PendingAuthorization,
    PendingInstallation,
    PendingOAuth,
)
from domain.ids import AppId, ShopId
from domain.shop import DisplayName, Region

_AUTHORIZATION = "AUTHORIZATION"
_INSTALLATION = "INSTALLATION"


class SqlAlchemyAuthorizationStateStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def put(self, state_hash: str, pending: PendingOAuth) -> None:
        values = pending_to_row(pending)
        statement = upsert_insert(self._session, oauth_states).values(state_hash=state_hash, **values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[oauth_states.c.state_hash],
                set_={name: statement.excluded[name] for name in values},
            )
        )

    async def take(self, state_hash: str, now: datetime) -> PendingOAuth:
        """``DELETE … RETURNING``: of two concurrent callbacks with one state, only one gets a row."""
        row = (
            (
                await self._session.execute(
                    delete(oauth_states)
                    .where(oauth_states.c.state_hash == state_hash)
                    .returning(oauth_states)
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise AuthorizationStateInvalid()
        pending = pending_from_row(row)
        if pending.expired(now):
            raise AuthorizationStateInvalid()
        return pending


def pending_to_row(pending: PendingOAuth) -> dict[str, Any]:
    empty = dict.fromkeys(("app_id", "region", "display_name", "shop_id", "store_handle", "redirect_uri"))
    times = {"created_at": pending.created_at, "expires_at": pending.expires_at}
    if isinstance(pending, PendingAuthorization):
        name = pending.display_name
        return (
            empty
            | times
            | {
                "kind": _AUTHORIZATION,
                "app_id": pending.app_id,
                "region": pending.region.value,
                "display_name": None if name is None else name.value,
                "shop_id": pending.shop_to_reauthorize,
            }
        )
    return (
        empty
        | times
        | {
            "kind": _INSTALLATION,
            "store_handle": pending.store_handle,
            "redirect_uri": pending.redirect_uri,
        }
    )


def pending_from_row(row: Any) -> PendingOAuth:
    if row["kind"] == _INSTALLATION:
        return PendingInstallation(
            store_handle=row["store_handle"],
            redirect_uri=row["redirect_uri"],
            created_at=row["created_at"],
            expires_at=row["expires_at"],
        )
    name = row["display_name"]
    shop_id = row["shop_id"]
    return PendingAuthorization(
        app_id=AppId(row["app_id"]),
        region=Region(row["region"]),
        display_name=None if name is None else DisplayName(name),
        shop_to_reauthorize=None if shop_id is None else ShopId(shop_id),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
    )

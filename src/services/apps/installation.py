"""Installing the app into a SHOPLINE store: the OAuth redirect and its signed callback."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain.app import App, check_store_handle
from domain.authorization_state import (
    SHOPLINE_STATE_LIFETIME,
    STATE_BYTES,
    AuthorizationStateInvalid,
    CallbackSignatureInvalid,
    CallbackTimestampStale,
    PendingInstallation,
    SecureRandom,
    callback_is_fresh,
    state_hash,
)
from domain.errors import InvalidArgument, TokenNotFound
from domain.ids import AppId
from domain.ports import Clock, IdGenerator, ShoplineApi, UnitOfWork
from domain.tokens import ShoplineToken

# Callback query parameter -> the request field that carries it (for error messages).
_REQUIRED_CALLBACK_PARAMETERS = {
    "appkey": "app_key",
    "code": "code",
    "handle": "handle",
    "timestamp": "timestamp",
    "sign": "sign",
    "customField": "state",
}


@dataclass(frozen=True)
class InstallationStart:
    authorization_url: str = field(repr=False)
    state: str = field(repr=False)
    expires_at: datetime


@dataclass(frozen=True)
class InstallationOutcome:
    app: App
    created: bool
    """False when an existing app of the same store was re-installed (settings and shops kept)."""
    token_expires_at: datetime
    granted_scopes: tuple[str, ...]


class Installation:
    """``StartInstallation`` and ``CompleteInstallation``."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        shopline: ShoplineApi,
        clock: Clock,
        ids: IdGenerator,
        random: SecureRandom,
        *,
        scopes: Sequence[str],
        default_redirect_uri: str,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._shopline = shopline
        self._clock = clock
        self._ids = ids
        self._random = random
        self._scopes = tuple(scopes)
        self._default_redirect_uri = default_redirect_uri

    async def start(self, store_handle: str, redirect_uri: str = "") -> InstallationStart:
        handle = check_store_handle(store_handle)
        redirect = redirect_uri or self._default_redirect_uri
        now = self._clock.now()
        state = self._random.token_urlsafe(STATE_BYTES)
        pending = PendingInstallation(handle, redirect, now, now + SHOPLINE_STATE_LIFETIME)
        async with self._unit_of_work() as uow:
            await uow.authorization_states.put(state_hash(state), pending)
            await uow.commit()
        url = self._shopline.install_url(handle, self._scopes, redirect, state)
        return InstallationStart(url, state, pending.expires_at)

    async def complete(self, params: Mapping[str, str]) -> InstallationOutcome:
        """``params`` are the callback's query parameters as received (URL-decoded), ``sign`` included.

        The signature is checked first, then the timestamp against our clock, then the one-time
        state; only then is the code exchanged and the app created (or re-installed).
        """
        for name, request_field in _REQUIRED_CALLBACK_PARAMETERS.items():
            if not params.get(name):
                raise InvalidArgument(request_field, "is required")
        if not self._shopline.verify_callback(params):
            raise CallbackSignatureInvalid()
        try:
            timestamp_ms = int(params["timestamp"])
        except ValueError:
            raise InvalidArgument("timestamp", "must be milliseconds since the Unix epoch") from None
        now = self._clock.now()
        if not callback_is_fresh(timestamp_ms, now):
            raise CallbackTimestampStale()
        handle = check_store_handle(params["handle"])

        async with self._unit_of_work() as uow:
            pending = await uow.authorization_states.take(state_hash(params["customField"]), now)
            await uow.commit()
        if not isinstance(pending, PendingInstallation) or pending.store_handle != handle:
            raise AuthorizationStateInvalid()

        grant = await self._shopline.create_token(handle, params["code"])

        now = self._clock.now()
        async with self._unit_of_work() as uow:
            app = await uow.apps.find_by_handle(handle)
            created = app is None
            if app is None:
                app = App.install(AppId(self._ids.new_id()), handle, now)
                await uow.apps.add(app)
            else:
                app.reinstall(now)
                await uow.apps.update(app)
            try:
                token = await uow.tokens.get_shopline(app.id)
                token.reissue(grant, now)
            except TokenNotFound:
                token = ShoplineToken.issue(app.id, grant, now)
            await uow.tokens.save_shopline(token)
            await uow.commit()
        return InstallationOutcome(app, created, token.expires_at, grant.scopes)

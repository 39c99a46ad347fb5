"""The aiohttp application: webhook intake, the OAuth callbacks, and the health probes.

Handlers stay thin (parse, one service call, answer). A webhook is only verified, stored and
acknowledged here, never processed: the inbox drain acts on it after the answer, so a burst is
answered within the partners' deadlines (TikTok 3 s, SHOPLINE 5 s).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from adapters.inbound_http.deliveries import MalformedDelivery, shopline_delivery, tiktok_delivery
from adapters.inbound_http.pages import Page, error_page, internal_error_page
from adapters.inbound_http.readiness import DatabaseReadiness
from adapters.inbound_http.signatures import shopline_signature_valid, tiktok_signature_valid
from adapters.inbound_http.stats import WebhookStats
from adapters.settings import SHOPLINE_CALLBACK_PATH, TIKTOK_CALLBACK_PATH, Settings
from adapters.text_limits import check_text
from domain.errors import DomainError, InvalidArgument
from domain.ports import Clock
from domain.webhooks import WebhookDelivery, WebhookSource
from services.apps.installation import Installation
from services.shops.authorization import AuthorizationOutcome, ShopAuthorization
from services.webhooks.inbox import WebhookIntake

log = logging.getLogger("mcc.http")

MAX_BODY_BYTES = 1 << 20


@dataclass(frozen=True)
class WebhookSecrets:
    """The app credentials deliveries are signed with; without a secret every delivery is refused."""

    tiktok_app_key: str = ""
    tiktok_app_secret: str = field(default="", repr=False)
    shopline_app_secret: str = field(default="", repr=False)

    @classmethod
    def of(cls, settings: Settings) -> WebhookSecrets:
        return cls(
            settings.tiktok_app_key or "",
            settings.tiktok_app_secret or "",
            settings.shopline_app_secret or "",
        )

    def tiktok_valid(self, raw_body: bytes, request: web.Request) -> bool:
        signature = request.headers.get("Authorization")
        return bool(self.tiktok_app_secret) and tiktok_signature_valid(
            self.tiktok_app_key, self.tiktok_app_secret, raw_body, signature
        )

    def shopline_valid(self, raw_body: bytes, request: web.Request) -> bool:
        signature = request.headers.get("X-Shopline-Hmac-Sha256")
        return bool(self.shopline_app_secret) and shopline_signature_valid(
            self.shopline_app_secret, raw_body, signature
        )


class HttpEdge:
    def __init__(
        self,
        intake: WebhookIntake,
        webhook_secrets: WebhookSecrets,
        stats: WebhookStats,
        clock: Clock,
        authorization: ShopAuthorization,
        installation: Installation,
        readiness: DatabaseReadiness,
    ) -> None:
        self._intake = intake
        self._secrets = webhook_secrets
        self._stats = stats
        self._clock = clock
        self._authorization = authorization
        self._installation = installation
        self._readiness = readiness

    def application(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_post("/webhooks/tiktok", self.tiktok_webhook)
        app.router.add_post("/webhooks/shopline", self.shopline_webhook)
        app.router.add_get(TIKTOK_CALLBACK_PATH, self.tiktok_callback)
        app.router.add_get(SHOPLINE_CALLBACK_PATH, self.shopline_callback)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/readyz", self.readyz)
        return app

    # --- webhooks ---------------------------------------------------------------------------

    async def tiktok_webhook(self, request: web.Request) -> web.Response:
        raw_body = await _bounded_body(request)
        if not self._secrets.tiktok_valid(raw_body, request):
            return self._refused(WebhookSource.TIKTOK)
        return await self._take(WebhookSource.TIKTOK, lambda: tiktok_delivery(raw_body, self._clock.now()))

    async def shopline_webhook(self, request: web.Request) -> web.Response:
        raw_body = await _bounded_body(request)
        if not self._secrets.shopline_valid(raw_body, request):
            return self._refused(WebhookSource.SHOPLINE)
        return await self._take(
            WebhookSource.SHOPLINE, lambda: shopline_delivery(raw_body, request.headers, self._clock.now())
        )

    def _refused(self, source: WebhookSource) -> web.Response:
        self._stats.signature_failed(source, self._clock.now())
        log.warning("webhook refused: bad or missing signature source=%s", source.value)
        return web.Response(status=401)

    async def _take(self, source: WebhookSource, parse: Callable[[], WebhookDelivery]) -> web.Response:
        try:
            delivery = parse()
            _check_delivery(delivery)
        except MalformedDelivery as error:
            log.warning("webhook refused: malformed source=%s (%s)", source.value, error)
            return web.Response(status=400, text=f"{error}\n")
        new = await self._intake.receive(delivery)
        self._stats.received(source, delivery.received_at, new=new)
        return web.Response(status=200)

    # --- OAuth callbacks --------------------------------------------------------------------

    async def tiktok_callback(self, request: web.Request) -> web.Response:
        async def complete() -> Page:
            _check_query(request)
            code, state = request.query.get("code", ""), request.query.get("state", "")
            for name, value in (("state", state), ("code", code)):
                if not value:
                    raise InvalidArgument(name, "is required")
            return _authorized_page(await self._authorization.complete(state, code))

        return await _page_for(complete)

    async def shopline_callback(self, request: web.Request) -> web.Response:
        async def complete() -> Page:
            _check_query(request)
            outcome = await self._installation.complete(dict(request.query))
            action = "installed" if outcome.created else "installed again (settings and shops kept)"
            return Page(
                200,
                "SHOPLINE store connected",
                (
                    f"Multichannel Connect is {action} in the store {outcome.app.store_handle}.",
                    "You can close this page and authorize your TikTok shops.",
                ),
            )

        return await _page_for(complete)

    # --- probes -----------------------------------------------------------------------------

    async def healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(self, request: web.Request) -> web.Response:
        problem = await self._readiness.problem()
        if problem is not None:
            return web.Response(status=503, text=f"not ready: {problem}\n")
        return web.Response(text="ready\n")


def _check_query(request: web.Request) -> None:
    """Callback parameters reach the database: NUL characters and huge values are a 400 naming them."""
    for name, value in request.query.items():
        check_text(name, "query parameter name")
        check_text(value, name)


def _check_delivery(delivery: WebhookDelivery) -> None:
    """A signed body may still carry text the inbox cannot store (``"\\u0000"`` in an id)."""
    for name in ("delivery_key", "topic", "account"):
        try:
            check_text(getattr(delivery, name), name)
        except InvalidArgument as error:
            raise MalformedDelivery(error.message) from None


async def _bounded_body(request: web.Request) -> bytes:
    """The raw body; 413 before reading it when the declared length is already too large."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise web.HTTPRequestEntityTooLarge(MAX_BODY_BYTES, request.content_length)
    return await request.read()  # aiohttp answers 413 past client_max_size too


async def _page_for(complete: Callable[[], Awaitable[Page]]) -> web.Response:
    """The one error table of the callbacks: domain errors become pages, anything else a 500."""
    try:
        page = await complete()
    except DomainError as error:
        page = error_page(error)
        log.info("OAuth callback not completed: %s (%s)", type(error).__name__, page.status)
    except Exception:
        reference = secrets.token_hex(8)
        log.exception("OAuth callback failed reference=%s", reference)
        page = internal_error_page(reference)
    return web.Response(
        status=page.status,
        text=page.render(),
        content_type="text/html",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


def _authorized_page(outcome: AuthorizationOutcome) -> Page:
    lines = [
        f"{'Re-authorized' if linked.reauthorized else 'Linked'}: {linked.view.shop.display_name.value} "
        f"({linked.view.shop.region.value})"
        for linked in outcome.linked
    ]
    lines += [f"Not linked: {s.name} ({s.region_code}): {s.message}." for s in outcome.skipped]
    if not outcome.linked:
        return Page(409, "No TikTok shop was linked", tuple(lines))
    if outcome.history_import_tasks:
        lines.append("Their order history is being imported; you can close this page.")
    return Page(200, "TikTok shop authorized", tuple(lines))

"""StartInstallation / CompleteInstallation (SHOPLINE OAuth) and UpdateApp over the stateful fakes."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest

from domain.app import AppSettings, ImportScope
from domain.authorization_state import (
    AuthorizationStateInvalid,
    CallbackSignatureInvalid,
    CallbackTimestampStale,
)
from domain.errors import AppNotFound, InvalidArgument, InvalidStoreHandle, PartnerRejected
from domain.events import AppSettingsChanged
from domain.ids import AppId
from domain.pricing import PriceRule
from tests.services.support_auth import REDIRECT_URI, SCOPES, Harness


def callback(
    h: Harness, state: str, *, handle: str = "open001", code: str = "sl-code", **extra: str
) -> dict[str, str]:
    """The query parameters SHOPLINE sends back, signed the way SHOPLINE signs them."""
    params = {
        "appkey": h.shopline.APP_KEY,
        "code": code,
        "handle": handle,
        "timestamp": str(int(h.clock.now().timestamp() * 1000)),
        "customField": state,
        **extra,
    }
    return {**params, "sign": h.shopline.sign(params)}


async def test_start_returns_the_authorize_url_with_a_hashed_one_time_state() -> None:
    h = Harness()

    start = await h.installation.start("open001")

    assert start.authorization_url.startswith("https://open001.myshopline.test/admin/oauth-web/")
    assert f"customField={start.state}" in start.authorization_url
    assert f"redirectUri={REDIRECT_URI}" in start.authorization_url
    assert ",".join(SCOPES) in start.authorization_url
    assert start.expires_at == h.clock.now() + timedelta(minutes=10)
    assert list(h.database.state.oauth_states) == [hashlib.sha256(start.state.encode()).hexdigest()]
    assert start.state not in repr(start)
    with pytest.raises(InvalidStoreHandle):
        await h.installation.start("Not A Handle")


async def test_a_good_callback_creates_the_app_and_stores_its_token() -> None:
    h = Harness()
    start = await h.installation.start("open001")
    h.shopline.add_authorization_code("open001", "sl-code")

    outcome = await h.installation.complete(callback(h, start.state, lang="en"))

    assert outcome.created
    assert outcome.app.store_handle == "open001"
    assert h.database.state.apps[outcome.app.id].store_handle == "open001"
    token = h.database.state.shopline_tokens[outcome.app.id]
    assert token.access_token.reveal() == h.shopline.store("open001").token
    assert token.expires_at == outcome.token_expires_at == h.clock.now() + h.shopline.TOKEN_LIFETIME
    assert token.access_token.reveal() not in repr(outcome)


async def test_installing_again_keeps_the_app_and_replaces_its_token() -> None:
    h = Harness()
    first_start = await h.installation.start("open001")
    h.shopline.add_authorization_code("open001", "sl-code")
    first = await h.installation.complete(callback(h, first_start.state))
    await h.app_settings.update_app(
        first.app.id, AppSettings(auto_import_orders=True), ["settings.auto_import_orders"]
    )
    h.clock.advance(timedelta(hours=12))
    second_start = await h.installation.start("open001")
    h.shopline.add_authorization_code("open001", "sl-code-2")

    second = await h.installation.complete(callback(h, second_start.state, code="sl-code-2"))

    assert not second.created and second.app.id == first.app.id
    assert second.app.settings.auto_import_orders
    assert (second.app.created_at, second.app.installed_at) == (first.app.created_at, h.clock.now())
    assert h.database.state.apps[first.app.id].installed_at == h.clock.now()
    assert len(h.database.state.apps) == 1
    token = h.database.state.shopline_tokens[first.app.id]
    assert token.expires_at == h.clock.now() + h.shopline.TOKEN_LIFETIME and not token.revoked


async def test_a_bad_signature_is_rejected_before_anything_else() -> None:
    h = Harness()
    start = await h.installation.start("open001")
    h.shopline.add_authorization_code("open001", "sl-code")
    params = callback(h, start.state)
    params["code"] = "swapped-code"

    with pytest.raises(CallbackSignatureInvalid) as invalid:
        await h.installation.complete(params)

    assert invalid.value.field == "sign"
    assert h.database.state.apps == {}
    assert "create_token" not in h.shopline.calls
    assert len(h.database.state.oauth_states) == 1  # the state was not spent


@pytest.mark.parametrize("skew", [timedelta(minutes=-11), timedelta(minutes=11)])
async def test_a_stale_or_future_timestamp_is_rejected(skew: timedelta) -> None:
    h = Harness()
    start = await h.installation.start("open001")
    h.shopline.add_authorization_code("open001", "sl-code")
    params = callback(h, start.state)
    h.clock.advance(-skew)

    with pytest.raises(CallbackTimestampStale) as stale:
        await h.installation.complete(params)

    assert stale.value.field == "timestamp"
    assert h.database.state.apps == {}


async def test_a_timestamp_within_ten_minutes_is_accepted() -> None:
    h = Harness()
    start = await h.installation.start("open001")
    h.shopline.add_authorization_code("open001", "sl-code")
    params = callback(h, start.state)
    h.clock.advance(timedelta(minutes=9, seconds=59))

    outcome = await h.installation.complete(params)

    assert outcome.created


async def test_the_state_is_single_use_bound_to_the_store_and_expires() -> None:
    h = Harness()
    h.shopline.add_authorization_code("open001", "sl-code")
    h.shopline.add_authorization_code("open002", "sl-code-2")
    used = await h.installation.start("open001")
    await h.installation.complete(callback(h, used.state))
    other_store = await h.installation.start("open001")
    expired = await h.installation.start("open002")

    with pytest.raises(AuthorizationStateInvalid):
        await h.installation.complete(callback(h, used.state))
    with pytest.raises(AuthorizationStateInvalid):
        await h.installation.complete(callback(h, other_store.state, handle="open002", code="sl-code-2"))
    h.clock.advance(timedelta(minutes=10))
    with pytest.raises(AuthorizationStateInvalid):
        await h.installation.complete(callback(h, expired.state, handle="open002", code="sl-code-2"))
    assert [app.store_handle for app in h.database.state.apps.values()] == ["open001"]


async def test_a_tiktok_authorization_state_is_no_installation_state() -> None:
    h = Harness()
    app_id = await h.installed_app("open001")
    tiktok_start = await h.authorization.start(app_id, "GB")

    with pytest.raises(AuthorizationStateInvalid):
        await h.installation.complete(callback(h, tiktok_start.state))


@pytest.mark.parametrize(
    ("missing", "request_field"), [("code", "code"), ("customField", "state"), ("sign", "sign")]
)
async def test_missing_callback_parameters_are_invalid(missing: str, request_field: str) -> None:
    h = Harness()
    start = await h.installation.start("open001")
    params = callback(h, start.state)
    del params[missing]

    with pytest.raises(InvalidArgument) as invalid:
        await h.installation.complete(params)

    assert invalid.value.field == request_field


async def test_a_code_shopline_rejects_propagates() -> None:
    h = Harness()
    start = await h.installation.start("open001")

    with pytest.raises(PartnerRejected) as rejected:
        await h.installation.complete(callback(h, start.state, code="never-issued"))

    assert rejected.value.code == "OAUTH_CODE_INVALID"
    assert h.database.state.apps == {}


# --- UpdateApp ------------------------------------------------------------------------------


async def test_update_app_changes_only_the_masked_settings() -> None:
    h = Harness()
    app_id = await h.installed_app()
    wanted = AppSettings(
        auto_import_orders=True,
        import_scope=ImportScope.ALL_ORDERS,
        default_safety_stock=5,
        location_ids=("loc-1",),
        default_price_rule=PriceRule("GBP", markup=Decimal("0.10")),
    )

    app = await h.app_settings.update_app(
        app_id, wanted, ["settings.auto_import_orders", "settings.default_safety_stock"]
    )

    assert app.settings == AppSettings(auto_import_orders=True, default_safety_stock=5)
    assert h.database.state.apps[app_id].settings == app.settings
    assert any(isinstance(e, AppSettingsChanged) for e in h.publisher.published)

    everything = await h.app_settings.update_app(app_id, wanted, ["settings"])
    assert everything.settings == wanted


@pytest.mark.parametrize(
    "mask", [[], ["settings.unknown"], ["store_handle"], ["settings.auto_import_orders", "name"]]
)
async def test_update_app_with_an_empty_or_unknown_mask_names_update_mask(mask: list[str]) -> None:
    h = Harness()
    app_id = await h.installed_app()

    with pytest.raises(InvalidArgument) as invalid:
        await h.app_settings.update_app(app_id, AppSettings(auto_import_orders=True), mask)

    assert invalid.value.field == "update_mask"
    assert h.database.state.apps[app_id].settings == AppSettings()


async def test_update_app_of_an_unknown_app_is_not_found() -> None:
    h = Harness()

    with pytest.raises(AppNotFound):
        await h.app_settings.update_app(AppId("missing"), AppSettings(), ["settings"])

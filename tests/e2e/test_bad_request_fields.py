"""Bad input is INVALID_ARGUMENT whose BadRequest names the field path of the request as sent,
even when the rule that rejects it lives in the domain under a name of its own."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import field_mask_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from multichannel.v1 import app_pb2, app_pb2_grpc, common_pb2, shop_pb2, shop_pb2_grpc
from tests.e2e.conftest import Harness
from tests.e2e.installation import completion_request


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


def _violation(error: grpc.aio.AioRpcError) -> tuple[str, str]:
    """(field, description) of the single BadRequest field violation; also checks ErrorInfo agrees."""
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(error)
    assert status is not None
    violations, infos = [], []
    for detail in status.details:
        bad_request, info = error_details_pb2.BadRequest(), error_details_pb2.ErrorInfo()
        if detail.Unpack(bad_request):
            violations.extend(bad_request.field_violations)
        elif detail.Unpack(info):
            infos.append(info)
    (violation,) = violations
    (info,) = infos
    assert info.metadata["field"] == violation.field
    assert status.message.startswith(f"{violation.field}: ")
    return violation.field, violation.description


async def _rejected(call) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return _violation(caught.value)


async def _install(harness: Harness, handle: str = "fields-store") -> str:
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    harness.sandbox.control.create_store(handle)
    started = await apps.StartInstallation(app_pb2.StartInstallationRequest(store_handle=handle))
    callback = harness.sandbox.control.install_shopline(handle, custom_field=started.state)["params"]
    return (await apps.CompleteInstallation(completion_request(callback))).app.name


async def test_start_authorization_names_region_code(harness: Harness) -> None:
    app = await _install(harness)
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    field, description = await _rejected(
        shops.StartAuthorization(shop_pb2.StartAuthorizationRequest(parent=app, region_code="FR"))
    )
    assert field == "region_code"
    assert "'FR' is not a supported region" in description


async def test_update_shop_names_shop_display_name(harness: Harness) -> None:
    app = await _install(harness)
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    started = await shops.StartAuthorization(shop_pb2.StartAuthorizationRequest(parent=app, region_code="UK"))
    code = harness.sandbox.control.grant_authorization(None)["code"]
    outcome = await shops.CompleteAuthorization(
        shop_pb2.CompleteAuthorizationRequest(parent=app, state=started.state, code=code)
    )
    shop = outcome.shops[0]
    field, _ = await _rejected(
        shops.UpdateShop(
            shop_pb2.UpdateShopRequest(
                shop=shop_pb2.Shop(name=shop.name, display_name="two\nlines"),
                update_mask=field_mask_pb2.FieldMask(paths=["display_name"]),
            )
        )
    )
    assert field == "shop.display_name"


@pytest.mark.parametrize(
    ("settings", "path", "field"),
    [
        (
            app_pb2.AppSettings(default_safety_stock=-1),
            "settings.default_safety_stock",
            "default_safety_stock",
        ),
        (
            app_pb2.AppSettings(shopline_location_ids=["loc-1", "loc-1"]),
            "settings.shopline_location_ids",
            "shopline_location_ids",
        ),
        (
            app_pb2.AppSettings(
                default_price_rule=common_pb2.PriceRule(target_currency_code="usd", markup="0.1")
            ),
            "settings.default_price_rule",
            "default_price_rule.target_currency_code",
        ),
        (
            app_pb2.AppSettings(
                default_price_rule=common_pb2.PriceRule(target_currency_code="USD", markup="-1")
            ),
            "settings.default_price_rule",
            "default_price_rule.markup",
        ),
    ],
)
async def test_update_app_names_the_settings_field(
    harness: Harness, settings: app_pb2.AppSettings, path: str, field: str
) -> None:
    app = await _install(harness)
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    named, _ = await _rejected(
        apps.UpdateApp(
            app_pb2.UpdateAppRequest(
                app=app_pb2.App(name=app, settings=settings),
                update_mask=field_mask_pb2.FieldMask(paths=[path]),
            )
        )
    )
    assert named == f"app.settings.{field}"

"""Domain field names become the request's own field paths, method by method."""

from __future__ import annotations

import pytest
from google.protobuf import descriptor_pool
from google.protobuf.descriptor import Descriptor
from google.rpc import error_details_pb2

from adapters.grpc.errors import domain_status
from adapters.grpc.field_paths import REQUEST_FIELD_PATHS, method_path
from domain import errors
from multichannel.v1 import (  # noqa: F401 - registers every service in the default pool
    analytics_pb2,
    app_pb2,
    catalog_pb2,
    inventory_pb2,
    order_pb2,
    shop_pb2,
    task_pb2,
)


def _request_message(method: str) -> Descriptor:
    service_and_method = method.lstrip("/").replace("/", ".")
    return descriptor_pool.Default().FindMethodByName(service_and_method).input_type


def _has_path(message: Descriptor, path: str) -> bool:
    current: Descriptor | None = message
    for part in path.split("."):
        if current is None or part not in current.fields_by_name:
            return False
        current = current.fields_by_name[part].message_type
    return True


@pytest.mark.parametrize(
    ("method", "path"),
    [(method, path) for method, paths in REQUEST_FIELD_PATHS.items() for path in paths.values()],
)
def test_every_mapped_path_is_a_field_of_the_methods_request(method: str, path: str) -> None:
    assert _has_path(_request_message(method), path)


def _bad_request_field(error: errors.DomainError, method: str) -> str:
    status = domain_status(error, method)
    for detail in status.details:
        bad_request, info = error_details_pb2.BadRequest(), error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            field_in_info = info.metadata["field"]
        elif detail.Unpack(bad_request):
            (violation,) = bad_request.field_violations
    assert field_in_info == violation.field
    assert status.message.startswith(f"{violation.field}: ")
    return violation.field


@pytest.mark.parametrize(
    ("error", "method", "field"),
    [
        (errors.UnsupportedRegion("FR"), method_path("ShopService", "StartAuthorization"), "region_code"),
        (
            errors.InvalidDisplayName("must not be empty"),
            method_path("ShopService", "UpdateShop"),
            "shop.display_name",
        ),
        (
            errors.InvalidStoreHandle("must be the store subdomain"),
            method_path("AppService", "CompleteInstallation"),
            "handle",
        ),
        (
            errors.InvalidPriceRule("price_rule.fixed", "must be a finite Decimal"),
            method_path("CatalogService", "UpdatePriceRule"),
            "price_rule.fixed_amount.amount",
        ),
        (
            errors.InvalidQuantity("safety_stock", "must be an integer of at least 0"),
            method_path("InventoryService", "UpdateInventoryPool"),
            "inventory_pool.safety_stock",
        ),
        # A field that is already the request's path is left as it is.
        (
            errors.InvalidDisplayName("must not be empty"),
            method_path("ShopService", "StartAuthorization"),
            "display_name",
        ),
        (errors.InvalidStoreHandle("bad"), method_path("AppService", "StartInstallation"), "store_handle"),
    ],
)
def test_the_bad_request_names_the_request_field(error: errors.DomainError, method: str, field: str) -> None:
    assert _bad_request_field(error, method) == field

"""TikTok product JSON → domain values: SKU sales attributes, which only Get Product carries."""

from __future__ import annotations

import pytest

from adapters.tiktok import mapping
from domain.channel import SalesAttribute

# Shaped as reference §3.3 (SKIT ProductGetProductDetailResponse.json).
DETAIL = {
    "id": "1729592969712207008",
    "title": "Short Boat Invisible Socks",
    "status": "ACTIVATE",
    "update_time": 1234567800,
    "skus": [
        {
            "id": "10001",
            "seller_sku": "SOCK-RED-M",
            "price": {"currency": "USD", "sale_price": "117.5", "tax_exclusive_price": "110"},
            "inventory": [{"quantity": 999, "warehouse_id": "6966568648651605766"}],
            "sales_attributes": [
                {"id": "100000", "name": "Color", "value_id": "100000", "value_name": "Red"},
                {"id": "100089", "name": "Size", "value_id": "100200", "value_name": "M"},
            ],
        }
    ],
}


def test_get_product_sales_attributes_become_name_value_pairs_in_order() -> None:
    (sku,) = mapping.product(DETAIL).skus
    assert sku.attributes == (SalesAttribute("Color", "Red"), SalesAttribute("Size", "M"))


def test_a_search_result_without_sales_attributes_leaves_them_unknown() -> None:
    searched = {**DETAIL, "skus": [{k: v for k, v in DETAIL["skus"][0].items() if k != "sales_attributes"}]}
    (sku,) = mapping.product(searched).skus
    assert sku.attributes is None


def test_an_empty_list_means_the_sku_has_none() -> None:
    (sku,) = mapping.product({**DETAIL, "skus": [{**DETAIL["skus"][0], "sales_attributes": []}]}).skus
    assert sku.attributes == ()


@pytest.mark.parametrize("attribute", [{"name": "Color"}, {"value_name": "Red"}, "Color=Red"])
def test_an_attribute_without_name_and_value_name_is_a_malformed_response(attribute) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(mapping.MalformedResponse):
        mapping.product({**DETAIL, "skus": [{**DETAIL["skus"][0], "sales_attributes": [attribute]}]})

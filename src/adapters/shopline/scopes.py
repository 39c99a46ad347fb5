"""The access scope each SHOPLINE endpoint the service calls needs (reference A8, B1-B4a).

Inventory levels and locations fall under B2, whose only scope is `write_inventory`; the read's
own scope is not confirmed (B4a), so a 403 there is reported as `write_inventory` missing.
"""

from __future__ import annotations

READ_PRODUCTS = "read_products"
WRITE_PRODUCTS = "write_products"
READ_ORDERS = "read_orders"
WRITE_ORDERS = "write_orders"
WRITE_INVENTORY = "write_inventory"
READ_STORE_INFORMATION = "read_store_information"
READ_CUSTOMERS = "read_customers"
WRITE_CUSTOMERS = "write_customers"
# The webhook subscription endpoints (reference B6, S6) name no access scope in the documentation;
# a 403 there is reported without one.
WEBHOOKS = ""

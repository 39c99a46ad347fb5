"""Seller shipping: shipment records, carrier mapping, and the order's fulfillment state."""

from domain.fulfillment.carriers import (
    DEFAULT_MAPPING_KEY,
    CarrierMapping,
    Resolution,
    ResolvedBy,
    carrier_key,
    normalized_carrier,
    resolve_provider,
)
from domain.fulfillment.providers import CachedProviders
from domain.fulfillment.shipment import (
    SellerShipment,
    ShipmentKey,
    ShipmentsDue,
    ShipmentSource,
    ShipmentState,
    TrackingChange,
    TrackingUpdateState,
)
from domain.fulfillment.state import FulfillmentState, OrderFulfillment, order_fulfillment

__all__ = [
    "DEFAULT_MAPPING_KEY",
    "CachedProviders",
    "CarrierMapping",
    "FulfillmentState",
    "OrderFulfillment",
    "Resolution",
    "ResolvedBy",
    "SellerShipment",
    "ShipmentKey",
    "ShipmentSource",
    "ShipmentState",
    "ShipmentsDue",
    "TrackingChange",
    "TrackingUpdateState",
    "carrier_key",
    "normalized_carrier",
    "order_fulfillment",
    "resolve_provider",
]

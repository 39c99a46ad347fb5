"""Errors of seller shipping: shipments, carrier mappings and shipping providers."""

from __future__ import annotations

from domain.errors.base import NotFound, PreconditionFailed
from domain.errors.partners import PartnerRejected

PARTNER_MESSAGE_MAX = 300


class ShipmentStateInvalid(PreconditionFailed):
    """A shipment was asked to change in a way its state does not allow."""

    reason = "SHIPMENT_STATE_INVALID"


class OrderNotSellerShipped(PreconditionFailed):
    """Only orders the seller fulfills with its own carrier (``BY_SELLER`` + ``SELLER``) are
    shipped from here; TikTok's shipping and FBT orders take other paths."""

    reason = "ORDER_NOT_SELLER_SHIPPED"


class ShipmentLinesUnavailable(PreconditionFailed):
    """The lines asked for are unknown, already shipped, or already in another shipment."""

    reason = "SHIPMENT_LINES_UNAVAILABLE"


class ShippingInfoUpdateRefused(PreconditionFailed):
    """TikTok lets a shipment's tracking change once and within a window after shipping."""

    reason = "SHIPPING_INFO_UPDATE_REFUSED"


class CarrierMappingNotFound(NotFound):
    reason = "CARRIER_MAPPING_NOT_FOUND"
    resource_type = "CarrierMapping"


class ShipmentRefused(PartnerRejected):
    """TikTok refused a ship call: its code and message travel in the error's metadata, so an
    operator sees why (a provider not offered for the delivery option, a bad tracking number)."""

    reason = "SHIPMENT_REFUSED"

    def metadata(self) -> dict[str, str]:
        fields = super().metadata()
        fields["message"] = self.partner_message[:PARTNER_MESSAGE_MAX]
        return fields

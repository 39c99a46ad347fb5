"""A shop's carrier mappings (SHOPLINE carrier → TikTok provider, and the default provider).

A change unblocks the shop's blocked shipments in the same transaction: they resolve again and
go out if the carrier now maps (``ShipmentsDue`` wakes the sender), or stay blocked if not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from domain.errors import CarrierMappingNotFound, InvalidArgument
from domain.fulfillment import DEFAULT_MAPPING_KEY, CarrierMapping, carrier_key
from domain.fulfillment.carriers import CARRIER_NAME_MAX
from domain.ids import AppId, ShopId
from domain.logistics import ShippingProvider
from domain.ports import Clock, UnitOfWork
from services.fulfillment.access import shop_of_app
from services.fulfillment.providers import ProviderCatalog
from services.shared.requests import ClientRequest
from services.shared.update_mask import masked_fields

MAPPING_FIELD = "carrier_mapping"
UPDATE_CARRIER_MAPPING = "UpdateCarrierMapping"
UPDATABLE = {"carrier_name": ("carrier_name",), "shipping_provider_id": ("provider_id",)}


@dataclass(frozen=True)
class MappingUpdate:
    carrier_name: str
    provider_id: str
    update_mask: tuple[str, ...]
    allow_missing: bool = False
    request_id: str | None = None

    @property
    def details(self) -> str:
        return "|".join(
            [",".join(sorted(self.update_mask)), self.carrier_name, self.provider_id, str(self.allow_missing)]
        )


class CarrierMappings:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, catalog: ProviderCatalog
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._catalog = catalog

    async def list(self, app_id: AppId, shop_id: ShopId) -> list[CarrierMapping]:
        """The default first, then by carrier key."""
        async with self._unit_of_work() as uow:
            await shop_of_app(uow, app_id, shop_id)
            mappings = await uow.carrier_mappings.for_shop(shop_id)
        return sorted(mappings.values(), key=lambda m: (not m.is_default, m.carrier_key))

    async def update(
        self, app_id: AppId, shop_id: ShopId, mapping_id: str, change: MappingUpdate
    ) -> CarrierMapping:
        """``mapping_id`` is the carrier's key (``carrier_key`` of its name) or ``default``."""
        fields = masked_fields(change.update_mask, UPDATABLE)
        name = f"apps/{app_id}/shops/{shop_id}/carrierMappings/{mapping_id}"
        request = ClientRequest(
            app_id,
            change.request_id,
            UPDATE_CARRIER_MAPPING,
            f"shops/{shop_id}/carrierMappings/{mapping_id}",
            change.details,
        )
        async with self._unit_of_work() as uow:
            await shop_of_app(uow, app_id, shop_id)
            current = (await uow.carrier_mappings.for_shop(shop_id)).get(mapping_id)
            if await request.replayed(uow) is not None:
                if current is None:  # the mapping went away since (shop deleted and re-made)
                    raise CarrierMappingNotFound(name)
                return current
        if current is None and not change.allow_missing:
            raise CarrierMappingNotFound(name)
        carrier_name = change.carrier_name.strip() if "carrier_name" in fields else ""
        if not carrier_name:
            carrier_name = current.carrier_name if current is not None else _default_name(mapping_id)
        _check_carrier(mapping_id, carrier_name, "carrier_name" in fields)
        provider_id = change.provider_id.strip() if "provider_id" in fields else ""
        if not provider_id:
            if current is None or "provider_id" in fields:
                raise InvalidArgument(f"{MAPPING_FIELD}.shipping_provider_id", "is required")
            provider_id = current.provider_id
        provider = await self._offered(app_id, shop_id, provider_id)
        mapping = CarrierMapping(
            mapping_id, carrier_name, provider.provider_id, provider.name, self._clock.now()
        )
        async with self._unit_of_work() as uow:
            await uow.carrier_mappings.put(shop_id, mapping)
            await request.record(uow, self._clock.now())
            for shipment in await uow.shipments.blocked(shop_id):
                shipment.unblock(self._clock.now())
                await uow.shipments.update(shipment)
            await uow.commit()
        return mapping

    async def _offered(self, app_id: AppId, shop_id: ShopId, provider_id: str) -> ShippingProvider:
        """The provider among those TikTok offers the shop (for any delivery option)."""
        entries = await self._catalog.for_shop(app_id, shop_id)
        found = _find(provider_id, (p for entry in entries for p in entry.providers))
        if found is None:
            raise InvalidArgument(
                f"{MAPPING_FIELD}.shipping_provider_id",
                f"{provider_id!r} is not a shipping provider TikTok offers this shop "
                "(see ListShippingProviders)",
            )
        return found


def _find(provider_id: str, providers: Iterable[ShippingProvider]) -> ShippingProvider | None:
    return next((p for p in providers if p.provider_id == provider_id), None)


def _default_name(mapping_id: str) -> str:
    return "" if mapping_id == DEFAULT_MAPPING_KEY else mapping_id


def _check_carrier(mapping_id: str, carrier_name: str, given: bool) -> None:
    field = f"{MAPPING_FIELD}.carrier_name"
    if len(carrier_name) > CARRIER_NAME_MAX:
        raise InvalidArgument(field, f"must be at most {CARRIER_NAME_MAX} characters")
    if mapping_id == DEFAULT_MAPPING_KEY:
        if given and carrier_name:
            raise InvalidArgument(field, "must be empty for the shop's default provider")
        return
    if carrier_key(carrier_name) != mapping_id:
        raise InvalidArgument(
            field if given else f"{MAPPING_FIELD}.name",
            f"the carrier {carrier_name!r} is known as {carrier_key(carrier_name)!r}; "
            f"name the mapping carrierMappings/{carrier_key(carrier_name)}",
        )


def mapping_id_for(carrier_name: str) -> str:
    """The resource id a mapping for ``carrier_name`` has."""
    return carrier_key(carrier_name)

"""Invalid arguments: a value supplied by the caller breaks a rule about its shape or range."""

from __future__ import annotations

from domain.errors.base import InvalidArgument, quoted


class UnsupportedRegion(InvalidArgument):
    reason = "UNSUPPORTED_REGION"

    def __init__(self, region: str) -> None:
        super().__init__("region", f"{quoted(region)} is not a supported region (SG, MY, JP, GB or UK, US)")
        self.region = region

    def metadata(self) -> dict[str, str]:
        return {"field": self.field, "region": self.region}


class RequestIdReused(InvalidArgument):
    reason = "REQUEST_ID_REUSED"

    def __init__(self) -> None:
        super().__init__("request_id", "was already used for another request; choose a new one")


class InvalidDisplayName(InvalidArgument):
    reason = "INVALID_DISPLAY_NAME"

    def __init__(self, description: str) -> None:
        super().__init__("display_name", description)


class InvalidStoreHandle(InvalidArgument):
    reason = "INVALID_STORE_HANDLE"

    def __init__(self, description: str) -> None:
        super().__init__("store_handle", description)


class InvalidMoney(InvalidArgument):
    reason = "INVALID_MONEY"


class InvalidQuantity(InvalidArgument):
    reason = "INVALID_QUANTITY"


class InvalidPriceRule(InvalidArgument):
    reason = "INVALID_PRICE_RULE"


class InvalidSetting(InvalidArgument):
    reason = "INVALID_SETTING"


class InvalidTaskProgress(InvalidArgument):
    reason = "INVALID_TASK_PROGRESS"


class MixedCurrencyOrder(InvalidArgument):
    reason = "MIXED_CURRENCY_ORDER"

    def __init__(self, order_id: str, currencies: str) -> None:
        super().__init__(
            "currency", f"order {order_id} mixes currencies ({currencies}); one currency per order"
        )


class InvalidOrderData(InvalidArgument):
    reason = "INVALID_ORDER_DATA"

"""TikTok error codes and messages (reference §1.7, §3, §6.2) and the response envelope.

HTTP statuses follow the reference where it knows them (106001 → 401, app_key → 400, unknown path
→ 404, rate limit → 429). Token failures answer 401. Business errors answer 200 with a non-zero
`code`, so a client that looks only at the HTTP status fails here as it would in production.
"""

from __future__ import annotations

import itertools
import time
from typing import Any


class TikTokError(Exception):
    def __init__(self, code: int, message: str, http_status: int = 200, data: Any = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status
        self.data = data


# Gateway
INVALID_PATH = (36009009, "Invalid path. The specified path does not match any available endpoint.", 404)
INVALID_METHOD = (36009010, "Invalid method. The request method is not supported for this endpoint.", 405)
INVALID_VERSION = (36009014, "Invalid API version. The API version in the path is not supported.", 404)
INVALID_APP_KEY = (36009004, "Invalid credentials. Invalid 'app_key' query parameter.", 400)
MISSING_SIGN = (
    36009004,
    "Missing credentials. The request does not include a required signature in the query.",
    400,
)
TIMESTAMP_TOO_OLD = (
    36009004,
    "Invalid timestamp. The 'timestamp' query parameter must not be earlier than 5 minutes "
    "before the current time.",
    400,
)
TIMESTAMP_TOO_NEW = (
    36009004,
    "Invalid timestamp. The 'timestamp' query parameter must not exceed the current time "
    "by more than 30 seconds.",
    400,
)
TIMESTAMP_NEGATIVE = (
    36009004,
    "Invalid timestamp. The 'timestamp' query parameter must not be lesser than 0.",
    400,
)
INVALID_SIGN = (106001, "Invalid credentials. The 'sign' query parameter is invalid.", 401)
INVALID_TOKEN = (36009004, "Invalid credentials. The 'x-tts-access-token' header is invalid.", 401)
EXPIRED_TOKEN = (
    105002,
    "Expired credentials. The 'access_token' or 'x-tts-access-token' header has expired.",
    401,
)
UNEXPECTED_CIPHER = (
    36009004,
    "Unexpected identifier. The 'shop_cipher' query parameter is not required for this request.",
    400,
)
MISSING_CIPHER = (
    106013,
    "Missing identifier. The 'shop_cipher' query parameter is required to identify the target shop.",
    400,
)
INVALID_CIPHER = (36009004, "Invalid identifier. The 'shop_cipher' query parameter is invalid.", 400)
INVALID_SHOP_ID = (36009004, "Invalid identifier. The 'shop_id' query parameter is invalid.", 400)
INVALID_VERSION_PARAM = (
    36009004,
    "Invalid API version. The 'version' query parameter does not match the path.",
    400,
)
TOO_MANY_REQUESTS = (
    36009002,
    "Too many requests. You've made too many requests in a short period of time.",
    429,
)
INTERNAL_ERROR = (36009003, "Internal error. Please try again later.", 500)
BAD_CONTENT_TYPE = (
    36009022,
    "Invalid content type. The request body must be application/json or multipart/form-data.",
    400,
)
# Token host
INVALID_AUTH_CODE = (36004004, "Invalid auth code.", 400)
REFRESH_TOKEN_EXPIRED = (36004001, "rt has expired", 400)
NO_AUTH_RECORD = (36004005, "can not find related auth record", 400)
# Business rules
PRODUCT_NOT_FOUND = (12019150, "The product ID does not exist.", 200)
SEARCH_CAP = (12052180, "The total number of search results can not exceed 10000.", 200)
MISSING_WAREHOUSE = (
    12019028,
    "Multiple warehouses detected. Include all warehouse IDs of the SKU in the request.",
    200,
)
INVALID_STOCK = (12019024, "Invalid stock count. The quantity must be an integer within [0, 99999].", 200)
SKU_ID_REQUIRED = (
    12052036,
    "SKU ID required. Every SKU must carry an 'id' that belongs to the product in the path.",
    200,
)
PRODUCT_STATUS_INVALID = (12019113, "The product status is invalid for this operation.", 200)
INCORRECT_PRICE = (12052012, "Incorrect price format.", 200)
ORDER_NOT_OWNED = (21008111, "The order or package does not belong to the current seller.", 200)


def error(spec: tuple[int, str, int], **overrides: Any) -> TikTokError:
    code, message, status = spec
    return TikTokError(code, overrides.get("message", message), overrides.get("http_status", status))


def invalid_param(message: str) -> TikTokError:
    """Malformed parameters share the 36009004 family, told apart by message (reference §6.2)."""
    return TikTokError(36009004, f"Invalid parameter. {message}", 400)


class RequestIds:
    """Request ids shaped like the live ones: UTC date-time, then a hex counter."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def next(self, now: float) -> str:
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(now))
        return f"{stamp}{next(self._counter):020X}"


def envelope(code: int, message: str, request_id: str, data: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "request_id": request_id, "data": data}

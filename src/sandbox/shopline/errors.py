"""SHOPLINE error shapes (reference A2, A5, A6).

REST failures are an HTTP status with `{"errors": ...}`; a call outside the scopes the merchant
granted is a 403 "forbidden" (A6, B4a) whose text the reference does not give, so the sandbox
words it itself. The OAuth token endpoints answer with
their own envelope `{code, i18nCode, message, data}`; `code` is 200 on success. The i18n codes
`OAUTH_CODE_INVALID` and `REQUEST_FREQUENTLY` come from the reference; the sandbox also uses
`SIGN_INVALID`, `TIMESTAMP_INVALID` and `APP_KEY_INVALID` for checks the reference describes
without naming their codes.
"""

from __future__ import annotations

from typing import Any


class ShoplineError(Exception):
    def __init__(self, status: int, errors: Any) -> None:
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors


class OAuthError(Exception):
    def __init__(self, status: int, i18n_code: str, message: str) -> None:
        super().__init__(f"{i18n_code}: {message}")
        self.status = status
        self.i18n_code = i18n_code
        self.message = message


TOO_MANY_REQUESTS = "Too many request"


def scope_not_granted(scope: str) -> str:
    return f"Forbidden: the app has not been granted the access scope {scope}."


def not_found(what: str = "Not Found") -> ShoplineError:
    return ShoplineError(404, what)


def unprocessable(message: str) -> ShoplineError:
    return ShoplineError(422, message)


def bad_request(message: str) -> ShoplineError:
    return ShoplineError(400, message)

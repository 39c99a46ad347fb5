"""Who may call: credentials that do not identify a caller, and callers lacking a role.

Messages never hold a credential, only its public prefix.
"""

from __future__ import annotations

from domain.errors.base import AlreadyExists, DomainError, InvalidArgument, NotFound


class Unauthenticated(DomainError):
    """No usable credential: missing, malformed, unknown, expired or revoked (UNAUTHENTICATED).

    One message for every cause, so a caller learns nothing about which keys exist."""

    reason = "UNAUTHENTICATED"

    def __init__(
        self, description: str = "a valid API key is required (authorization: Bearer mcc_...)"
    ) -> None:
        super().__init__(description)


class PermissionDenied(DomainError):
    """The caller is known but may not call the method (PERMISSION_DENIED).

    Decided by the method alone, never by the resource, so it reveals nothing about other apps."""

    reason = "PERMISSION_DENIED"

    def __init__(self, method: str, description: str) -> None:
        super().__init__(f"{method}: {description}")
        self.method = method
        self.description = description

    def metadata(self) -> dict[str, str]:
        return {"method": self.method}


class ApiKeyNotFound(NotFound):
    reason = "API_KEY_NOT_FOUND"
    resource_type = "ApiKey"


class InvalidApiKey(InvalidArgument):
    """An API key's role, app scope or expiry breaks a rule."""

    reason = "INVALID_API_KEY"


class ApiKeyAlreadyExists(AlreadyExists):
    """Another key has the same prefix or stands for the same client certificate."""

    reason = "API_KEY_ALREADY_EXISTS"
    resource_type = "ApiKey"

"""The base of every domain error and the families that decide how the edge answers."""

from __future__ import annotations

from typing import ClassVar

QUOTE_LIMIT = 100
"""At most this many characters of a caller's value appear in an error message."""


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``repr`` of a value for an error message, cut to ``limit`` characters (a 1 MiB name stays out)."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text)} characters)"


class DomainError(Exception):
    """Base of every error raised under ``domain``."""

    reason: ClassVar[str] = "DOMAIN_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def metadata(self) -> dict[str, str]:
        """Safe structured fields for ``ErrorInfo.metadata``."""
        return {}


# --- Families -------------------------------------------------------------------------------


class InvalidArgument(DomainError):
    """A value supplied by the caller breaks a rule about its shape or range."""

    reason = "INVALID_ARGUMENT"

    def __init__(self, field: str, description: str) -> None:
        super().__init__(f"{field}: {description}")
        self.field = field
        self.description = description

    def metadata(self) -> dict[str, str]:
        return {"field": self.field}


class NotFound(DomainError):
    reason = "NOT_FOUND"

    resource_type: ClassVar[str] = "resource"

    def __init__(self, resource_name: str) -> None:
        super().__init__(f"{self.resource_type} {quoted(resource_name)} was not found")
        self.resource_name = resource_name

    def metadata(self) -> dict[str, str]:
        return {"resource_type": self.resource_type, "resource_name": self.resource_name}


class AlreadyExists(DomainError):
    reason = "ALREADY_EXISTS"

    resource_type: ClassVar[str] = "resource"

    def __init__(self, resource_name: str) -> None:
        super().__init__(f"{self.resource_type} {quoted(resource_name)} already exists")
        self.resource_name = resource_name

    def metadata(self) -> dict[str, str]:
        return {"resource_type": self.resource_type, "resource_name": self.resource_name}


class PreconditionFailed(DomainError):
    """A state or business rule forbids the operation right now."""

    reason = "PRECONDITION_FAILED"

    def __init__(self, subject: str, description: str) -> None:
        super().__init__(f"{subject}: {description}")
        self.subject = subject
        self.description = description

    def metadata(self) -> dict[str, str]:
        return {"subject": self.subject}


class ConcurrencyConflict(DomainError):
    """Someone else changed or holds the resource; the caller may retry from a fresh read."""

    reason = "CONCURRENCY_CONFLICT"

    def __init__(self, subject: str, description: str) -> None:
        super().__init__(f"{subject}: {description}")
        self.subject = subject
        self.description = description

    def metadata(self) -> dict[str, str]:
        return {"subject": self.subject}


class PartnerError(DomainError):
    """A partner API (TikTok Shop or SHOPLINE) failed; adapters map transport errors to these."""

    reason = "PARTNER_ERROR"
    retriable: ClassVar[bool] = False

    def __init__(
        self, partner: str, code: str, message: str, request_id: str = "", *, summary: str = ""
    ) -> None:
        """``message`` is the partner's own text; ``summary`` replaces the default error text."""
        default = f"{partner} error {code}: {message}" if message else f"{partner} error {code}"
        super().__init__(summary or default)
        self.partner = partner
        self.code = code
        self.partner_message = message
        self.request_id = request_id

    def metadata(self) -> dict[str, str]:
        fields = {"partner": self.partner, "code": self.code}
        if self.request_id:
            fields["request_id"] = self.request_id
        return fields

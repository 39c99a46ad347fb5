"""The caller of the current call, and what the audit log records about the call.

The authentication interceptor binds the principal; resource names resolved by
``adapters.grpc.names`` are checked against its apps and noted for the audit line.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from domain.api_key import Principal
from domain.ids import AppId

_principal: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("mcc_principal", default=None)
_audit: contextvars.ContextVar[AuditRecord | None] = contextvars.ContextVar("mcc_audit", default=None)


@dataclass
class AuditRecord:
    principal: str = "-"
    resource: str = "-"


def note_principal(principal: Principal) -> None:
    """Names the caller in the audit line, also when the call is then refused."""
    record = _audit.get()
    if record is not None:
        record.principal = principal.name


def bind_principal(principal: Principal) -> contextvars.Token[Principal | None]:
    note_principal(principal)
    return _principal.set(principal)


def unbind_principal(token: contextvars.Token[Principal | None]) -> None:
    _principal.reset(token)


def current_principal() -> Principal | None:
    """None outside an authenticated call (the server never runs a non-public method without one)."""
    return _principal.get()


def visible_apps() -> frozenset[AppId] | None:
    """The apps the caller may see; None: every app."""
    principal = _principal.get()
    return None if principal is None else principal.apps


def may_see(app_id: AppId) -> bool:
    principal = _principal.get()
    return principal is None or principal.sees(app_id)


def start_audit() -> tuple[AuditRecord, contextvars.Token[AuditRecord | None]]:
    record = AuditRecord()
    return record, _audit.set(record)


def end_audit(token: contextvars.Token[AuditRecord | None]) -> None:
    _audit.reset(token)


def note_resource(name: str) -> None:
    """The first resource name a call resolves is the one its audit line names."""
    record = _audit.get()
    if record is not None and record.resource == "-":
        record.resource = name

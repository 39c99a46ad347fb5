"""mTLS callers: the verified client certificate's subject, read from the call's auth context.

With ``MCC_TLS_CLIENT_CA`` set, the TLS server asks for a client certificate and checks it
against that CA before any call is made; gRPC then puts the peer's certificate fields in the auth
context. A certificate stands for a caller once an admin registers its subject as a key
(``mcc api-key create --certificate-subject ...``), with a role, apps and expiry like any key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

_SSL = b"ssl"


def verified_subject(auth_context: Mapping[str, Sequence[bytes]]) -> str | None:
    """The peer certificate's subject (``CN=...,O=...``), or None without a verified certificate."""
    if _SSL not in auth_context.get("transport_security_type", ()):
        return None
    for value in auth_context.get("x509_subject", ()):
        if value:
            return value.decode("utf-8", "replace")
    for value in auth_context.get("x509_common_name", ()):
        if value:
            return f"CN={value.decode('utf-8', 'replace')}"
    return None

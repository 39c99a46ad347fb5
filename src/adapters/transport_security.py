"""TLS settings and the rule about plaintext: never on an address reachable from elsewhere, unless
the operator says so (``MCC_ALLOW_INSECURE=1``), and then with a warning."""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.config_error import ConfigError

if TYPE_CHECKING:
    from adapters.settings import Settings

log = logging.getLogger("mcc")


class InsecureListenRefused(Exception):
    """The server would serve plaintext where other hosts can reach it, and nobody said that is fine."""


@dataclasses.dataclass(frozen=True, repr=False)
class ServerTls:
    """PEM bytes for both edges; ``client_ca`` set means the gRPC server requires client certificates."""

    certificate_chain: bytes
    private_key: bytes
    cert_file: str
    key_file: str
    client_ca: bytes | None = None


def server_tls(settings: Settings) -> ServerTls | None:
    if settings.tls_cert_file is None or settings.tls_key_file is None:
        return None
    client_ca = Path(settings.tls_client_ca).read_bytes() if settings.tls_client_ca else None
    return ServerTls(
        certificate_chain=Path(settings.tls_cert_file).read_bytes(),
        private_key=Path(settings.tls_key_file).read_bytes(),
        cert_file=settings.tls_cert_file,
        key_file=settings.tls_key_file,
        client_ca=client_ca,
    )


def flag(variable: str, value: str | None) -> bool:
    if value is None:
        return False
    if value.lower() in ("1", "true", "yes"):
        return True
    if value.lower() in ("0", "false", "no"):
        return False
    raise ConfigError(variable, "1 or 0", value)


def _readable_file(variable: str, path: str) -> str:
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError:
        raise ConfigError(variable, "a readable PEM file", path) from None
    return path


def tls_pair(cert: str | None, key: str | None) -> tuple[str | None, str | None]:
    if (cert is None) != (key is None):
        missing = "MCC_TLS_KEY_FILE" if key is None else "MCC_TLS_CERT_FILE"
        raise ConfigError(missing, "set together with the other of MCC_TLS_CERT_FILE and MCC_TLS_KEY_FILE")
    if cert is None or key is None:
        return None, None
    return _readable_file("MCC_TLS_CERT_FILE", cert), _readable_file("MCC_TLS_KEY_FILE", key)


def tls_client_ca(ca: str | None, cert: str | None) -> str | None:
    if ca is None:
        return None
    if cert is None:
        raise ConfigError("MCC_TLS_CLIENT_CA", "MCC_TLS_CERT_FILE and MCC_TLS_KEY_FILE too (mTLS needs TLS)")
    return _readable_file("MCC_TLS_CLIENT_CA", ca)


def is_loopback(listen: str) -> bool:
    """Whether ``HOST:PORT`` listens on loopback only; a name other than localhost counts as reachable."""
    host = listen.rpartition(":")[0].strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposed_plaintext_addresses(settings: Settings) -> list[str]:
    """The listen addresses reachable from other hosts that would serve without TLS."""
    if settings.tls_cert_file is not None:
        return []
    return [address for address in (settings.listen, settings.http_listen) if not is_loopback(address)]


def insecure_listen_refusal(settings: Settings) -> str | None:
    """Why the server must not start as configured, or ``None``.

    Plaintext on a non-loopback address is refused unless ``MCC_ALLOW_INSECURE=1``. Callers are
    authenticated by API keys; once that can be switched off, an unauthenticated server on such an
    address belongs here too.
    """
    exposed = exposed_plaintext_addresses(settings)
    if not exposed or settings.allow_insecure:
        return None
    return (
        f"refusing to serve plaintext on {', '.join(exposed)}: set MCC_TLS_CERT_FILE and MCC_TLS_KEY_FILE, "
        "listen on 127.0.0.1, or set MCC_ALLOW_INSECURE=1 to accept the risk"
    )


def check_listen_security(settings: Settings) -> None:
    """Raises ``InsecureListenRefused``, or warns when plaintext on a reachable address is allowed."""
    refusal = insecure_listen_refusal(settings)
    if refusal is not None:
        raise InsecureListenRefused(refusal)
    exposed = exposed_plaintext_addresses(settings)
    if exposed:
        log.warning(
            "serving plaintext on %s because MCC_ALLOW_INSECURE=1: any host that reaches it can read "
            "and alter every call; set MCC_TLS_CERT_FILE and MCC_TLS_KEY_FILE",
            ", ".join(exposed),
        )
